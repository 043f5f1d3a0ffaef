"""Keeping the attendance summary up to date, and splitting a period into what it covers.

The summary (`lms.reports.models.AttendanceMonth`) holds the attendance figures per official,
cohort and month. A report reads it for the whole months of its period and reads the raw
records only for the part months at the period's edges, so its cost follows the number of
officials rather than the number of attendance records.

Triggers note each cohort whose sessions, members or records change; `bring_up_to_date`
recomputes those cohorts' rows from the raw tables. Two servers doing so at once take turns
(an advisory lock on PostgreSQL; SQLite has one writer at a time anyway), and a change
committed while a refresh runs leaves its note for the next one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from lms.accounts.models import User
from lms.attendance.models import SeminarSession
from lms.db import SQLITE_BUSY_MILLISECONDS, only_reading
from lms.extensions import db
from lms.reports import queries
from lms.reports.models import AttendanceMonth, StaleCohort

# Any fixed number: the key of the PostgreSQL advisory lock refreshes take turns on.
_REFRESH_LOCK = 0x4C4D_5301
_COHORTS_PER_STATEMENT = 5000


@dataclass(frozen=True)
class WholeMonths:
    """The whole months inside a period: YYYYMM of the first and last, and their span."""

    first: int
    last: int
    starts: dt.datetime
    ends: dt.datetime


def _month_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: dt.datetime) -> dt.datetime:
    return _month_start(start + dt.timedelta(days=32))


def _number(month: dt.datetime) -> int:
    return month.year * 100 + month.month


def whole_months(start: dt.datetime, end: dt.datetime) -> WholeMonths | None:
    """The months (in the programme's time zone) that lie entirely in [start, end)."""
    zone = queries.month_zone()
    local_start = start.astimezone(zone)
    first = _month_start(local_start)
    if first < local_start:
        first = _next_month(first)
    ends = _month_start(end.astimezone(zone))
    if first >= ends:
        return None
    last = _month_start(ends - dt.timedelta(days=1))
    return WholeMonths(_number(first), _number(last), first.astimezone(dt.UTC),
                       ends.astimezone(dt.UTC))


def stale_cohorts() -> sa.Select:
    """The cohorts noted as changed since their summary rows were computed."""
    return sa.select(StaleCohort.cohort_id)


def _recompute(connection, cohort_ids) -> None:
    """Replace the summary rows of these cohorts with figures from the raw tables."""
    sessions = (
        sa.select(SeminarSession.id, SeminarSession.cohort_id, SeminarSession.ends_at,
                  queries.local_month(SeminarSession.starts_at).label("month"))
        .where(SeminarSession.cohort_id.in_(cohort_ids))
        .subquery("sessions")
    )
    facts = queries.attendance_per_month(sessions).subquery("facts")
    columns = ("cohort_id", "user_id", "month", "gender", "gov_level", "region",
               "organisation_id", *queries.ATTENDANCE_MEASURES)
    rows = (
        sa.select(facts.c.cohort_id, facts.c.user_id, facts.c.month, User.gender,
                  User.gov_level, User.region, User.organisation_id,
                  *(facts.c[name] for name in queries.ATTENDANCE_MEASURES))
        .join(User, User.id == facts.c.user_id)
    )
    summary = AttendanceMonth.__table__
    connection.execute(sa.delete(summary).where(summary.c.cohort_id.in_(cohort_ids)))
    connection.execute(sa.insert(summary).from_select(columns, rows))


def _refresh(connection, wait: bool) -> int:
    if db.engine.dialect.name == "postgresql":
        lock = sa.func.pg_advisory_xact_lock if wait else sa.func.pg_try_advisory_xact_lock
        if connection.execute(sa.select(lock(_REFRESH_LOCK))).scalar() is False:
            return 0  # another server is refreshing
    notes = StaleCohort.__table__
    # Taking the notes first: a change committed from here on leaves a note of its own.
    noted = connection.execute(sa.delete(notes).returning(notes.c.cohort_id)).scalars()
    cohort_ids = sorted(set(noted))
    for first in range(0, len(cohort_ids), _COHORTS_PER_STATEMENT):
        _recompute(connection, cohort_ids[first:first + _COHORTS_PER_STATEMENT])
    return len(cohort_ids)


def bring_up_to_date(*, wait: bool = True) -> int:
    """Recompute the summary rows of the cohorts noted as changed; how many there were.

    Runs on a connection and in a transaction of its own. Without `wait`, it gives up at
    once when the database is busy writing (SQLite) or another server is refreshing
    (PostgreSQL): reports stay exact meanwhile, reading noted cohorts from the raw records.
    """
    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.connect() as connection:
        if sqlite and not wait:
            connection.connection.driver_connection.execute("PRAGMA busy_timeout = 0")
        try:
            with only_reading():
                noted = connection.execute(stale_cohorts().limit(1)).first()
            connection.rollback()
            if noted is None:
                return 0
            with connection.begin():
                return _refresh(connection, wait)
        except sa.exc.OperationalError:
            if wait or not sqlite:
                raise
            return 0  # the database is locked by a writer: another time
        finally:
            if sqlite and not wait:
                connection.connection.driver_connection.execute(
                    f"PRAGMA busy_timeout = {SQLITE_BUSY_MILLISECONDS}")
