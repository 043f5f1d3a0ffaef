"""The report's numbers, each one aggregate query, optionally grouped by one dimension.

Definitions (shown on the dashboard next to each number):
- a participation is an attendance record marked present or late at a session held in the
  period; an official is trained when they have at least one, and is counted once however
  many sessions or cohorts they attended;
- attendance rate: participations divided by the places expected at sessions held (each
  member of the session's cohort, enrolled by the session's end or marked for it), places
  of people excused in advance left out;
- module completion: of the modules assigned to cohorts running in the period, for each of
  their members, the share with every lesson read;
- quiz pass rate: of the officials with a graded attempt at a graded quiz or a post-test
  finished in the period, the share whose best grade reached the quiz's pass mark;
- pre/post: for officials with a graded pre-test and a graded paired post-test (the latter
  finished in the period), the first pre-test grade, the last post-test grade, and the
  normalised gain (post - pre) / (100 - pre), averaged over those whose pre-test was below 100.

Every function runs one query whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from lms.accounts.models import Organisation, User
from lms.attendance.models import AttendanceRecord, SeminarSession, Status
from lms.cohorts.models import Cohort, CohortMember, CohortModule
from lms.content.models import Lesson, LessonProgress
from lms.extensions import db
from lms.quizzes.models import FINISHED, GRADED, POST_TEST, PRE_TEST, Attempt, Quiz
from lms.reports.filters import ReportFilters

ATTENDED = (Status.PRESENT.value, Status.LATE.value)
DIMENSIONS = ("gender", "level", "region", "organisation", "cohort", "month")
# The four attributes of a person, grouped by at once: every person falls in exactly one
# group, so counts (even of distinct people) add up across groups, and the totals and the
# four person breakdowns come from one query per figure.
PERSON = "person"
PERSON_DIMENSIONS = ("gender", "level", "region", "organisation")


@dataclass(frozen=True)
class Scope:
    """The filters, plus which cohorts the viewer may see (None: every cohort)."""

    filters: ReportFilters
    visible_cohort_ids: sa.Select | None = None
    now: dt.datetime | None = None

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start, end = self.filters.utc_bounds()
        if self.now is not None:
            end = min(end, self.now)  # a session "held" has started
        return start, end


def person_conditions(scope: Scope) -> list:
    f = scope.filters
    conditions = []
    if f.gender:
        conditions.append(User.gender == f.gender)
    if f.level:
        conditions.append(User.gov_level == f.level)
    if f.region:
        conditions.append(User.region == f.region)
    if f.organisation_id:
        conditions.append(User.organisation_id == f.organisation_id)
    return conditions


def _cohort_conditions(scope: Scope, cohort_id_column) -> list:
    conditions = []
    if scope.filters.cohort_id:
        conditions.append(cohort_id_column == scope.filters.cohort_id)
    if scope.visible_cohort_ids is not None:
        conditions.append(cohort_id_column.in_(scope.visible_cohort_ids))
    return conditions


def held_session_conditions(scope: Scope) -> list:
    start, end = scope.bounds
    return [
        SeminarSession.starts_at >= start,
        SeminarSession.starts_at < end,
        *_cohort_conditions(scope, SeminarSession.cohort_id),
    ]


def local_month(column):
    """"YYYY-MM" of a UTC timestamp, in the programme's time zone, in SQL."""
    from flask import current_app

    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone(zone, column), "YYYY-MM")
    # SQLite has no time zones: shift by the zone's offset now (Minsk has kept +3 since 2011).
    from zoneinfo import ZoneInfo

    offset = dt.datetime.now(ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return sa.func.strftime("%Y-%m", column, f"{hours:+d} hours")


def _dimension(name: str | None, *, cohort_column, date_column):
    """The column a family groups by for a dimension (None when it does not apply)."""
    if name is None:
        return None
    if name == PERSON:
        return (User.gender, User.gov_level, User.region, User.organisation_id)
    return {
        "gender": User.gender,
        "level": User.gov_level,
        "region": User.region,
        "organisation": User.organisation_id,
        "cohort": cohort_column,
        "month": local_month(date_column) if date_column is not None else None,
    }[name]


def _keys(key) -> list:
    if key is None:
        return []
    return list(key) if isinstance(key, tuple) else [key]


def _grouped(query: sa.Select, key) -> sa.Select:
    columns = _keys(key)
    if not columns:
        return query
    return query.add_columns(*(c.label(f"key_{i}") for i, c in enumerate(columns))) \
        .group_by(*columns)


def _rows(query: sa.Select) -> dict:
    """Result rows by key: None ungrouped, a value for one column, a tuple for several."""
    rows = {}
    for row in db.session.execute(query):
        mapping = row._mapping
        keys = [mapping[name] for name in mapping if str(name).startswith("key_")]
        rows[None if not keys else keys[0] if len(keys) == 1 else tuple(keys)] = row
    return rows


def participation(scope: Scope, dimension: str | None = None) -> dict:
    """Officials trained and participations, by key."""
    key = _dimension(dimension, cohort_column=SeminarSession.cohort_id,
                     date_column=SeminarSession.starts_at)
    query = (
        sa.select(
            sa.func.count(sa.distinct(AttendanceRecord.user_id)).label("trained"),
            sa.func.count(AttendanceRecord.id).label("participations"),
        )
        .select_from(AttendanceRecord)
        .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
        .join(User, User.id == AttendanceRecord.user_id)
        .where(AttendanceRecord.status.in_(ATTENDED), *held_session_conditions(scope),
               *person_conditions(scope))
    )
    return _rows(_grouped(query, key))


def participation_crossed(scope: Scope) -> dict[tuple, int]:
    """Officials trained by (gender, level of government), each counted once."""
    query = (
        sa.select(User.gender, User.gov_level,
                  sa.func.count(sa.distinct(AttendanceRecord.user_id)).label("trained"))
        .select_from(AttendanceRecord)
        .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
        .join(User, User.id == AttendanceRecord.user_id)
        .where(AttendanceRecord.status.in_(ATTENDED), *held_session_conditions(scope),
               *person_conditions(scope))
        .group_by(User.gender, User.gov_level)
    )
    return {(row.gender, row.gov_level): row.trained for row in db.session.execute(query)}


def sessions_held(scope: Scope, dimension: str | None = None) -> dict:
    """Sessions held in the period (person filters do not apply to sessions)."""
    key = _dimension(dimension, cohort_column=SeminarSession.cohort_id,
                     date_column=SeminarSession.starts_at)
    if dimension in (*PERSON_DIMENSIONS, PERSON):
        return {}
    query = sa.select(sa.func.count(SeminarSession.id).label("sessions")).where(
        *held_session_conditions(scope)
    )
    return _rows(_grouped(query, key))


def attendance(scope: Scope, dimension: str | None = None) -> dict:
    """Places expected, attended and excused at sessions held, by key."""
    key = _dimension(dimension, cohort_column=SeminarSession.cohort_id,
                     date_column=SeminarSession.starts_at)
    record = sa.orm.aliased(AttendanceRecord)
    query = (
        sa.select(
            sa.func.count().label("expected"),
            sa.func.count(sa.distinct(CohortMember.user_id)).label("people"),
            sa.func.coalesce(sa.func.sum(sa.case((record.status.in_(ATTENDED), 1), else_=0)),
                             0).label("attended"),
            sa.func.coalesce(sa.func.sum(sa.case((record.status == Status.EXCUSED.value, 1),
                                                 else_=0)), 0).label("excused"),
        )
        .select_from(SeminarSession)
        .join(CohortMember, CohortMember.cohort_id == SeminarSession.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(record, sa.and_(record.session_id == SeminarSession.id,
                                   record.user_id == CohortMember.user_id))
        .where(*held_session_conditions(scope), *person_conditions(scope),
               sa.or_(CohortMember.enrolled_at <= SeminarSession.ends_at, record.id.is_not(None)))
    )
    return _rows(_grouped(query, key))


def _cohorts_running(scope: Scope) -> list:
    f = scope.filters
    return [Cohort.starts_on <= f.date_to, Cohort.ends_on >= f.date_from,
            *_cohort_conditions(scope, Cohort.id)]


def module_completion(scope: Scope, dimension: str | None = None) -> dict:
    """Member-module pairs assigned and completed, by key (each pair counted once)."""
    if dimension == "month":
        return {}
    totals = (
        sa.select(Lesson.module_id, sa.func.count(Lesson.id).label("total"))
        .group_by(Lesson.module_id).subquery()
    )
    done = (
        sa.select(LessonProgress.user_id, LessonProgress.module_id,
                  sa.func.count(LessonProgress.id).label("done"))
        .where(LessonProgress.completed_at.is_not(None))
        .group_by(LessonProgress.user_id, LessonProgress.module_id).subquery()
    )
    key = _dimension(dimension, cohort_column=Cohort.id, date_column=None)
    completed = sa.case(
        (sa.and_(totals.c.total > 0, sa.func.coalesce(done.c.done, 0) >= totals.c.total), 1),
        else_=0,
    )
    pairs = (
        sa.select(CohortMember.user_id, CohortModule.module_id, completed.label("completed"))
        .select_from(CohortModule)
        .join(Cohort, Cohort.id == CohortModule.cohort_id)
        .join(CohortMember, CohortMember.cohort_id == CohortModule.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .join(totals, totals.c.module_id == CohortModule.module_id)
        .outerjoin(done, sa.and_(done.c.user_id == CohortMember.user_id,
                                 done.c.module_id == CohortModule.module_id))
        .where(*_cohorts_running(scope), *person_conditions(scope))
    )
    columns = _keys(key)
    pairs = pairs.add_columns(*(c.label(f"key_{i}") for i, c in enumerate(columns)))
    pairs = pairs.distinct().subquery()
    query = sa.select(
        sa.func.count().label("assigned"),
        sa.func.count(sa.distinct(pairs.c.user_id)).label("people"),
        sa.func.coalesce(sa.func.sum(pairs.c.completed), 0).label("completed"),
    )
    grouped = [pairs.c[f"key_{i}"] for i in range(len(columns))]
    if grouped:
        query = query.add_columns(*grouped).group_by(*grouped)
    return _rows(query.select_from(pairs))


def membership_conditions(scope: Scope, user_column) -> list:
    """Limit people to members of the filtered or visible cohorts, when either applies."""
    conditions = _cohort_conditions(scope, CohortMember.cohort_id)
    if not conditions:
        return []
    members = sa.select(CohortMember.user_id).where(*conditions)
    return [user_column.in_(members)]


def _cohort_key_join(query: sa.Select, scope: Scope, user_column) -> sa.Select:
    conditions = _cohort_conditions(scope, CohortMember.cohort_id)
    return query.join(CohortMember, sa.and_(CohortMember.user_id == user_column, *conditions))


def quiz_results(scope: Scope, dimension: str | None = None) -> dict:
    """Officials with a graded result and those who passed, per (official, quiz) best grade."""
    start, end = scope.filters.utc_bounds()
    best = (
        sa.select(Attempt.user_id, Attempt.quiz_id,
                  sa.func.max(Attempt.grade).label("grade"),
                  sa.func.max(Attempt.finished_at).label("finished_at"))
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.state == FINISHED, Attempt.grade.is_not(None),
               Quiz.purpose.in_([GRADED, POST_TEST]),
               Attempt.finished_at >= start, Attempt.finished_at < end)
        .group_by(Attempt.user_id, Attempt.quiz_id).subquery()
    )
    key = _dimension(dimension, cohort_column=CohortMember.cohort_id,
                     date_column=best.c.finished_at)
    passed = sa.case((best.c.grade >= Quiz.pass_percent, 1), else_=0)
    query = (
        sa.select(sa.func.count().label("results"),
                  sa.func.coalesce(sa.func.sum(passed), 0).label("passed"))
        .select_from(best)
        .join(Quiz, Quiz.id == best.c.quiz_id)
        .join(User, User.id == best.c.user_id)
        .where(*person_conditions(scope))
    )
    if dimension == "cohort":
        query = _cohort_key_join(query, scope, best.c.user_id)
    else:
        query = query.where(*membership_conditions(scope, best.c.user_id))
    return _rows(_grouped(query, key))


# A grade kept to four decimals, packed after the attempt number: the smallest packed value
# of a group is its first attempt's, the largest its last attempt's.
_GRADE_SCALE = 10_000
_PACK = 10_000_000


def knowledge_gain(scope: Scope, dimension: str | None = None) -> dict:
    """Sums of the first pre-test grade, the last post-test grade and the normalised gain.

    One pass over the attempts of paired tests: each official's attempts at a pair are
    grouped, and the first pre-test and last post-test grades are read from packed
    (number, grade) values with MIN and MAX, so no grouped table is joined to another
    (which PostgreSQL and SQLite would both do slowly).
    """
    start, end = scope.filters.utc_bounds()
    quiz = sa.orm.aliased(Quiz)
    pre_of = sa.orm.aliased(Quiz)
    is_pre = sa.and_(quiz.purpose == PRE_TEST, quiz.paired_quiz_id.is_not(None))
    pair = sa.case((is_pre, quiz.id), else_=pre_of.id)
    packed = (sa.cast(Attempt.number, sa.BigInteger) * _PACK
              + sa.cast(sa.func.round(Attempt.grade * _GRADE_SCALE), sa.BigInteger))
    per_person = (
        sa.select(
            Attempt.user_id.label("user_id"),
            sa.func.min(sa.case((is_pre, packed))).label("pre_packed"),
            sa.func.max(sa.case((sa.not_(is_pre), packed))).label("post_packed"),
            sa.func.max(sa.case((sa.not_(is_pre), Attempt.finished_at))).label("finished_at"),
        )
        .select_from(Attempt)
        .join(quiz, quiz.id == Attempt.quiz_id)
        .outerjoin(pre_of, sa.and_(pre_of.paired_quiz_id == Attempt.quiz_id,
                                   pre_of.purpose == PRE_TEST))
        .where(Attempt.state == FINISHED, Attempt.grade.is_not(None), pair.is_not(None))
        .group_by(Attempt.user_id, pair)
        .subquery()
    )
    pre = (per_person.c.pre_packed % _PACK) / float(_GRADE_SCALE)
    post = (per_person.c.post_packed % _PACK) / float(_GRADE_SCALE)
    normalised = sa.case((pre < 100, (post - pre) / (100.0 - pre)), else_=None)
    key = _dimension(dimension, cohort_column=CohortMember.cohort_id,
                     date_column=per_person.c.finished_at)
    query = (
        sa.select(
            # Sums, not averages, so that groups can be added up; callers divide.
            sa.func.count().label("people"),
            sa.func.sum(pre).label("pre_sum"),
            sa.func.sum(post).label("post_sum"),
            sa.func.sum(normalised).label("gain_sum"),
            sa.func.count(normalised).label("gain_n"),
        )
        .select_from(per_person)
        .join(User, User.id == per_person.c.user_id)
        .where(per_person.c.pre_packed.is_not(None), per_person.c.post_packed.is_not(None),
               per_person.c.finished_at >= start, per_person.c.finished_at < end,
               *person_conditions(scope))
    )
    if dimension == "cohort":
        query = _cohort_key_join(query, scope, per_person.c.user_id)
    else:
        query = query.where(*membership_conditions(scope, per_person.c.user_id))
    return _rows(_grouped(query, key))


def planned_and_delivered(scope: Scope) -> dict:
    """Cohorts and sessions planned in the period against those held, with participants."""
    f = scope.filters
    start, end = f.utc_bounds()
    now = scope.now or sa.func.now()
    sessions = db.session.execute(
        sa.select(
            sa.func.count(SeminarSession.id).label("planned"),
            sa.func.coalesce(sa.func.sum(sa.case((SeminarSession.starts_at < now, 1), else_=0)),
                             0).label("held"),
        ).where(SeminarSession.starts_at >= start, SeminarSession.starts_at < end,
                *_cohort_conditions(scope, SeminarSession.cohort_id))
    ).one()
    held_cohort = sa.exists().where(SeminarSession.cohort_id == Cohort.id,
                                    SeminarSession.starts_at >= start,
                                    SeminarSession.starts_at < end,
                                    SeminarSession.starts_at < now)
    cohorts = db.session.execute(
        sa.select(
            sa.func.count(Cohort.id).label("planned"),
            sa.func.coalesce(sa.func.sum(sa.case((held_cohort, 1), else_=0)), 0).label("held"),
        ).where(*_cohorts_running(scope))
    ).one()
    return {"sessions_planned": sessions.planned, "sessions_held": sessions.held,
            "cohorts_planned": cohorts.planned, "cohorts_held": cohorts.held}


def dimension_labels(dimension: str, keys) -> dict:
    """Human names for the keys of a breakdown, in one query where names live in tables."""
    from lms.reference import Gender, GovLevel, Region

    keys = [k for k in keys if k is not None]
    if dimension == "gender":
        return {k: Gender(k).label for k in keys}
    if dimension == "level":
        return {k: GovLevel(k).label for k in keys}
    if dimension == "region":
        return {k: Region(k).label for k in keys}
    if dimension == "organisation" and keys:
        return dict(db.session.execute(
            sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(keys))).all())
    if dimension == "cohort" and keys:
        return dict(db.session.execute(
            sa.select(Cohort.id, Cohort.name).where(Cohort.id.in_(keys))).all())
    return {k: k for k in keys}
