"""Officials check themselves in with the rotating code; everything else is refused."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa

from lms.attendance import checkin, services
from lms.attendance.models import AttendanceChange, AttendanceRecord
from lms.db import now_utc
from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf


@pytest.fixture
def room(app):
    """An open session in progress, its trainer, and one enrolled official."""
    trainer = factories.make_user("trainer")
    cohort = cf.make_cohort(trainers=[trainer])
    session = cf.make_session(cohort, check_in_open=True)
    official = cf.make_official_in(cohort)
    db.session.commit()
    return session, trainer, official


def _code(session, at: float | None = None) -> str:
    return checkin.current_code(session.id, session.check_in_secret, at)


def _records():
    return db.session.scalars(sa.select(AttendanceRecord)).all()


def test_the_code_rotates_and_the_previous_one_still_works(app):
    secret = checkin.new_secret()
    now = 1_800_000_000.0
    code = checkin.current_code(7, secret, now)
    assert len(code) == 6 and code.isdigit()
    assert checkin.is_valid(7, secret, code, now)
    assert checkin.is_valid(7, secret, code, now + 60)  # the previous window
    assert not checkin.is_valid(7, secret, code, now + 120)  # expired
    assert not checkin.is_valid(8, secret, code, now)  # another session
    assert not checkin.is_valid(7, checkin.new_secret(), code, now)  # after reopening
    assert checkin.current_code(7, secret, now + 60) != code


def test_official_checks_in_with_the_code_and_is_present(client, room):
    session, _trainer, official = room
    factories.sign_in(client, official)
    response = client.post("/check-in", data={"code": _code(session)})
    assert response.status_code == 302
    [record] = _records()
    assert (record.user_id, record.status) == (official.id, "present")
    change = db.session.scalar(sa.select(AttendanceChange))
    assert (change.source, change.changed_by_id, change.new_status) == (
        "check-in", official.id, "present")
    assert "present" in client.get("/my/seminars").text.lower()


def test_the_qr_link_only_fills_the_form_and_changes_nothing(client, room):
    session, _trainer, official = room
    factories.sign_in(client, official)
    page = client.get(f"/check-in?session={session.id}&code={_code(session)}")
    assert page.status_code == 200 and _code(session) in page.text
    assert _records() == []
    client.post("/check-in", data={"code": _code(session), "session_id": str(session.id)})
    assert len(_records()) == 1


def test_after_the_grace_period_a_check_in_is_late(app, room):
    session, _trainer, official = room
    later = session.starts_at + dt.timedelta(minutes=session.grace_minutes + 1)
    _, record = services.check_in(official, _code(session, later.timestamp()), now=later)
    assert record.status == "late"


REASONS = {
    "wrong": "wrong or has expired", "expired": "wrong or has expired",
    "closed": "wrong or has expired", "not-started": "not started yet", "ended": "has ended",
    "not-a-member": "wrong or has expired", "twice": "already checked in",
}


@pytest.mark.parametrize("case", ["wrong", "expired", "closed", "not-started", "ended",
                                  "not-a-member", "twice"])
def test_check_in_is_refused_and_records_nothing(app, room, case):
    session, _trainer, official = room
    now = now_utc()
    code = _code(session)
    if case == "wrong":
        code = str((int(code) + 1) % 1_000_000).zfill(6)
    elif case == "expired":
        code = _code(session, now.timestamp() - 180)
    elif case == "closed":
        session.check_in_open = False
    elif case == "not-started":
        now = session.starts_at - dt.timedelta(minutes=1)
        code = _code(session, now.timestamp())
    elif case == "ended":
        now = session.ends_at + dt.timedelta(minutes=1)
        code = _code(session, now.timestamp())
    elif case == "not-a-member":
        official = factories.make_user("official")
    elif case == "twice":
        services.check_in(official, code, now=now)
    before = len(_records())
    with pytest.raises(services.CheckInRefused, match=REASONS[case]):
        services.check_in(official, code, now=now)
    if case == "not-a-member":
        with pytest.raises(services.CheckInRefused, match="not enrolled"):
            services.check_in(official, code, session_id=session.id, now=now)
    assert len(_records()) == before


def test_a_refused_check_in_says_why_over_http(client, room):
    session, _trainer, official = room
    factories.sign_in(client, official)
    response = client.post("/check-in", data={"code": "000000x"})
    assert response.status_code == 422
    assert "wrong or has expired" in response.text
    assert _records() == []


def test_only_the_signed_in_official_is_checked_in(client, room):
    session, _trainer, official = room
    other = cf.make_official_in(session.cohort)
    factories.sign_in(client, official)
    client.post("/check-in", data={"code": _code(session), "user_id": str(other.id)})
    assert [r.user_id for r in _records()] == [official.id]


def test_check_in_is_post_only_and_trainers_cannot_use_it(client, room):
    session, trainer, _official = room
    factories.sign_in(client, trainer)
    assert client.post("/check-in", data={"code": _code(session)}).status_code == 403


def test_repeated_wrong_codes_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, CHECK_IN_FAILURES_PER_USER="3 per 10 minutes")
    with app.app_context():
        cohort = cf.make_cohort()
        session = cf.make_session(cohort, check_in_open=True)
        official = cf.make_official_in(cohort)
        db.session.commit()
        client = app.test_client()
        factories.sign_in(client, official)
        statuses = [client.post("/check-in", data={"code": "999999"}).status_code
                    for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        # Even the right code waits until the limit passes.
        assert client.post("/check-in", data={"code": _code(session)}).status_code == 429
        assert _records() == []


def test_trainer_opens_and_closes_check_in_and_sees_the_code(client, room):
    session, trainer, _official = room
    session.check_in_open = False
    db.session.commit()
    old_secret = session.check_in_secret
    factories.sign_in(client, trainer)
    response = client.post(f"/sessions/{session.id}/check-in/control", data={"open": "1"})
    assert response.status_code == 302
    assert session.check_in_open and session.check_in_secret != old_secret
    display = client.get(response.location)
    assert _code(session) in display.text
    assert "data:image/svg+xml" in display.text
    assert "Refresh" in display.headers
    client.post(f"/sessions/{session.id}/check-in/control", data={"open": "0"})
    assert not session.check_in_open


@pytest.mark.postgres_only
def test_concurrent_check_ins_of_many_officials_all_land_exactly_once(app, make_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's concurrency is what this proves")
    cohort = cf.make_cohort()
    session = cf.make_session(cohort, check_in_open=True)
    officials = [cf.make_official_in(cohort) for _ in range(20)]
    db.session.commit()
    session_id, secret = session.id, session.check_in_secret
    ids = [o.id for o in officials]
    # Each official taps "check in" twice at the same moment.
    attempts = ids + ids
    barrier = threading.Barrier(len(attempts), timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()
    # One connection per thread, so every check-in really runs at the same moment.
    worker_app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": len(attempts) + 2,
                                                     "max_overflow": 0})

    def attempt(user_id: int) -> None:
        from lms.accounts.models import User

        with worker_app.app_context():
            user = db.session.get(User, user_id)
            code = checkin.current_code(session_id, secret, time.time())
            db.session.commit()  # hand the connection back while waiting
            barrier.wait()
            try:
                services.check_in(user, code)
                db.session.commit()
                result = "in"
            except services.CheckInRefused:
                db.session.rollback()
                result = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["in"] * len(ids) + ["refused"] * len(ids)
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(AttendanceRecord.user_id, sa.func.count())
        .where(AttendanceRecord.session_id == session_id)
        .group_by(AttendanceRecord.user_id)
    ).all()
    assert sorted(rows) == sorted((u, 1) for u in ids)
    changes = db.session.scalar(sa.select(sa.func.count(AttendanceChange.id)))
    assert changes == len(ids)
