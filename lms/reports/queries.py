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

Every function runs a fixed number of queries (two at most) whatever the amount of data; the
families read the summaries of lms.reports.summary where they can.
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
from lms.reports import first_rows, notes
from lms.reports.filters import ReportFilters
from lms.reports.models import (
    AttendanceMonth,
    MemberCompletion,
    ModuleProgress,
    PrePostResult,
    QuizMonth,
)
from lms.reports.months import local_month, month_name, whole_months

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


def tune_for_reports() -> None:
    """On PostgreSQL, give this transaction's report queries room to group in memory and
    no JIT compilation (it costs more than it saves on queries this size)."""
    from flask import current_app

    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(sa.text("SELECT set_config('work_mem', :memory, true), "
                               "set_config('jit', 'off', true)"),
                       {"memory": current_app.config["REPORT_WORK_MEM"]})


def person_conditions(scope: Scope, people=User) -> list:
    """The person filters, on the users table or another with the same person columns."""
    f = scope.filters
    conditions = []
    if f.gender:
        conditions.append(people.gender == f.gender)
    if f.level:
        conditions.append(people.gov_level == f.level)
    if f.region:
        conditions.append(people.region == f.region)
    if f.organisation_id:
        conditions.append(people.organisation_id == f.organisation_id)
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


# ---------------------------------------------------------------------------------------
# Fanning out: one query per figure family answers every breakdown at once.
#
# A family first gathers its facts (a common table expression, computed once), for example
# one row per official, cohort and month with the participations in it. Each breakdown then
# groups the facts twice: by its key and the counted unit (usually the official), so that a
# person is counted once per group, and then by its key alone. The breakdowns are joined
# with UNION ALL and told apart by a `dimension` column.

_KEY_TYPES = {"gender": sa.String, "gov_level": sa.String, "region": sa.String,
              "organisation_id": sa.Integer, "cohort_id": sa.Integer, "month": sa.Integer}
# The person attributes' key names, in the order of PERSON_DIMENSIONS.
PERSON_KEYS = ("gender", "gov_level", "region", "organisation_id")


_PERSON_SORT = ("organisation_id", "gender", "gov_level", "region")


def person_columns(columns) -> list:
    """The person attribute columns of a table, subquery or join (`.c` of it)."""
    return [columns[key] for key in PERSON_KEYS]


def _person_keys() -> tuple:
    return tuple(zip(PERSON_KEYS, (User.gender, User.gov_level, User.region,
                                    User.organisation_id), strict=True))


def _count_sum(column):
    """SUM of a count, as an integer (PostgreSQL sums bigints into numerics)."""
    return sa.cast(sa.func.sum(column), sa.BigInteger)


@dataclass(frozen=True)
class Branch:
    """One breakdown of a family's facts: its key columns and how it adds them up."""

    dimension: str
    keys: tuple             # (key name, column)
    source: object          # the facts, or the facts joined to what the keys need
    unit: tuple = ()        # columns of what is counted once per group (empty: every row)
    inner: tuple = ()       # (name, aggregate) per key and unit
    outer: tuple = ()       # (name, aggregate, or a function of the inner subquery's columns
    #                          giving one)
    by_person: bool = False  # keyed by the person attributes of the unit's official, looked
    #                          up after the inner grouping (grouping by integers is cheaper)


def _branch_select(branch: Branch) -> sa.Select:
    keys = [column.label(f"k_{name}") for name, column in branch.keys]
    if branch.unit:
        inner = (
            sa.select(*keys, *branch.unit, *(agg.label(name) for name, agg in branch.inner))
            .select_from(branch.source)
            .group_by(*(column for _name, column in branch.keys), *branch.unit)
            .subquery()
        )
        source, grouped = inner, [inner.c[f"k_{name}"] for name, _c in branch.keys]
        columns = inner.c
        if branch.by_person:
            source = inner.join(User, User.id == inner.c.user_id)
            grouped = [column for _name, column in _person_keys()]
    else:
        source, grouped, columns = branch.source, [c for _n, c in branch.keys], None
    names = PERSON_KEYS if branch.by_person else [name for name, _c in branch.keys]
    named = dict(zip(names, grouped, strict=True))
    slots = [(named[name] if name in named else sa.cast(sa.null(), kind)).label(f"k_{name}")
             for name, kind in _KEY_TYPES.items()]
    query = sa.select(sa.literal(branch.dimension).label("dimension"), *slots,
                      *((make(columns) if callable(make) else make).label(name)
                        for name, make in branch.outer))
    query = query.select_from(source)
    return query.group_by(*grouped) if grouped else query


