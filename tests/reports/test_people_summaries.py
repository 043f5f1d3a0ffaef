"""The quiz results and module progress summaries give the figures the raw records give.

Each check compares the pre/post, quiz and module completion figures read through summaries
with those read from the records alone (every official noted as changed makes the report
read them raw), after each kind of change.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.cohorts.models import CohortMember, CohortModule
from lms.content.models import Lesson, LessonProgress
from lms.extensions import db
from lms.quizzes.models import FINISHED, GRADED, Attempt, Quiz
from lms.reports import notes, queries, summary
from lms.reports.filters import ReportFilters
from lms.reports.models import (
    MemberCompletion,
    ModuleProgress,
    PrePostResult,
    QuizMonth,
    StaleCohort,
    StalePerson,
)
from lms.reports.queries import Scope
from tests.content import builders
from tests.reports import programme

NOW = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
FAMILIES = (queries.knowledge_gain, queries.module_completion, queries.quiz_results)


def _scope(start: dt.date, end: dt.date, **filters) -> Scope:
    return Scope(ReportFilters(start, end, **filters), now=NOW)


SCOPES = (
    _scope(dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
    _scope(dt.date(2017, 1, 28), dt.date(2017, 2, 15)),
    _scope(dt.date(2017, 1, 1), dt.date(2017, 12, 31), gender="female"),
    _scope(dt.date(2016, 1, 1), dt.date(2026, 12, 31), region="grodno", level="local"),
)


def _figures(scope: Scope) -> list[dict]:
    return [{dimension: {key: {name: (round(value, 9) if isinstance(value, float) else value)
                               for name, value in row._mapping.items()
                               if name != "dimension" and not name.startswith("k_")}
                         for key, row in rows.items()}
             for dimension, rows in family(scope).items()} for family in FAMILIES]


def _from_records(scope: Scope) -> list[dict]:
    """The figures with every official noted as changed: read from the records alone."""
    db.session.execute(sa.insert(StalePerson).from_select(["user_id"], sa.select(User.id)))
    try:
        return _figures(scope)
    finally:
        db.session.execute(sa.delete(StalePerson))
        db.session.commit()


def _notes() -> int:
    """How many officials are noted as changed."""
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(StalePerson.user_id))))


def _assert_summaries_match_records(*scopes: Scope) -> None:
    db.session.commit()
    summary.bring_up_to_date()
    assert _notes() == 0
    for scope in scopes or SCOPES:
        assert _figures(scope) == _from_records(scope), scope.filters


@pytest.fixture
def data(app):
    return programme.build()


def test_refresh_fills_the_summaries(data):
    assert summary.bring_up_to_date().people == 4  # f1 f2 m1 m2: attempts or lessons
    f1, m1 = data["people"]["f1"], data["people"]["m1"]
    pairs = {p.user_id: p for p in db.session.scalars(sa.select(PrePostResult))}
    assert (pairs[f1.id].pre, pairs[f1.id].post) == (40, 80)
    assert (pairs[m1.id].pre, pairs[m1.id].post, pairs[m1.id].gain) == (50, 75, 0.5)
    assert pairs[m1.id].month == 201701 and pairs[m1.id].region == "grodno"
    assert data["people"]["m2"].id not in pairs  # a post-test without a pre-test
    progress = {p.user_id: p.lessons_done for p in db.session.scalars(sa.select(ModuleProgress))}
    assert progress == {f1.id: 2, data["people"]["f2"].id: 1}


def test_figures_match_the_records(data):
    c1, c2, _ = data["cohorts"]
    _assert_summaries_match_records(
        *SCOPES,
        _scope(dt.date(2017, 1, 1), dt.date(2017, 12, 31), cohort_id=c2.id),
        Scope(SCOPES[0].filters, visible_cohort_ids=sa.select(sa.literal(c1.id)), now=NOW),
    )


def test_every_change_reaches_the_summaries(data):
    people, module = data["people"], data["module"]
    _assert_summaries_match_records()
    pre, post = (db.session.scalar(sa.select(Quiz).where(Quiz.title == title))
                 for title in ("Pre-test", "Post-test"))

    def attempt(code, quiz, number):
        return db.session.scalar(sa.select(Attempt).where(
            Attempt.user_id == people[code].id, Attempt.quiz_id == quiz.id,
            Attempt.number == number))

    def progress(code, lesson):
        return db.session.scalar(sa.select(LessonProgress).where(
            LessonProgress.user_id == people[code].id, LessonProgress.lesson_id == lesson.id))

    when = programme._at(2017, 2, 10)
    lessons = module.lessons
    # Each change, and whether it leaves a note (an answer saved changes nothing reported).
    changes = [
        (lambda: setattr(attempt("m1", post, 2), "grade", 95), True),  # regraded
        (lambda: db.session.add(Attempt(quiz_id=pre.id, user_id=people["m2"].id, number=1,
                                        state=FINISHED, started_at=when, finished_at=when,
                                        score=30, max_score=100, grade=30)), True),
        (lambda: db.session.add(Attempt(quiz_id=post.id, user_id=people["f3"].id, number=1,
                                        started_at=when)), False),  # started, not finished
        (lambda: setattr(attempt("f3", post, 1), "save_sequence", 3), False),
        (lambda: [setattr(attempt("f3", post, 1), name, value) for name, value in (
            ("state", FINISHED), ("finished_at", when), ("score", 70), ("grade", 70))], True),
        (lambda: db.session.delete(attempt("f1", post, 1)), True),
        (lambda: db.session.add(LessonProgress(user_id=people["m1"].id, lesson_id=lessons[0].id,
                                               module_id=module.id)), False),  # opened
        (lambda: setattr(progress("m1", lessons[0]), "completed_at", when), True),
        (lambda: db.session.delete(progress("f1", lessons[1])), True),
        (lambda: setattr(db.session.get(User, people["m1"].id), "region", "brest"), False),
        (lambda: setattr(post, "pass_percent", 90), True),  # who passed changes
        (lambda: setattr(post, "title", "Final test"), False),
        (lambda: setattr(pre, "paired_quiz_id", None), True),
        (lambda: setattr(pre, "purpose", GRADED), True),  # its results now count
    ]
    for change, noted in changes:
        change()
        db.session.commit()
        assert bool(_notes()) == noted
        _assert_summaries_match_records()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrePostResult)) == 0  # unpaired


def test_every_change_of_assigned_modules_reaches_the_completion_summary(data):
    """Module completion is summarised per cohort member: a change of the modules assigned,
    of a module's lessons or of memberships notes the cohorts concerned."""
    people, module = data["people"], data["module"]
    c1, c2, c3 = data["cohorts"]
    _assert_summaries_match_records()
    other = builders.published_module("latvia", lessons=1)
    lessons = module.lessons

    def cohort_notes() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(StaleCohort))

    def assignment(cohort, assigned):
        return db.session.scalar(sa.select(CohortModule).where(
            CohortModule.cohort_id == cohort.id, CohortModule.module_id == assigned.id))

    def membership(cohort, code):
        return db.session.scalar(sa.select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == people[code].id))

    changes = [
        (lambda: db.session.add(CohortModule(cohort_id=c2.id, module_id=other.id)), True),
        # f1 already has the module through C1: still counted once
        (lambda: db.session.add(CohortModule(cohort_id=c3.id, module_id=module.id)), True),
        (lambda: db.session.add(CohortMember(cohort_id=c3.id, user_id=people["f1"].id,
                                             enrolled_at=programme._at(2017, 1, 1))), True),
        (lambda: setattr(c3, "starts_on", dt.date(2017, 3, 1)), False),  # now in 2017
        (lambda: db.session.add(Lesson(module_id=module.id, slug="extra", position=9)), True),
        (lambda: setattr(lessons[0], "kind", "case"), False),
        (lambda: db.session.delete(lessons[1]), True),  # f2 has read every lesson left
        (lambda: db.session.delete(membership(c1, "f1")), True),
        (lambda: db.session.delete(assignment(c2, module)), True),
        (lambda: setattr(db.session.get(User, people["f3"].id), "gender", "male"), False),
    ]
    for change, noted in changes:
        change()
        db.session.commit()
        assert bool(cohort_notes()) == noted
        _assert_summaries_match_records(*SCOPES, _scope(dt.date(2017, 1, 1),
                                                         dt.date(2017, 12, 31), gender="male"))


