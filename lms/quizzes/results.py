"""Results of a quiz, where officials stand on quizzes, and the knowledge gain of a pair."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from lms.cohorts.models import Cohort, CohortMember
from lms.cohorts.policy import visible_cohorts
from lms.extensions import db
from lms.quizzes.models import FINISHED, IN_PROGRESS, Attempt, Quiz


@dataclass(frozen=True)
class QuizSummary:
    attempts: int
    graded: int
    average: float | None
    pass_rate: float | None
    awaiting_grading: int


def quiz_attempts(quiz: Quiz) -> list[Attempt]:
    """Every attempt at the quiz with its official, in one query."""
    return list(db.session.scalars(
        sa.select(Attempt).filter_by(quiz_id=quiz.id)
        .options(joinedload(Attempt.user))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    ))


def summarise(quiz: Quiz, attempts: list[Attempt]) -> QuizSummary:
    finished = [a for a in attempts if a.state == FINISHED]
    graded = [a for a in finished if a.grade is not None]
    passed = [a for a in graded if a.grade >= quiz.pass_percent]
    return QuizSummary(
        attempts=len(attempts),
        graded=len(graded),
        average=round(sum(a.grade for a in graded) / len(graded), 1) if graded else None,
        pass_rate=round(100 * len(passed) / len(graded), 1) if graded else None,
        awaiting_grading=len(finished) - len(graded),
    )


@dataclass(frozen=True)
class QuizStanding:
    """Where an official stands on a quiz they have started at least once."""

    best_grade: float | None
    pass_percent: int
    in_progress: bool
    awaiting_grading: bool

    @property
    def passed(self) -> bool:
        return self.best_grade is not None and self.best_grade >= self.pass_percent

    @property
    def status(self) -> str:
        """Graded once an attempt has a grade, else "awaiting_grading" or "in_progress"."""
        if self.best_grade is not None:
            return "graded"
        return "awaiting_grading" if self.awaiting_grading else "in_progress"


def quiz_standings(
    user_ids: Iterable[int], quiz_ids: Iterable[int]
) -> dict[tuple[int, int], QuizStanding]:
    """The standing of every (user, quiz) pair with an attempt, in one query.

    Pairs without an attempt are missing: the official has not started that quiz.
    """
    users, quizzes = list(set(user_ids)), list(set(quiz_ids))
    if not users or not quizzes:
        return {}
    finished = Attempt.state == FINISHED
    rows = db.session.execute(
        sa.select(
            Attempt.user_id, Attempt.quiz_id, Quiz.pass_percent,
            sa.func.max(sa.case((finished, Attempt.grade))),
            sa.func.count(sa.case((Attempt.state == IN_PROGRESS, 1))),
            sa.func.count(sa.case((sa.and_(finished, Attempt.grade.is_(None)), 1))),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id.in_(users), Attempt.quiz_id.in_(quizzes))
        .group_by(Attempt.user_id, Attempt.quiz_id, Quiz.pass_percent)
    )
    return {
        (user_id, quiz_id): QuizStanding(best, pass_percent, running > 0, waiting > 0)
        for user_id, quiz_id, pass_percent, best, running, waiting in rows
    }


def normalised_gain(pre: float, post: float) -> float | None:
    """(post - pre) / (100 - pre); not applicable when the pre-test score was already 100."""
    if pre >= 100:
        return None
    return (post - pre) / (100 - pre)


@dataclass(frozen=True)
class Gain:
    official_id: int
    official: str
    pre: float
    post: float

    @property
    def raw(self) -> float:
        return self.post - self.pre

    @property
    def normalised(self) -> float | None:
        return normalised_gain(self.pre, self.post)


@dataclass(frozen=True)
class GainReport:
    rows: list[Gain]
    average_pre: float | None
    average_post: float | None
    average_raw: float | None
    average_normalised: float | None
    # Officials whose pre-test was 100, for whom normalised gain is not applicable.
    not_applicable: int


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _report(rows: list[Gain]) -> GainReport:
    normalised = [g.normalised for g in rows if g.normalised is not None]
    return GainReport(
        rows=rows,
        average_pre=_mean([g.pre for g in rows]),
        average_post=_mean([g.post for g in rows]),
        average_raw=_mean([g.raw for g in rows]),
        average_normalised=_mean(normalised),
        not_applicable=len(rows) - len(normalised),
    )


def knowledge_gain(pre_test: Quiz) -> GainReport:
    """Each official's gain from the first graded pre-test to the last graded post-test.

    Only officials with both are counted. Two queries, whatever the number of officials.
    """
    pre: dict[int, Attempt] = {}
    post: dict[int, Attempt] = {}
    if pre_test.paired_quiz_id is not None:
        attempts = db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.quiz_id.in_([pre_test.id, pre_test.paired_quiz_id]),
                   Attempt.state == FINISHED, Attempt.grade.is_not(None))
            .options(joinedload(Attempt.user)).order_by(Attempt.number)
        )
        for attempt in attempts:
            if attempt.quiz_id == pre_test.id:
                pre.setdefault(attempt.user_id, attempt)
            else:
                post[attempt.user_id] = attempt
    rows = sorted(
        (Gain(user_id, pre[user_id].user.full_name, pre[user_id].grade, post[user_id].grade)
         for user_id in pre.keys() & post.keys()),
        key=lambda gain: gain.official,
    )
    return _report(rows)


@dataclass(frozen=True)
class CohortGain:
    cohort_id: int
    name: str
    report: GainReport


def gain_by_cohort(report: GainReport, viewer) -> list[CohortGain]:
    """The same gains grouped by the cohorts the viewer may see, in one query.

    An official enrolled in two cohorts counts in both.
    """
    officials = {g.official_id: g for g in report.rows}
    if not officials:
        return []
    query = (
        sa.select(CohortMember.user_id, Cohort.id, Cohort.name)
        .join(Cohort, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id.in_(officials))
        .order_by(Cohort.name, Cohort.id)
    )
    groups: dict[tuple[int, str], list[Gain]] = {}
    for user_id, cohort_id, name in db.session.execute(visible_cohorts(viewer, query)):
        groups.setdefault((cohort_id, name), []).append(officials[user_id])
    return [CohortGain(cohort_id, name, _report(rows))
            for (cohort_id, name), rows in groups.items()]