def _fan(branches: list[Branch], *, added: tuple = ()) -> dict:
    """Run the breakdowns as one query: {dimension: {key: row}} (key a tuple for PERSON).

    With `added` (the names of counts), several branches may answer one dimension: their
    rows with the same key are added up.
    """
    query = sa.union_all(*(_branch_select(b) for b in branches))
    if added:
        rows = query.subquery("answered")
        keys = [rows.c.dimension, *(rows.c[f"k_{name}"] for name in _KEY_TYPES)]
        query = (sa.select(*keys, *(_count_sum(rows.c[name]).label(name) for name in added))
                 .group_by(*keys))
    fanned: dict[str, dict] = {b.dimension: {} for b in branches}
    for row in db.session.execute(query):
        if row.dimension == PERSON:
            key = tuple(getattr(row, f"k_{name}") for name in PERSON_KEYS)
        elif row.dimension == "cohort":
            key = row.k_cohort_id
        else:
            key = month_name(row.k_month)
        fanned[row.dimension][key] = row
    return fanned


def _people(scope: Scope, user_column) -> list:
    """The person filters as a condition on a user id column (none when unfiltered)."""
    conditions = person_conditions(scope)
    return [user_column.in_(sa.select(User.id).where(*conditions))] if conditions else []


def _held_sessions(scope: Scope):
    """Sessions held in the period with their cohort and month (worked out once each)."""
    return (
        sa.select(SeminarSession.id, SeminarSession.cohort_id, SeminarSession.ends_at,
                  local_month(SeminarSession.starts_at).label("month"))
        .where(*held_session_conditions(scope))
        .subquery("held")
    )


def attendance_per_month(sessions) -> sa.Select:
    """Per official, cohort and month of `sessions` (a subquery of id, cohort_id, ends_at
    and month): the places expected (members of the session's cohort enrolled by its end
    or marked for it), those attended and excused, and the participations (every
    attendance marked present or late, a member's or not: someone marked at a cohort's
    session after leaving it still took part)."""
    record = sa.orm.aliased(AttendanceRecord)
    attended = sa.case((record.status.in_(ATTENDED), 1), else_=0)
    excused = sa.case((record.status == Status.EXCUSED.value, 1), else_=0)
    zero = sa.literal(0)
    places = (
        sa.select(CohortMember.user_id.label("user_id"), sessions.c.cohort_id, sessions.c.month,
                  sa.literal(1).label("expected"), attended.label("attended"),
                  excused.label("excused"), attended.label("participations"))
        .select_from(sessions)
        .join(CohortMember, CohortMember.cohort_id == sessions.c.cohort_id)
        .outerjoin(record, sa.and_(record.session_id == sessions.c.id,
                                   record.user_id == CohortMember.user_id))
        .where(sa.or_(CohortMember.enrolled_at <= sessions.c.ends_at, record.id.is_not(None)))
    )
    member = sa.orm.aliased(CohortMember)
    not_member = ~sa.exists().where(member.cohort_id == sessions.c.cohort_id,
                                    member.user_id == record.user_id)
    others = (
        sa.select(record.user_id.label("user_id"), sessions.c.cohort_id, sessions.c.month,
                  zero.label("expected"), zero.label("attended"), zero.label("excused"),
                  sa.literal(1).label("participations"))
        .select_from(record)
        .join(sessions, sessions.c.id == record.session_id)
        .where(record.status.in_(ATTENDED), not_member)
    )
    rows = sa.union_all(places, others).subquery("attendance_rows")
    return (
        sa.select(rows.c.user_id, rows.c.cohort_id, rows.c.month,
                  *(sa.cast(sa.func.sum(rows.c[name]), sa.Integer).label(name)
                    for name in ATTENDANCE_MEASURES))
        .group_by(rows.c.user_id, rows.c.cohort_id, rows.c.month)
    )


ATTENDANCE_MEASURES = ("expected", "attended", "excused", "participations")


