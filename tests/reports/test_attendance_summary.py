"""The attendance summary gives the figures the raw records give, whatever changes them.

A report reads whole months from the summary and part months from the records. Each test
compares its figures with those read from the records alone (every cohort noted as
changed makes the report read everything raw).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from lms.accounts.models import Organisation, User
from lms.attendance.models import AttendanceRecord, SeminarSession
from lms.cohorts.models import Cohort, CohortMember
from lms.db import only_reading
from lms.extensions import db
from lms.reports import months, queries, summary
from lms.reports.filters import ReportFilters
from lms.reports.models import AttendanceMonth, StaleCohort
from lms.reports.queries import Scope
from tests import factories
from tests.reports import programme

NOW = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def _scope(start: dt.date, end: dt.date, **filters) -> Scope:
    return Scope(ReportFilters(start, end, **filters), now=NOW)


def _figures(scope: Scope) -> dict:
    fanned = queries.attendance(scope)
    return {dimension: {key: {name: value for name, value in row._mapping.items()
                              if name != "dimension" and not name.startswith("k_")}
                        for key, row in rows.items()}
            for dimension, rows in fanned.items()}


def _from_records(scope: Scope) -> dict:
    """The figures with every cohort noted as changed: read from the records alone."""
    db.session.execute(sa.insert(StaleCohort).from_select(["cohort_id"], sa.select(Cohort.id)))
    try:
        return _figures(scope)
    finally:
        db.session.execute(sa.delete(StaleCohort))
        db.session.commit()


def _assert_summary_matches_records(*scopes: Scope) -> None:
    db.session.commit()
    summary.bring_up_to_date()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaleCohort)) == 0
    for scope in scopes:
        assert _figures(scope) == _from_records(scope), scope.filters


YEAR_2017 = _scope(dt.date(2017, 1, 1), dt.date(2017, 12, 31))
# Starts and ends in the middle of a month: part months at both edges.
MID_MONTHS = _scope(dt.date(2017, 1, 28), dt.date(2017, 2, 15))


@pytest.fixture
def data(app):
    return programme.build()


def test_whole_months_of_a_period(app):
    zone = dt.timezone(dt.timedelta(hours=3))
    start = dt.datetime(2017, 1, 28, tzinfo=zone)
    whole = months.whole_months(start, dt.datetime(2017, 5, 15, tzinfo=zone))
    assert (whole.first, whole.last) == (201702, 201704)
    assert whole.starts == dt.datetime(2017, 2, 1, tzinfo=zone)
    assert whole.ends == dt.datetime(2017, 5, 1, tzinfo=zone)
    assert months.whole_months(start, dt.datetime(2017, 2, 27, tzinfo=zone)) is None
    january = months.whole_months(dt.datetime(2017, 1, 1, tzinfo=zone),
                                   dt.datetime(2017, 2, 1, tzinfo=zone))
    assert (january.first, january.last) == (201701, 201701)


def test_refresh_fills_the_summary_and_takes_the_notes(data):
    # The three cohorts and the four officials with finished attempts or lessons, noted as
    # they were made.
    assert summary.bring_up_to_date() == (3, 4)
    rows = db.session.scalars(sa.select(AttendanceMonth)).all()
    f1 = data["people"]["f1"]
    january = next(r for r in rows if r.user_id == f1.id and r.month == 201701)
    assert (january.expected, january.attended, january.participations) == (2, 2, 2)
    assert january.gender == "female" and january.region == "grodno"
    assert summary.bring_up_to_date() == (0, 0)


def test_whole_months_are_read_from_the_summary(data):
    summary.bring_up_to_date()
    before = _figures(YEAR_2017)["month"]["2017-01"]["participations"]
    # Changed behind the triggers' back, the summary shows through for whole months...
    db.session.execute(sa.update(AttendanceMonth).where(AttendanceMonth.month == 201701)
                       .values(participations=AttendanceMonth.participations + 10))
    assert _figures(YEAR_2017)["month"]["2017-01"]["participations"] == before + 40
    # ...but not for part months, read from the records, nor for a cohort noted as changed.
    assert _figures(MID_MONTHS)["month"]["2017-01"]["participations"] == 2  # 28 January
    c1 = data["cohorts"][0]
    db.session.add(StaleCohort(cohort_id=c1.id))
    assert _figures(YEAR_2017)["month"]["2017-01"]["participations"] == before
    db.session.rollback()


def test_figures_match_the_records_with_filters_and_part_months(data):
    c1, c2, _ = data["cohorts"]
    _assert_summary_matches_records(
        YEAR_2017, MID_MONTHS,
        _scope(dt.date(2016, 12, 1), dt.date(2026, 12, 31)),
        _scope(dt.date(2017, 1, 1), dt.date(2017, 12, 31), gender="female"),
        _scope(dt.date(2017, 1, 1), dt.date(2017, 12, 31), region="grodno", level="local"),
        _scope(dt.date(2017, 2, 1), dt.date(2017, 2, 28), cohort_id=c2.id),
        Scope(YEAR_2017.filters, visible_cohort_ids=sa.select(sa.literal(c1.id)), now=NOW),
    )


def test_every_change_reaches_the_summary(data):
    people, (c1, c2, _c3) = data["people"], data["cohorts"]
    scopes = (YEAR_2017, MID_MONTHS, _scope(dt.date(2016, 12, 1), dt.date(2026, 12, 31)))
    _assert_summary_matches_records(*scopes)
    s1, s2 = db.session.scalars(sa.select(SeminarSession).where(
        SeminarSession.cohort_id == c1.id).order_by(SeminarSession.starts_at)).all()
    s3 = db.session.scalar(sa.select(SeminarSession).where(SeminarSession.cohort_id == c2.id))

    def record(session, code):
        return db.session.scalar(sa.select(AttendanceRecord).where(
            AttendanceRecord.session_id == session.id,
            AttendanceRecord.user_id == people[code].id))

    def move(session, when):
        session.starts_at, session.ends_at = when, when + dt.timedelta(hours=3)

    # Each change, and whether it leaves a note (person attributes are copied at once).
    changes = [
        # a mark changed, a record added (a check-in) and one removed
        (lambda: setattr(record(s2, "m1"), "status", "present"), True),
        (lambda: db.session.add(AttendanceRecord(session_id=s3.id, user_id=people["n1"].id,
                                                 status="late")), True),
        (lambda: db.session.delete(record(s1, "f2")), True),
        # a member leaves, another joins after the first session
        (lambda: db.session.execute(sa.delete(CohortMember).where(
            CohortMember.cohort_id == c2.id, CohortMember.user_id == people["m3"].id)), True),
        (lambda: db.session.add(CohortMember(cohort_id=c1.id, user_id=people["x1"].id,
                                             enrolled_at=programme._at(2017, 1, 27, 18))), True),
        # a session moved to another month, one deleted
        (lambda: move(s2, programme._at(2017, 3, 3)), True),
        (lambda: db.session.delete(s3), True),
        # a person's attributes, an organisation deleted, a cohort deleted
        (lambda: setattr(db.session.get(User, people["f1"].id), "region", "brest"), False),
        (lambda: db.session.delete(db.session.get(Organisation, data["orgs"]["A"].id)), False),
        (lambda: db.session.delete(db.session.get(Cohort, c2.id)), True),
    ]
    for change, noted in changes:
        change()
        db.session.commit()
        notes = db.session.scalar(sa.select(sa.func.count()).select_from(StaleCohort))
        assert bool(notes) == noted
        _assert_summary_matches_records(*scopes)
    brest = _figures(YEAR_2017)[queries.PERSON]
    assert any(key[2] == "brest" for key in brest)  # f1 moved with her figures


def test_a_larger_programme_matches_the_records(app):
    from lms import scale_data

    scale_data.generate(officials=240, cohorts=36, sessions_per_cohort=5, seed=11)
    today = NOW.date()
    _assert_summary_matches_records(
        _scope(dt.date(2017, 1, 1), dt.date(2026, 12, 31)),
        _scope(dt.date(2018, 3, 15), dt.date(2021, 7, 20)),
        _scope(dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        _scope(today - dt.timedelta(days=400), today),
        _scope(dt.date(2017, 1, 1), dt.date(2026, 12, 31), gender="male", level="central"),
    )


def test_a_report_does_not_wait_to_refresh_while_someone_writes(data):
    """On SQLite the refresh needs the write lock: while another transaction holds it, the
    report goes on without refreshing and reads the noted cohorts from the records."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("this checks SQLite's write lock")
    db.session.commit()
    writer = db.engine.connect()
    transaction = writer.begin()
    try:
        assert summary.bring_up_to_date(wait=False) == (0, 0)
        with only_reading():  # as the dashboard's page reads
            assert db.session.scalar(sa.select(sa.func.count()).select_from(StaleCohort)) == 3
            while_writing = _figures(YEAR_2017)
            db.session.rollback()
    finally:
        transaction.rollback()
        writer.close()
    db.session.commit()
    assert summary.bring_up_to_date(wait=False) == (3, 4)
    assert _figures(YEAR_2017) == while_writing
    assert while_writing["month"]["2017-01"]["participations"] == 5


def test_a_person_without_organisation_is_kept(data):
    person = factories.make_user("official", gender="male", gov_level=None, region=None)
    c1 = data["cohorts"][0]
    db.session.add(CohortMember(cohort_id=c1.id, user_id=person.id,
                                enrolled_at=dt.datetime(2017, 1, 1, tzinfo=dt.UTC)))
    _assert_summary_matches_records(YEAR_2017)


def test_two_servers_refreshing_at_once_take_turns(data, app):
    """Each note is taken by one refresh only, and the rows are written once."""
    db.session.commit()
    refreshed = []

    def refresh():
        with app.app_context():
            refreshed.append(summary.bring_up_to_date())

    threads = [threading.Thread(target=refresh) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.cohorts for r in refreshed) == [0, 0, 3]
    assert _figures(YEAR_2017) == _from_records(YEAR_2017)
