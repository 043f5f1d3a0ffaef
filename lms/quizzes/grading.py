"""Scores: automatic grading of a finished attempt, essays graded by hand, explicit regrading."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from lms import audit
from lms.extensions import db
from lms.quizzes.models import FINISHED, Attempt, AttemptItem, Question, QuestionVersion, Quiz
from lms.quizzes.question_types import question_type


def grade_attempt(attempt: Attempt, items: list[AttemptItem], versions=None) -> None:
    """Score every item the server can grade; essays wait for a trainer.

    `versions` maps item ids to the versions they show (copies will do); by default each
    item's own `version` is read.
    """
    for item in items:
        version = versions[item.id] if versions is not None else item.version
        fraction = question_type(version.qtype).grade(version, item.layout, item.response)
        item.needs_grading = fraction is None
        item.fraction = fraction
        item.score = None if fraction is None else round(fraction * item.marks, 6)
    update_totals(attempt, items)


def update_totals(attempt: Attempt, items: list[AttemptItem]) -> None:
    """Total score, and a percentage once nothing is left to grade by hand."""
    attempt.max_score = sum(item.marks for item in items)
    attempt.score = sum(item.score or 0.0 for item in items)
    if any(item.needs_grading for item in items):
        attempt.grade = None
    elif attempt.max_score:
        attempt.grade = round(100 * attempt.score / attempt.max_score, 2)
    else:
        attempt.grade = 0.0


def _locked_items(attempt_id: int) -> tuple[Attempt, list[AttemptItem]]:
    # FOR UPDATE on PostgreSQL; SQLite's immediate transactions already serialise writers.
    attempt = db.session.scalar(
        sa.select(Attempt).filter_by(id=attempt_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    items = list(db.session.scalars(
        sa.select(AttemptItem).filter_by(attempt_id=attempt_id).order_by(AttemptItem.position)
        .options(selectinload(AttemptItem.version))
        .execution_options(populate_existing=True)
    ))
    return attempt, items


def grade_essay(item: AttemptItem, score: float, comment: str, grader) -> None:
    """A trainer's score and comment for an essay answer; the attempt's grade follows."""
    if not question_type(item.version.qtype).is_manual:
        raise ValueError("only answers graded by hand take a trainer's score")
    if not 0 <= score <= item.marks:
        raise ValueError("score out of range")
    attempt, items = _locked_items(item.attempt_id)
    if attempt.state != FINISHED:
        raise ValueError("attempt not finished")
    item = next(i for i in items if i.id == item.id)
    item.score = score
    item.fraction = score / item.marks if item.marks else 0.0
    item.comment = comment
    item.needs_grading = False
    item.graded_by_id = grader.id
    update_totals(attempt, items)
    audit.record("quiz.essay_graded", actor=grader, target=attempt, item=item.id, score=score)
    db.session.flush()


def grading_queue(quiz: Quiz) -> list[AttemptItem]:
    """Essay answers of a quiz that wait for a trainer, oldest attempt first."""
    return list(db.session.scalars(
        sa.select(AttemptItem).join(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == FINISHED,
               AttemptItem.needs_grading.is_(True))
        .options(joinedload(AttemptItem.attempt).joinedload(Attempt.user),
                 joinedload(AttemptItem.version))
        .order_by(Attempt.finished_at, AttemptItem.position)
    ))


@dataclass(frozen=True)
class RegradeChange:
    """What regrading would do to one answer."""

    item_id: int
    attempt_id: int
    official: str
    question_title: str
    old_version: int
    new_version: int
    old_score: float | None
    new_score: float


def _regradable(quiz: Quiz) -> list[tuple[AttemptItem, QuestionVersion]]:
    rows = db.session.execute(
        sa.select(AttemptItem, QuestionVersion)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(QuestionVersion, AttemptItem.version_id == QuestionVersion.id)
        .join(Question, QuestionVersion.question_id == Question.id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == FINISHED,
               Question.current_version_id != AttemptItem.version_id)
        .options(joinedload(AttemptItem.attempt).joinedload(Attempt.user))
        .order_by(Attempt.id, AttemptItem.position)
    ).all()
    current_ids = {version.question_id for _item, version in rows}
    current = {
        q.id: q.current_version for q in db.session.scalars(
            sa.select(Question).where(Question.id.in_(current_ids))
            .options(selectinload(Question.current_version))
        )
    }
    pairs = []
    for item, old in rows:
        new = current[old.question_id]
        kind = question_type(old.qtype)
        # A new version can be used only if the saved answer still means the same thing.
        if new is None or new.qtype != old.qtype or kind.is_manual:
            continue
        if [c.position for c in new.choices] != [c.position for c in old.choices]:
            continue
        pairs.append((item, new))
    return pairs


def preview_regrade(quiz: Quiz) -> list[RegradeChange]:
    """For each answer given to an older version of a question: its score now and after."""
    changes = []
    for item, new in _regradable(quiz):
        fraction = question_type(new.qtype).grade(new, item.layout, item.response)
        changes.append(RegradeChange(
            item_id=item.id, attempt_id=item.attempt_id, official=item.attempt.user.full_name,
            question_title=new.title or new.text[:80], old_version=item.version.number,
            new_version=new.number, old_score=item.score,
            new_score=round((fraction or 0.0) * item.marks, 6),
        ))
    return changes


def apply_regrade(quiz: Quiz, trainer) -> list[RegradeChange]:
    """Grade the answers again against the current versions of their questions."""
    changes = preview_regrade(quiz)
    by_attempt: dict[int, list[RegradeChange]] = {}
    for change in changes:
        by_attempt.setdefault(change.attempt_id, []).append(change)
    new_versions = {item.id: new for item, new in _regradable(quiz)}
    for attempt_id, attempt_changes in by_attempt.items():
        attempt, items = _locked_items(attempt_id)
        for change in attempt_changes:
            item = next(i for i in items if i.id == change.item_id)
            new = new_versions[item.id]
            item.version_id = new.id
            item.version = new
            item.fraction = change.new_score / item.marks if item.marks else 0.0
            item.score = change.new_score
        update_totals(attempt, items)
    audit.record("quiz.regraded", actor=trainer, target=quiz, changes=[
        {"attempt": c.attempt_id, "item": c.item_id, "from_version": c.old_version,
         "to_version": c.new_version, "old_score": c.old_score, "new_score": c.new_score}
        for c in changes
    ])
    db.session.flush()
    return changes