def attendance(scope: Scope) -> dict:
    """Participations and places at sessions held, by person, cohort and month.

    The whole months of the period are read from the summary kept per official, cohort and
    month (lms.reports.summary), except for cohorts noted as changed since it was computed;
    those, and the part months at the period's edges, are read from the raw records,
    worked out the same way. Someone in two cohorts or months of a group counts once in
    it: read from the summary alone, an official is counted at their first row in the
    period (lms.reports.first_rows); officials with records read from the raw tables are
    counted with COUNT(DISTINCT).
    """
    start, end = scope.bounds
    if start >= end:
        return _fan_attendance(None)
    whole = whole_months(start, end)
    # Cohorts changed since the summary was computed are read from the records. Asked once,
    # before the figures: a change committed in between shows in the next report.
    stale = notes.stale_cohorts() if whole else notes.EVERYONE
    if stale is notes.EVERYONE:
        raw = _raw_attendance(scope, [(start, end)])
        return _fan_attendance(lambda: sa.select(raw).subquery("facts"))
    edges = [(start, whole.starts), (whole.ends, end)]
    if not stale and not _cohort_conditions(scope, SeminarSession.cohort_id):
        return _attendance_linked(scope, whole, [e for e in edges if e[0] < e[1]])
    # Each breakdown reads the summary itself (PostgreSQL scans a table faster than a
    # materialised intermediate result); what is read from the records is worked out once.
    noted = (whole.starts, whole.ends, SeminarSession.cohort_id.in_(stale)) if stale else None
    raw = _raw_attendance(scope, edges, noted)
    summary = _summary_months(scope, whole, *([AttendanceMonth.cohort_id.not_in(stale)]
                                               if stale else []))
    return _fan_attendance(lambda: sa.union_all(summary, sa.select(raw)).subquery("facts"))


def _summary_months(scope: Scope, whole, *conditions) -> sa.Select:
    """The attendance summary rows of the period's whole months that the filters keep."""
    c = AttendanceMonth.__table__.c
    return (
        sa.select(c.user_id, c.cohort_id, c.month, *person_columns(c),
                  *(c[name] for name in ATTENDANCE_MEASURES))
        .where(c.month.between(whole.first, whole.last), *conditions,
               *person_conditions(scope, AttendanceMonth),
               *_cohort_conditions(scope, AttendanceMonth.cohort_id))
    )


def _raw_attendance(scope: Scope, spans, also=None):
    """Attendance worked out from the records of the sessions starting in `spans` (pairs of
    start and end), and with `also` (start, end, condition) of those meeting a condition,
    for the officials the filters keep: computed once, however often it is read."""
    starts_at = SeminarSession.starts_at
    held_in = [sa.and_(starts_at >= a, starts_at < b) for a, b in spans]
    if also is not None:
        a, b, condition = also
        held_in.append(sa.and_(starts_at >= a, starts_at < b, condition))
    held = (
        sa.select(SeminarSession.id, SeminarSession.cohort_id, SeminarSession.ends_at,
                  local_month(starts_at).label("month"))
        .where(sa.or_(*held_in), *_cohort_conditions(scope, SeminarSession.cohort_id))
        .subquery("held")
    )
    per_month = attendance_per_month(held).subquery("raw_facts")
    return (
        sa.select(per_month.c.user_id, per_month.c.cohort_id, per_month.c.month,
                  *person_columns(User.__table__.c),
                  *(per_month.c[name] for name in ATTENDANCE_MEASURES))
        .join(User, User.id == per_month.c.user_id)
        .where(*person_conditions(scope))
        .cte("attendance_raw")
    )


def _attendance_linked(scope: Scope, whole, edges) -> dict:
    """Attendance when no cohort is noted and every cohort counts: officials with rows only
    in the summary are counted at their first row in the period (lms.reports.first_rows),
    those with records at the period's edges, read from the raw tables, by COUNT(DISTINCT)
    over their summary rows and records together."""
    c = AttendanceMonth.__table__.c
    raw = _raw_attendance(scope, edges) if edges else None
    at_edges = sa.select(raw.c.user_id) if edges else None
    linked = (
        sa.select(AttendanceMonth.__table__)
        .where(c.month.between(whole.first, whole.last), *person_conditions(scope, c),
               *([c.user_id.not_in(at_edges)] if edges else []))
        .subquery("linked")
    )
    exact = None
    if edges:
        exact = sa.union_all(_summary_months(scope, whole, c.user_id.in_(at_edges)),
                             sa.select(raw)).subquery("exact")

    def branches(dimension, keys, prev_place, prev_trained, first):
        place, trained = linked.c[prev_place], linked.c[prev_trained]
        measures = (
            *((name, _count_sum(linked.c[name])) for name in ATTENDANCE_MEASURES),
            ("people", first_rows.count_first(linked.c.expected > 0, place, first)),
            ("trained", first_rows.count_first(linked.c.participations > 0, trained, first)),
        )
        made = [Branch(dimension, tuple((key, linked.c[key]) for key in keys), linked,
                       outer=measures)]
        if exact is not None:
            made.append(Branch(dimension, tuple((key, exact.c[key]) for key in keys), exact,
                               outer=_distinct_measures(exact)))
        return made

    return _fan([
        *branches(PERSON, _PERSON_SORT, "prev_place_month", "prev_trained_month", whole.first),
        *branches("cohort", ("cohort_id",), "cohort_prev_place_month",
                  "cohort_prev_trained_month", whole.first),
        # In a month's group, an official counts at their first row of that month.
        *branches("month", ("month",), "prev_place_month", "prev_trained_month",
                  linked.c.month),
    ], added=(*ATTENDANCE_MEASURES, "people", "trained"))


