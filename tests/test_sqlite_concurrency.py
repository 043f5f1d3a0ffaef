"""On SQLite, concurrent writers wait for each other instead of failing with 'locked'."""

from __future__ import annotations

import threading

import pytest

from lms.accounts.models import User
from lms.extensions import db
from tests import factories


def test_concurrent_read_modify_write_transactions_all_succeed(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("this checks SQLite's locking set-up")
    user_id = factories.make_user().id
    # End this session's transaction: on SQLite it would hold the write lock.
    db.session.commit()
    errors: list[Exception] = []

    def bump(times: int) -> None:
        for _ in range(times):
            try:
                with app.app_context():
                    person = db.session.get(User, user_id)
                    person.session_version += 1
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 - every failure is collected and shown
                errors.append(error)

    threads = [threading.Thread(target=bump, args=(15,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    # Immediate transactions serialise the read and the write: no update is lost.
    assert db.session.get(User, user_id).session_version == 1 + 8 * 15


def test_a_page_view_does_not_wait_for_a_writer(app):
    """A GET reads in an ordinary transaction: a writer holding the lock does not block it."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("this checks SQLite's locking set-up")
    user = factories.make_user()
    db.session.commit()
    client = app.test_client()
    factories.sign_in(client, user)
    db.session.commit()  # the test's own read of the user must not hold the lock
    writer = db.engine.connect()
    transaction = writer.begin()  # BEGIN IMMEDIATE: another request in the middle of a write
    try:
        assert client.get("/healthz").status_code == 200
    finally:
        transaction.rollback()
        writer.close()
