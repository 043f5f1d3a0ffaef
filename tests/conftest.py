"""Fixtures: an app per test on SQLite and on PostgreSQL, clients, people in every role.

Every database test runs twice, `[sqlite]` and `[postgresql]`. PostgreSQL is expected at
127.0.0.1:5432 (override with TEST_POSTGRES_URL); without it those runs are skipped with a
note, except under CI=true, where a missing PostgreSQL fails the suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from lms import config, create_app
from lms.extensions import db
from tests import factories

POSTGRES_SERVER_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_TEST_DATABASE = os.environ.get("TEST_POSTGRES_DATABASE", "lms_test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _fresh_postgres_database() -> str:
    """Create an empty test database on the local server and return its URL."""
    engine = sa.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(
                f"DROP DATABASE IF EXISTS {POSTGRES_TEST_DATABASE} WITH (FORCE)"
            )
            connection.exec_driver_sql(f"CREATE DATABASE {POSTGRES_TEST_DATABASE}")
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL is not reachable at {POSTGRES_SERVER_URL}: {error.orig}"
        if IN_CI:
            pytest.fail(message + " (required under CI=true)")
        pytest.skip(message + "; the [postgresql] runs are skipped")
    finally:
        engine.dispose()
    return POSTGRES_SERVER_URL.rsplit("/", 1)[0] + "/" + POSTGRES_TEST_DATABASE


def _migrate(url: str, instance: Path) -> None:
    app = create_app(config.for_tests(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    """A migrated, empty database of each kind, shared by the tests of a session."""
    instance = tmp_path_factory.mktemp("instance")
    if request.param == "sqlite":
        url = f"sqlite:///{instance / 'test.sqlite3'}"
    else:
        url = _fresh_postgres_database()
    _migrate(url, instance)
    return url


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database, with settings changed for one test."""
    apps = []

    def make(**overrides):
        app = create_app({**config.for_tests(database_url, tmp_path), **overrides})
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


def _empty_tables() -> None:
    tables = list(db.metadata.sorted_tables)
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The test's own session is committed first: that ends its transaction (on SQLite it would
    otherwise hold the write lock) and expires its objects, so the test sees what the request
    changed when it looks again.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def people(app):
    """One person in each role, committed."""
    return factories.people_in_every_role()