def _distinct_measures(f) -> tuple:
    """The attendance measures of a group of facts, people counted with COUNT(DISTINCT)."""
    user = f.c.user_id
    return (
        *((name, _count_sum(f.c[name])) for name in ATTENDANCE_MEASURES),
        ("people", sa.func.count(sa.distinct(sa.case((f.c.expected > 0, user))))),
        ("trained", sa.func.count(sa.distinct(sa.case((f.c.participations > 0, user))))),
    )


def _bytewise(column):
    """A text column compared byte by byte when grouped: the codes it holds are plain ASCII,
    and PostgreSQL sorts them several times faster than by the database's locale."""
    if db.engine.dialect.name == "postgresql" and isinstance(column.type, sa.String):
        return sa.collate(column, "C")
    return column


def _fan_attendance(facts) -> dict:
    """The breakdowns of attendance facts, each made by `facts()`."""
    if facts is None:
        return {PERSON: {}, "cohort": {}, "month": {}}

    person, cohort, month = facts(), facts(), facts()
    return _fan([
        # Sorted by organisation first: most rows are told apart by an integer.
        Branch(PERSON, tuple((key, _bytewise(person.c[key])) for key in _PERSON_SORT), person,
               outer=_distinct_measures(person)),
        Branch("cohort", (("cohort_id", cohort.c.cohort_id),), cohort,
               outer=_distinct_measures(cohort)),
        Branch("month", (("month", month.c.month),), month, outer=_distinct_measures(month)),
    ])


def _cohorts_running(scope: Scope) -> list:

    f = scope.filters
    return [Cohort.starts_on <= f.date_to, Cohort.ends_on >= f.date_from,
            *_cohort_conditions(scope, Cohort.id)]


def lessons_finished(*conditions) -> sa.Select:
    """Per official and module, the lessons they finished (`conditions` limit the rows)."""
    return (
        sa.select(LessonProgress.user_id, LessonProgress.module_id,
                  sa.cast(sa.func.count(LessonProgress.id), sa.Integer).label("done"))
        .where(LessonProgress.completed_at.is_not(None), *conditions)
        .group_by(LessonProgress.user_id, LessonProgress.module_id)
    )


def module_completion(scope: Scope) -> dict:
    """Member-module pairs assigned and completed, by person and cohort.

    A pair is an official and a module assigned to one of their cohorts running in the
    period; in the person breakdowns and the totals a pair is counted once however many of
    the official's cohorts have the module, in the cohort breakdown once per cohort.

    When nothing is noted as changed, the figures are sums over the completion summary
    kept per cohort member (lms.reports.summary); only officials with modules in several
    cohorts, some of which the report leaves out, have their pairs compared across
    cohorts. Otherwise the pairs are worked out from the memberships, with the lessons each
    official finished read from the module progress summary, except for officials noted as
    changed since it was computed.
    """
    stale = notes.stale_people()
    if not stale and not notes.stale_cohorts():
        return _completion_summarised(scope)
    facts = _completion_facts(scope, stale)
    return _fan([_completion_by_person(facts),
                 Branch("cohort", (("cohort_id", facts.c.cohort_id),), facts, (facts.c.user_id,),
                        (("assigned", sa.func.count()),
                         ("completed", _count_sum(facts.c.completed))),
                        _COMPLETION_OUTER)])


_COMPLETION_OUTER = (("assigned", lambda c: _count_sum(c.assigned)),
                     ("completed", lambda c: _count_sum(c.completed)),
                     ("people", lambda c: sa.func.count()))


def _completion_facts(scope: Scope, stale, *conditions):
    """One row per official, cohort running in the period and module assigned to it (with
    lessons): whether the official has read every lesson. `conditions` limit the members."""
    parts = []
    if stale is not notes.EVERYONE:
        parts.append(summarised_progress(
            *([ModuleProgress.user_id.not_in(stale)] if stale else [])))
    if stale:
        limit = [] if stale is notes.EVERYONE else [LessonProgress.user_id.in_(stale)]
        parts.append(lessons_finished(*limit))
    done = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("done")
    return (member_modules(done, *_cohorts_running(scope),
                           *_people(scope, CohortMember.user_id), *conditions)
            .cte("completion_facts"))


def summarised_progress(*conditions) -> sa.Select:
    """Lessons finished per official and module (user_id, module_id, done), from the module
    progress summary."""
    progress = ModuleProgress.__table__.c
    return (sa.select(progress.user_id, progress.module_id, progress.lessons_done.label("done"))
            .where(*conditions))