def test_a_larger_programme_matches_the_records(data):
    from lms import scale_data

    # Its cohorts take the small programme's module and pre/post-test pair.
    scale_data.generate(officials=240, cohorts=36, sessions_per_cohort=5, seed=11)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrePostResult)) > 100
    _assert_summaries_match_records(
        _scope(dt.date(2017, 1, 1), dt.date(2026, 12, 31)),
        _scope(dt.date(2018, 3, 15), dt.date(2021, 7, 20)),
        _scope(dt.date(2017, 1, 1), dt.date(2026, 12, 31), gender="male", level="central"),
    )


def test_too_many_notes_read_everything_from_the_records(data, monkeypatch):
    summary.bring_up_to_date()
    expected = _figures(SCOPES[0])
    db.session.execute(sa.update(PrePostResult).values(pre=0))  # wrong, behind the triggers' back
    db.session.execute(sa.insert(StalePerson).from_select(["user_id"], sa.select(User.id)))
    monkeypatch.setattr(notes, "STALE_LIMIT", 2)
    assert _figures(SCOPES[0]) == expected
    db.session.rollback()


def test_the_figures_are_read_from_the_summaries(data):
    summary.bring_up_to_date()
    year = SCOPES[0]
    # Changed behind the triggers' back, each summary shows through.
    db.session.execute(sa.update(PrePostResult).values(pre=0))
    db.session.execute(sa.update(QuizMonth).values(grade=0, passed=False))
    db.session.execute(sa.update(ModuleProgress).values(lessons_done=0))
    db.session.execute(sa.update(MemberCompletion).values(completed=0, person_completed=0))
    gain, completion, quiz = (family(year)[queries.PERSON] for family in FAMILIES)
    assert sum(row.pre_sum for row in gain.values()) == 0
    assert sum(row.completed for row in completion.values()) == 0
    assert sum(row.passed for row in quiz.values()) == 0
    # Part months at the period's edges are read from the attempts.
    edges = queries.quiz_results(SCOPES[1])[queries.PERSON]
    assert sum(row.passed for row in edges.values()) == 3  # f1 80, m1 75, f2 100; m2 40
    db.session.rollback()


def test_a_report_leaves_a_large_refresh_to_the_command_line(data, monkeypatch):
    """After a bulk load or an upgrade, recomputing everyone is too long for a page to wait
    for: the report reads the records instead, and `reports warm` does the refresh."""
    from lms.reports import dashboard

    monkeypatch.setattr(notes, "STALE_LIMIT", 2)  # the four officials noted are too many
    report = dashboard.build_report(SCOPES[0], threshold=1, exact=True)
    assert _notes() == 4
    assert report.totals.pre.value == 63.3  # as worked out from the attempts
    db.session.commit()
    assert summary.bring_up_to_date() == (3, 4)
    assert dashboard.build_report(SCOPES[0], threshold=1, exact=True).totals == report.totals
