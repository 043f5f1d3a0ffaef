"""Keeping the report summaries up to date.

The summaries (lms.reports.models) hold attendance per official, cohort and month, best
quiz results per official, quiz and month, pre/post-test results and module progress per
official, and module completion per cohort member. A refresh also sets, on each row of an
official who may have several in a period, the months of their neighbouring rows
(lms.reports.first_rows), on each membership whether it is the official's only one, and
on one membership of each official their modules over all their cohorts.
A report reads them instead of the raw records, so its cost follows the number of
officials rather than the number of attendance records, attempts and lessons read. What
is kept by month is read for the whole months of a period; the part months at its edges
come from the raw records (lms.reports.months).

Triggers note each cohort and official whose records change; `bring_up_to_date`
recomputes their rows from the raw tables, and until it has, reports read them from the
raw records. Two servers refreshing at once take turns (an advisory lock on PostgreSQL;
SQLite has one writer at a time anyway), and a change committed while a refresh runs
leaves its note for the next one.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from lms.accounts.models import User
from lms.attendance.models import SeminarSession
from lms.cohorts.models import CohortMember, CohortModule
from lms.content.models import Lesson, LessonProgress
from lms.db import SQLITE_BUSY_MILLISECONDS, only_reading
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.reports import first_rows, queries
from lms.reports.models import (
    AttendanceMonth,
    MemberCompletion,
    ModuleProgress,
    PrePostResult,
    QuizMonth,
    StaleCohort,
    StalePerson,
)
from lms.reports.months import local_month

# Any fixed number: the key of the PostgreSQL advisory lock refreshes take turns on.
_REFRESH_LOCK = 0x4C4D_5301
_IDS_PER_STATEMENT = 5000


def _recompute(connection, cohort_ids) -> set[int]:
    """Replace the summary rows of these cohorts with figures from the raw tables; the
    officials whose rows were replaced."""
    sessions = (
        sa.select(SeminarSession.id, SeminarSession.cohort_id, SeminarSession.ends_at,
                  local_month(SeminarSession.starts_at).label("month"))
        .where(SeminarSession.cohort_id.in_(cohort_ids))
        .subquery("sessions")
    )
    facts = queries.attendance_per_month(sessions).subquery("facts")
    columns = ("cohort_id", "user_id", "month", *queries.PERSON_KEYS,
               *queries.ATTENDANCE_MEASURES)
    rows = (
        sa.select(facts.c.cohort_id, facts.c.user_id, facts.c.month,
                  *queries.person_columns(User.__table__.c),
                  *(facts.c[name] for name in queries.ATTENDANCE_MEASURES))
        .join(User, User.id == facts.c.user_id)
    )
    summary = AttendanceMonth.__table__
    gone = connection.execute(sa.delete(summary).where(summary.c.cohort_id.in_(cohort_ids))
                              .returning(summary.c.user_id)).scalars()
    people = set(gone)
    connection.execute(sa.insert(summary).from_select(columns, rows))
    people.update(connection.execute(
        sa.select(summary.c.user_id).distinct().where(summary.c.cohort_id.in_(cohort_ids))
    ).scalars())
    return people


def _link_months(connection, user_ids) -> None:
    """Set, on every attendance summary row of these officials, the months of their
    previous rows with a place and with a participation (lms.reports.first_rows)."""
    summary = AttendanceMonth.__table__
    c = summary.c
    everywhere, in_cohort = (c.user_id,), (c.cohort_id, c.user_id)
    order = (c.month, c.cohort_id)
    place, trained = c.expected > 0, c.participations > 0
    links = (
        sa.select(c.cohort_id, c.user_id, c.month,
                  first_rows.previous_month(place, c.month, everywhere, order)
                  .label("prev_place_month"),
                  first_rows.previous_month(trained, c.month, everywhere, order)
                  .label("prev_trained_month"),
                  first_rows.previous_month(place, c.month, in_cohort, order)
                  .label("cohort_prev_place_month"),
                  first_rows.previous_month(trained, c.month, in_cohort, order)
                  .label("cohort_prev_trained_month"))
        .where(c.user_id.in_(user_ids))
        .subquery("links")
    )
    connection.execute(
        sa.update(summary)
        .where(c.cohort_id == links.c.cohort_id, c.user_id == links.c.user_id,
               c.month == links.c.month)
        .values({name: links.c[name] for name in first_rows.ATTENDANCE_LINKS})
    )


def _recompute_people(connection, user_ids) -> None:
    """Replace the pre/post results, best quiz results and module progress of these
    officials."""
    pairs = queries.test_pair_results(Attempt.user_id.in_(user_ids)).subquery("pairs")
    person = queries.person_columns(User.__table__.c)
    rows = (
        sa.select(pairs.c.user_id, pairs.c.pre_quiz_id, pairs.c.pre, pairs.c.post,
                  pairs.c.gain, pairs.c.finished_at,
                  local_month(pairs.c.finished_at), *person)
        .join(User, User.id == pairs.c.user_id)
    )
    table = PrePostResult.__table__
    connection.execute(sa.delete(table).where(table.c.user_id.in_(user_ids)))
    connection.execute(sa.insert(table).from_select(
        ("user_id", "pre_quiz_id", "pre", "post", "gain", "finished_at", "month",
         *queries.PERSON_KEYS), rows))
    table = QuizMonth.__table__
    connection.execute(sa.delete(table).where(table.c.user_id.in_(user_ids)))
    best = queries.best_results_by_month(Attempt.user_id.in_(user_ids),
                                         Attempt.quiz_id.in_(queries.counted_quizzes())
                                         ).subquery("best")
    passed = best.c.grade >= Quiz.pass_percent
    result, order = (best.c.user_id, best.c.quiz_id), (best.c.month,)
    connection.execute(sa.insert(table).from_select(
        ("user_id", "quiz_id", "month", "grade", "finished_at", *queries.PERSON_KEYS,
         "passed", "prev_month", "next_month", "prev_pass_month"),
        sa.select(best.c.user_id, best.c.quiz_id, best.c.month, best.c.grade,
                  best.c.finished_at, *queries.person_columns(best.c), passed,
                  first_rows.previous_month(sa.true(), best.c.month, result, order),
                  sa.func.min(best.c.month).over(partition_by=result, order_by=order,
                                                 rows=(1, None)),
                  first_rows.previous_month(passed, best.c.month, result, order))
        .join(Quiz, Quiz.id == best.c.quiz_id)))
    table = ModuleProgress.__table__
    connection.execute(sa.delete(table).where(table.c.user_id.in_(user_ids)))
    connection.execute(sa.insert(table).from_select(
        ("user_id", "module_id", "lessons_done"),
        queries.lessons_finished(LessonProgress.user_id.in_(user_ids))))


def _recompute_completion(connection, members, rows) -> set[int]:
    """Replace the completion summary of the memberships meeting `members` (a condition on
    cohort_members), whose summary rows meet `rows`; the officials concerned."""
    summary = MemberCompletion.__table__
    gone = connection.execute(sa.delete(summary).where(rows).returning(summary.c.user_id))
    people = set(gone.scalars())
    memberships = (sa.select(CohortMember.cohort_id, CohortMember.user_id).where(members)
                   .subquery("memberships"))
    totals = (sa.select(Lesson.module_id, sa.func.count(Lesson.id).label("total"))
              .group_by(Lesson.module_id).subquery("totals"))
    done = queries.lessons_finished(
        LessonProgress.user_id.in_(sa.select(memberships.c.user_id))).subquery("done")
    person = queries.person_columns(User.__table__.c)
    finished = sa.case((done.c.done >= totals.c.total, 1), else_=0)
    connection.execute(sa.insert(summary).from_select(
        ("cohort_id", "user_id", *queries.PERSON_KEYS, "modules", "completed"),
        sa.select(memberships.c.cohort_id, memberships.c.user_id, *person, sa.func.count(),
                  sa.func.sum(finished))
        .select_from(memberships)
        .join(User, User.id == memberships.c.user_id)
        .join(CohortModule, CohortModule.cohort_id == memberships.c.cohort_id)
        .join(totals, totals.c.module_id == CohortModule.module_id)
        .outerjoin(done, sa.and_(done.c.user_id == memberships.c.user_id,
                                 done.c.module_id == CohortModule.module_id))
        .group_by(memberships.c.cohort_id, memberships.c.user_id, *person)))
    people.update(connection.execute(
        sa.select(summary.c.user_id).distinct().where(rows)).scalars())
    return people


def _mark_people(connection, user_ids) -> None:
    """Say, on each completion summary row of these officials, whether it is their only
    one, and set on one of them (the lead) their modules over all their cohorts, each
    counted once, and how many of those they finished."""
    summary = MemberCompletion.__table__
    c = summary.c
    done = queries.summarised_progress(ModuleProgress.user_id.in_(user_ids)).subquery("done")
    pairs = queries.member_modules(done, CohortMember.user_id.in_(user_ids)).subquery("pairs")
    per_person = (
        sa.select(pairs.c.user_id,
                  *(aggregate.label(name) for name, aggregate in queries.distinct_modules(pairs)))
        .group_by(pairs.c.user_id)
        .subquery("per_person")
    )
    rows = (
        sa.select(c.cohort_id, c.user_id,
                  (sa.func.count().over(partition_by=c.user_id) == 1).label("alone"),
                  (sa.func.min(c.cohort_id).over(partition_by=c.user_id) == c.cohort_id)
                  .label("lead"),
                  per_person.c.assigned, per_person.c.completed)
        .join(per_person, per_person.c.user_id == c.user_id)
        .where(c.user_id.in_(user_ids))
        .subquery("rows")
    )
    lead = rows.c.lead
    connection.execute(
        sa.update(summary)
        .where(c.cohort_id == rows.c.cohort_id, c.user_id == rows.c.user_id)
        .values(alone=rows.c.alone, lead=lead,
                person_modules=sa.case((lead, rows.c.assigned)),
                person_completed=sa.case((lead, rows.c.completed)))
    )


def _in_chunks(ids):
    ids = sorted(ids)
    return (ids[first:first + _IDS_PER_STATEMENT]
            for first in range(0, len(ids), _IDS_PER_STATEMENT))


class Refreshed(NamedTuple):
    """How many noted cohorts and officials a refresh recomputed."""

    cohorts: int = 0
    people: int = 0


def _refresh(connection, wait: bool) -> Refreshed:
    if db.engine.dialect.name == "postgresql":
        lock = sa.func.pg_advisory_xact_lock if wait else sa.func.pg_try_advisory_xact_lock
        if connection.execute(sa.select(lock(_REFRESH_LOCK))).scalar() is False:
            return Refreshed()  # another server is refreshing
    # Taking the notes first: a change committed from here on leaves a note of its own.
    notes = StaleCohort.__table__
    noted = connection.execute(sa.delete(notes).returning(notes.c.cohort_id)).scalars()
    cohort_ids = set(noted)
    attending, completing = set(), set()
    completion = MemberCompletion.__table__.c
    for chunk in _in_chunks(cohort_ids):
        attending |= _recompute(connection, chunk)
        completing |= _recompute_completion(connection, CohortMember.cohort_id.in_(chunk),
                                            completion.cohort_id.in_(chunk))
    for chunk in _in_chunks(attending):
        _link_months(connection, chunk)
    notes = StalePerson.__table__
    noted = connection.execute(sa.delete(notes).returning(notes.c.user_id)).scalars()
    user_ids = set(noted)
    for chunk in _in_chunks(user_ids):
        _recompute_people(connection, chunk)
        completing |= _recompute_completion(connection, CohortMember.user_id.in_(chunk),
                                            completion.user_id.in_(chunk))
    for chunk in _in_chunks(completing):
        _mark_people(connection, chunk)
    return Refreshed(len(cohort_ids), len(user_ids))


def _count_noted(connection, column, at_most: int) -> int:
    """How many cohorts or officials are noted, counting no further than `at_most` + 1."""
    noted = sa.select(column).distinct().limit(at_most + 1).subquery()
    return connection.execute(sa.select(sa.func.count()).select_from(noted)).scalar()


def bring_up_to_date(*, wait: bool = True, at_most: int | None = None) -> Refreshed:
    """Recompute the summary rows of the cohorts and officials noted as changed.

    Runs on a connection and in a transaction of its own. Without `wait`, it gives up at
    once when the database is busy writing (SQLite) or another server is refreshing
    (PostgreSQL). With `at_most`, it leaves the work alone when more cohorts or officials
    than that are noted (after a bulk load or an upgrade: too long for a page to wait for;
    `flask --app lms reports warm` does it). Reports stay exact meanwhile, reading what is
    noted from the raw records.
    """
    sqlite = db.engine.dialect.name == "sqlite"
    limit = 10**9 if at_most is None else at_most
    with db.engine.connect() as connection:
        if sqlite and not wait:
            connection.connection.driver_connection.execute("PRAGMA busy_timeout = 0")
        try:
            with only_reading():
                noted = [_count_noted(connection, column, limit)
                         for column in (StaleCohort.cohort_id, StalePerson.user_id)]
            connection.rollback()
            if not any(noted) or max(noted) > limit:
                return Refreshed()
            with connection.begin():
                return _refresh(connection, wait)
        except sa.exc.OperationalError:
            if wait or not sqlite:
                raise
            return Refreshed()  # the database is locked by a writer: another time
        finally:
            if sqlite and not wait:
                connection.connection.driver_connection.execute(
                    f"PRAGMA busy_timeout = {SQLITE_BUSY_MILLISECONDS}")