def member_modules(done, *conditions) -> sa.Select:
    """One row per cohort member and module assigned to the cohort (with lessons): whether
    the member has read every lesson, by `done` (lessons finished per official and module:
    user_id, module_id, done). `conditions` may speak of the cohort and the member."""
    totals = (
        sa.select(Lesson.module_id, sa.func.count(Lesson.id).label("total"))
        .group_by(Lesson.module_id).subquery()
    )
    completed = sa.case((sa.func.coalesce(done.c.done, 0) >= totals.c.total, 1), else_=0)
    return (
        sa.select(CohortMember.user_id.label("user_id"),
                  CohortModule.cohort_id.label("cohort_id"),
                  CohortModule.module_id.label("module_id"), completed.label("completed"))
        .select_from(CohortModule)
        .join(Cohort, Cohort.id == CohortModule.cohort_id)
        .join(CohortMember, CohortMember.cohort_id == CohortModule.cohort_id)
        .join(totals, totals.c.module_id == CohortModule.module_id)
        .outerjoin(done, sa.and_(done.c.user_id == CohortMember.user_id,
                                 done.c.module_id == CohortModule.module_id))
        .where(*conditions)
    )


def distinct_modules(pairs) -> tuple:
    """(name, aggregate) over member-module pairs grouped by official: the official's
    modules, each counted once however many cohorts assign it, and those finished."""
    finished = sa.case((pairs.c.completed == 1, pairs.c.module_id))
    return (("assigned", sa.func.count(sa.distinct(pairs.c.module_id))),
            ("completed", sa.func.count(sa.distinct(finished))))


def _completion_by_person(facts) -> Branch:
    """The person breakdown of completion facts: each official's distinct modules."""
    return Branch(PERSON, (), facts, (facts.c.user_id,), distinct_modules(facts),
                  _COMPLETION_OUTER, by_person=True)


def _completion_summarised(scope: Scope) -> dict:
    """Completion from the summary per cohort member: plain sums by cohort, and by person
    for officials whose cohorts all count (their modules over all cohorts, kept on their
    lead row); officials with some cohorts left out (not running in the period, or not
    chosen) and modules in several have each module counted once from their pairs."""
    summary = MemberCompletion.__table__
    counted = _cohorts_running(scope)
    members = (
        sa.select(summary)
        .join(Cohort, Cohort.id == summary.c.cohort_id)
        .where(*counted, *person_conditions(scope, summary.c))
        .subquery("members")
    )
    partly = (sa.select(summary.c.user_id)
              .join(Cohort, Cohort.id == summary.c.cohort_id)
              .where(sa.not_(sa.and_(*counted))))
    whole = (sa.select(summary)
             .where(summary.c.lead, summary.c.user_id.not_in(partly),
                    *person_conditions(scope, summary.c))
             .subquery("whole"))
    in_several = sa.select(summary.c.user_id).where(sa.not_(summary.c.alone),
                                                    summary.c.user_id.in_(partly))
    facts = _completion_facts(scope, [], CohortMember.user_id.in_(in_several))
    return _fan([
        Branch("cohort", (("cohort_id", members.c.cohort_id),), members,
               outer=(("assigned", _count_sum(members.c.modules)),
                      ("completed", _count_sum(members.c.completed)),
                      ("people", sa.func.count()))),
        Branch(PERSON, tuple((key, whole.c[key]) for key in _PERSON_SORT), whole,
               outer=(("assigned", _count_sum(whole.c.person_modules)),
                      ("completed", _count_sum(whole.c.person_completed)),
                      ("people", sa.func.count()))),
        _completion_by_person(facts),
    ], added=("assigned", "completed", "people"))


def membership_conditions(scope: Scope, user_column) -> list:
    """Limit people to members of the filtered or visible cohorts, when either applies."""
    conditions = _cohort_conditions(scope, CohortMember.cohort_id)
    if not conditions:
        return []
    members = sa.select(CohortMember.user_id).where(*conditions)
    return [user_column.in_(members)]


def _by_result(facts, scope: Scope, measures) -> dict:
    """The breakdowns of `_result_branches`, run."""
    return _fan(_result_branches(facts, scope, measures))


def _result_branches(facts, scope: Scope, measures) -> list[Branch]:
    """Person, cohort and month breakdowns of facts holding one row per counted result.

    The cohort breakdown counts a result in each of the official's cohorts (those the
    filters and the viewer allow); the month is that of the result's last attempt. Facts
    that carry the person attributes and the month (read from a summary) are grouped by
    them; others are joined to the official and have their month worked out.
    """
    conditions = _cohort_conditions(scope, CohortMember.cohort_id)
    in_cohorts = facts.join(CohortMember, sa.and_(CohortMember.user_id == facts.c.user_id,
                                                  *conditions))
    outer = tuple(measures)
    if "month" in facts.c:
        person = Branch(PERSON, tuple((key, _bytewise(facts.c[key])) for key in _PERSON_SORT),
                        facts, outer=outer)
        month = facts.c.month
    else:
        person = Branch(PERSON, _person_keys(), facts.join(User, User.id == facts.c.user_id),
                        outer=outer)
        month = local_month(facts.c.finished_at)
    return [
        person,
        Branch("cohort", (("cohort_id", CohortMember.cohort_id),), in_cohorts, outer=outer),
        Branch("month", (("month", month),), facts, outer=outer),
    ]


def best_results_by_month(*conditions) -> sa.Select:
    """Per official, quiz and month: the best grade among the finished attempts, and when
    the last was finished, with the official's person attributes (`conditions` limit the
    attempts)."""
    month = local_month(Attempt.finished_at).label("month")
    person = person_columns(User.__table__.c)
    return (
        sa.select(Attempt.user_id, Attempt.quiz_id, month,
                  sa.func.max(Attempt.grade).label("grade"),
                  sa.func.max(Attempt.finished_at).label("finished_at"), *person)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.state == FINISHED, Attempt.grade.is_not(None), *conditions)
        .group_by(Attempt.user_id, Attempt.quiz_id, month, *person)
    )


def quiz_results(scope: Scope) -> dict:
    """Officials' best results at graded quizzes and post-tests, and how many passed.

    A result is an official's best grade at a quiz among the attempts finished in the
    period. The whole months of the period are read from the summary of best results per
    official, quiz and month (lms.reports.summary); the part months at its edges, and
    officials noted as changed since it was computed, from the attempts. When no official
    is noted, a result read from the summary alone is counted at its first month in the
    period (lms.reports.first_rows).
    """
    start, end = scope.filters.utc_bounds()
    stale = notes.stale_people()
    whole = whole_months(start, end) if stale is not notes.EVERYONE else None
    if not whole:
        return _quiz_by_result(scope, [_raw_results(scope, [(start, end)])])
    edges = [(a, b) for a, b in ((start, whole.starts), (whole.ends, end)) if a < b]
    if not stale:
        return _quiz_results_linked(scope, whole, edges)
    months = QuizMonth.__table__
    noted = [(whole.starts, whole.ends, Attempt.user_id.in_(stale))]
    parts = [_quiz_months(scope, whole, months.c.user_id.not_in(stale)),
             _raw_results(scope, edges, noted)]
    return _quiz_by_result(scope, parts)


def counted_quizzes() -> sa.Select:
    """The quizzes whose results are reported: graded quizzes and post-tests."""
    return sa.select(Quiz.id).where(Quiz.purpose.in_([GRADED, POST_TEST]))


def _quiz_months(scope: Scope, whole, *conditions) -> sa.Select:
    """Best results per month from the summary, in the period's whole months (it holds the
    counted quizzes only: a change of a quiz's purpose notes the officials with attempts)."""
    months = QuizMonth.__table__
    return (
        sa.select(months.c.user_id, months.c.quiz_id, months.c.month, months.c.grade,
                  *person_columns(months.c))
        .where(months.c.month.between(whole.first, whole.last), *conditions,
               *person_conditions(scope, months.c))
    )


def _raw_results(scope: Scope, spans, also=()) -> sa.Select:
    """Best results per month worked out from the attempts finished in `spans` (pairs of
    start and end), and in `also` (start, end, condition) meeting a condition."""
    finished = Attempt.finished_at
    within = [sa.and_(finished >= a, finished < b) for a, b in spans]
    within += [sa.and_(finished >= a, finished < b, condition) for a, b, condition in also]
    raw = best_results_by_month(sa.or_(*within), Attempt.quiz_id.in_(counted_quizzes()),
                                *person_conditions(scope)).subquery("raw_results")
    return sa.select(raw.c.user_id, raw.c.quiz_id, raw.c.month, raw.c.grade,
                     *person_columns(raw.c))


def _quiz_facts(scope: Scope, parts):
    """One row per result (official and quiz) from best results per month: the best grade
    over the months, whether it passed, and the latest month."""
    results = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery("results")
    person = person_columns(results.c)
    best = (
        sa.select(results.c.user_id, results.c.quiz_id, *person,
                  sa.func.max(results.c.grade).label("grade"),
                  sa.func.max(results.c.month).label("month"))
        .group_by(results.c.user_id, results.c.quiz_id, *person)
        .subquery("best")
    )
    return (
        sa.select(best.c.user_id, best.c.month, *person_columns(best.c),
                  sa.case((best.c.grade >= Quiz.pass_percent, 1), else_=0).label("passed"))
        .select_from(best)
        .join(Quiz, Quiz.id == best.c.quiz_id)
        .where(*membership_conditions(scope, best.c.user_id))
        .cte("quiz_facts")
    )


def _quiz_measures(facts) -> tuple:
    return (("results", sa.func.count()),
            ("passed", sa.func.coalesce(_count_sum(facts.c.passed), 0)))


def _quiz_by_result(scope: Scope, parts) -> dict:
    facts = _quiz_facts(scope, parts)
    return _by_result(facts, scope, _quiz_measures(facts))


def _quiz_results_linked(scope: Scope, whole, edges) -> dict:
    """Quiz results when no official is noted: a result read from the summary alone counts
    at its official's first month with a result at that quiz in the period (and, by month,
    at the last), passed when any of its months in the period passed; results of officials
    with attempts in the period's part months are worked out from all their rows."""
    months = QuizMonth.__table__
    raw = _raw_results(scope, edges).cte("edge_results") if edges else None
    at_edges = [months.c.user_id.not_in(sa.select(raw.c.user_id))] if edges else []
    linked = (
        sa.select(months)
        .where(months.c.month.between(whole.first, whole.last), *at_edges,
               *person_conditions(scope, months.c),
               *membership_conditions(scope, months.c.user_id))
        .subquery("linked")
    )
    first = (
        ("results", first_rows.count_first(sa.true(), linked.c.prev_month, whole.first)),
        ("passed", first_rows.count_first(linked.c.passed, linked.c.prev_pass_month,
                                          whole.first)),
    )
    # By month, a result counts at its last month in the period, passed when that month or
    # an earlier one in the period passed.
    lasts = (sa.select(linked)
             .where(sa.or_(linked.c.next_month.is_(None), linked.c.next_month > whole.last))
             .subquery("lasts"))
    passed_by_then = sa.or_(lasts.c.passed, lasts.c.prev_pass_month >= whole.first)
    by_last = (("results", sa.func.count()),
               ("passed", _count_sum(sa.case((passed_by_then, 1), else_=0))))
    # Joined on an expression of the result's official, so that SQLite reads the results
    # once and looks each official's cohorts up, rather than looking results up by every
    # member and quiz (PostgreSQL hashes either way).
    in_cohorts = linked.join(CohortMember, sa.and_(
        CohortMember.user_id == linked.c.user_id + 0,
        *_cohort_conditions(scope, CohortMember.cohort_id)))
    branches = [
        Branch(PERSON, tuple((key, linked.c[key]) for key in _PERSON_SORT), linked,
               outer=first),
        Branch("cohort", (("cohort_id", CohortMember.cohort_id),), in_cohorts, outer=first),
        Branch("month", (("month", lasts.c.month),), lasts, outer=by_last),
    ]
    if edges:
        at_edges = months.c.user_id.in_(sa.select(raw.c.user_id))
        facts = _quiz_facts(scope, [_quiz_months(scope, whole, at_edges), sa.select(raw)])
        branches += _result_branches(facts, scope, _quiz_measures(facts))
    return _fan(branches, added=("results", "passed"))


# A grade kept to four decimals, packed after the attempt number: the smallest packed value
# of a group is its first attempt's, the largest its last attempt's.
_GRADE_SCALE = 10_000
_PACK = 10_000_000


def test_pair_results(*conditions) -> sa.Select:
    """Per official and pre/post-test pair (named by its pre-test): the first pre-test grade,
    the last post-test grade, the normalised gain, and when that post-test was finished.

    One pass over the attempts of paired tests: each official's attempts at a pair are
    grouped, and the first pre-test and last post-test grades are read from packed
    (number, grade) values with MIN and MAX, so no grouped table is joined to another
    (which PostgreSQL and SQLite would both do slowly). `conditions` limit the attempts.
    """
    quiz = sa.orm.aliased(Quiz)
    pre_of = sa.orm.aliased(Quiz)
    is_pre = sa.and_(quiz.purpose == PRE_TEST, quiz.paired_quiz_id.is_not(None))
    pair = sa.case((is_pre, quiz.id), else_=pre_of.id)
    packed = (sa.cast(Attempt.number, sa.BigInteger) * _PACK
              + sa.cast(sa.func.round(Attempt.grade * _GRADE_SCALE), sa.BigInteger))
    per_person = (
        sa.select(
            Attempt.user_id.label("user_id"),
            pair.label("pre_quiz_id"),
            sa.func.min(sa.case((is_pre, packed))).label("pre_packed"),
            sa.func.max(sa.case((sa.not_(is_pre), packed))).label("post_packed"),
            sa.func.max(sa.case((sa.not_(is_pre), Attempt.finished_at))).label("finished_at"),
        )
        .select_from(Attempt)
        .join(quiz, quiz.id == Attempt.quiz_id)
        .outerjoin(pre_of, sa.and_(pre_of.paired_quiz_id == Attempt.quiz_id,
                                   pre_of.purpose == PRE_TEST))
        .where(Attempt.state == FINISHED, Attempt.grade.is_not(None), pair.is_not(None),
               *conditions)
        .group_by(Attempt.user_id, pair)
        .subquery()
    )
    pre = (per_person.c.pre_packed % _PACK) / float(_GRADE_SCALE)
    post = (per_person.c.post_packed % _PACK) / float(_GRADE_SCALE)
    return (
        sa.select(per_person.c.user_id, per_person.c.pre_quiz_id, pre.label("pre"),
                  post.label("post"),
                  sa.case((pre < 100, (post - pre) / (100.0 - pre)), else_=None).label("gain"),
                  per_person.c.finished_at)
        .select_from(per_person)
        .where(per_person.c.pre_packed.is_not(None), per_person.c.post_packed.is_not(None))
    )


def knowledge_gain(scope: Scope) -> dict:
    """Sums of the first pre-test grade, the last post-test grade and the normalised gain,
    for pairs whose last post-test was finished in the period.

    Read from the pre/post results summary (lms.reports.summary), except for officials noted as
    changed since it was computed, whose pairs are worked out from their attempts.
    """
    start, end = scope.filters.utc_bounds()
    stale = notes.stale_people()
    pairs = PrePostResult.__table__
    parts = []
    if stale is not notes.EVERYONE:
        parts.append(
            sa.select(pairs.c.user_id, pairs.c.month,
                      *person_columns(pairs.c),
                      pairs.c.pre, pairs.c.post, pairs.c.gain)
            .where(pairs.c.finished_at >= start, pairs.c.finished_at < end,
                   *([pairs.c.user_id.not_in(stale)] if stale else []),
                   *person_conditions(scope, pairs.c),
                   *membership_conditions(scope, pairs.c.user_id))
        )
    if stale:
        limit = [] if stale is notes.EVERYONE else [Attempt.user_id.in_(stale)]
        raw = test_pair_results(*limit).subquery("raw_pairs")
        parts.append(
            sa.select(raw.c.user_id, local_month(raw.c.finished_at).label("month"),
                      *person_columns(User.__table__.c),
                      raw.c.pre, raw.c.post, raw.c.gain)
            .join(User, User.id == raw.c.user_id)
            .where(raw.c.finished_at >= start, raw.c.finished_at < end,
                   *person_conditions(scope), *membership_conditions(scope, raw.c.user_id))
        )
    # Read from the summary alone, each breakdown scans the table itself (PostgreSQL scans
    # a table faster than a materialised intermediate result).
    facts = (parts[0].subquery("gain_facts") if len(parts) == 1
             else sa.union_all(*parts).cte("gain_facts"))
    # Sums, not averages, so that groups can be added up; callers divide.
    return _by_result(facts, scope, (
        ("people", sa.func.count()),
        ("pre_sum", sa.func.sum(facts.c.pre)),
        ("post_sum", sa.func.sum(facts.c.post)),
        ("gain_sum", sa.func.sum(facts.c.gain)),
        ("gain_n", sa.func.count(facts.c.gain)),
    ))


def sessions_held(scope: Scope) -> dict:
    """Sessions held in the period, in total and by cohort and month (one query)."""
    held = _held_sessions(scope)
    count = (("sessions", lambda _c: sa.func.count()),)
    return _fan([Branch("total", (), held, outer=count),
                 Branch("cohort", (("cohort_id", held.c.cohort_id),), held, outer=count),
                 Branch("month", (("month", held.c.month),), held, outer=count)])


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
    if dimension == "organisation":
        return _names(Organisation, keys)
    if dimension == "cohort":
        return _names(Cohort, keys)
    return {k: k for k in keys}


# Beyond this many ids, reading every name costs less than sending the ids.
_NAMES_BY_ID = 100


def _names(model, keys: list) -> dict:
    query = sa.select(model.id, model.name)
    if len(keys) <= _NAMES_BY_ID:
        return dict(db.session.execute(query.where(model.id.in_(keys))).all())
    names = dict(db.session.execute(query).all())
    return {k: names[k] for k in keys if k in names}
