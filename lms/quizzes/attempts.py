"""Taking a quiz: start an attempt, save answers as they go, submit, close at the deadline.

The rules that keep grades honest live here:

- an attempt is finished by one conditional UPDATE (`... WHERE state = 'in_progress'`); only
  the request whose UPDATE changed the row grades it, so a double submit grades once. The
  UPDATE also holds the row until the transaction ends, so a racing save waits for it;
- each save carries a sequence number and is applied by a conditional UPDATE
  (`... AND save_sequence < :n`), so a stale page never overwrites newer answers and a save
  arriving after the submission changes nothing;
- a unique (quiz, official, number) constraint and a unique index on the attempt in
  progress mean that racing starts (two tabs) create one attempt, never one beyond the limit;
- the server, not the page, decides when time is up.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms import audit
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.grading import grade_attempt
from lms.quizzes.models import (
    FINISHED,
    IN_PROGRESS,
    Attempt,
    AttemptItem,
    Question,
    Quiz,
)
from lms.quizzes.question_types import QUESTION_TYPES, question_type

# Saves and submissions that arrive this soon after the deadline still count: the page was
# sent in time, the network was slow.
DEADLINE_GRACE = dt.timedelta(seconds=30)


class AttemptRefused(Exception):
    """The official may not start or change this attempt; the message says why."""


def is_open(quiz: Quiz, now: dt.datetime) -> bool:
    """Whether the quiz takes new attempts now."""
    if not quiz.is_published:
        return False
    if quiz.opens_at is not None and now < quiz.opens_at:
        return False
    return quiz.closes_at is None or now < quiz.closes_at


def attempts_of(quiz: Quiz, user) -> list[Attempt]:
    return list(db.session.scalars(
        sa.select(Attempt).filter_by(quiz_id=quiz.id, user_id=user.id).order_by(Attempt.number)
    ))


def start_attempt(quiz: Quiz, user, *, now: dt.datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Resume the official's open attempt, or start the next one if the quiz allows it."""
    now = now or now_utc()
    current = _in_progress(quiz, user)
    if current is not None and not close_if_overdue(current, now):
        return current
    if not is_open(quiz, now):
        raise AttemptRefused(_("This quiz is not open for attempts."))
    if not quiz.slots:
        raise AttemptRefused(_("This quiz has no questions yet."))
    used = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Attempt.number), 0))
        .filter_by(quiz_id=quiz.id, user_id=user.id)
    )
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise AttemptRefused(_("You have used all the attempts this quiz allows."))
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=used + 1, started_at=now,
                      state=IN_PROGRESS, deadline=_deadline(quiz, now))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another request started this very attempt a moment ago: use that one.
        current = _in_progress(quiz, user)
        if current is None:
            raise AttemptRefused(_("You have used all the attempts this quiz allows.")) from None
        return current
    _add_items(attempt, quiz, rng or random.SystemRandom())
    audit.record("quiz.attempt_started", actor=user, target=attempt, quiz=quiz.id)
    return attempt


def _in_progress(quiz: Quiz, user) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).filter_by(quiz_id=quiz.id, user_id=user.id, state=IN_PROGRESS)
        .execution_options(populate_existing=True)
    )


def _deadline(quiz: Quiz, now: dt.datetime) -> dt.datetime | None:
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + dt.timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at is not None:
        deadline = quiz.closes_at if deadline is None else min(deadline, quiz.closes_at)
    return deadline


def _add_items(attempt: Attempt, quiz: Quiz, rng: random.Random) -> None:
    """Fix the questions (their current versions) and the order of answers for this attempt."""
    chosen: list[tuple[Question, float]] = []
    used: set[int] = set()
    for slot in quiz.slots:
        if slot.question_id is not None:
            question = slot.question
            # A question edited into a description has nothing to answer: it is left out.
            if question.current_version.qtype not in QUESTION_TYPES:
                continue
        else:
            pool = [q for q in usable_questions(slot.category_id) if q.id not in used]
            if not pool:
                continue
            question = rng.choice(pool)
        used.add(question.id)
        chosen.append((question, slot.marks))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    for position, (question, marks) in enumerate(chosen, start=1):
        version = question.current_version
        attempt.items.append(AttemptItem(
            position=position, version_id=version.id, marks=marks,
            layout=question_type(version.qtype).layout(version, quiz.shuffle_answers, rng),
        ))
    db.session.flush()


def usable_questions(category_id: int) -> list[Question]:
    """Questions of a category that can be put in a quiz (descriptions cannot)."""
    questions = db.session.scalars(
        sa.select(Question).filter_by(category_id=category_id)
        .options(selectinload(Question.current_version)).order_by(Question.id)
    )
    return [q for q in questions if q.current_version and q.current_version.qtype in QUESTION_TYPES]


def load_items(attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items as they are in the database now, with their question versions."""
    return list(db.session.scalars(
        sa.select(AttemptItem).filter_by(attempt_id=attempt.id)
        .options(selectinload(AttemptItem.version)).order_by(AttemptItem.position)
        .execution_options(populate_existing=True)
    ))


def is_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def close_if_overdue(attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Finish and grade an attempt left open past its deadline; True if it is finished now."""
    now = now or now_utc()
    if attempt.state == IN_PROGRESS and is_overdue(attempt, now):
        finish_attempt(attempt, now=now, by_deadline=True)
    return attempt.state == FINISHED


def close_overdue(now: dt.datetime | None = None, quiz_id: int | None = None) -> int:
    """Finish every attempt past its deadline (or those of one quiz); returns how many."""
    now = now or now_utc()
    query = sa.select(Attempt).where(Attempt.state == IN_PROGRESS,
                                     Attempt.deadline < now - DEADLINE_GRACE)
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    return sum(finish_attempt(a, now=now, by_deadline=True) for a in db.session.scalars(query))


def _apply_answers(items: list[AttemptItem], answers: dict[int, list[str]]) -> None:
    """Replace the responses of the items the form showed; other items keep theirs."""
    for item in items:
        if item.id in answers:
            kind = question_type(item.version.qtype)
            item.response = kind.read(item.version, item.layout, answers[item.id])


def save_answers(attempt: Attempt, sequence: int, answers: dict[int, list[str]],
                 *, now: dt.datetime | None = None) -> bool:
    """Keep the answers of one save; False if the attempt is closed or the page is stale.

    `answers` maps item ids to the raw form values given for them.
    """
    now = now or now_utc()
    if close_if_overdue(attempt, now):
        return False
    changed = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS,
               Attempt.save_sequence < sequence)
        .values(save_sequence=sequence)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    # The row is ours until commit: whatever is read from here on is the latest.
    db.session.refresh(attempt)
    _apply_answers(load_items(attempt), answers)
    db.session.flush()
    return True


def finish_attempt(attempt: Attempt, *, sequence: int | None = None,
                   answers: dict[int, list[str]] | None = None,
                   now: dt.datetime | None = None, by_deadline: bool = False) -> bool:
    """Close the attempt and grade it; True only for the one call that closed it.

    The answers sent with the submission count if they are newer than the last save and
    the deadline has not passed; otherwise the attempt is graded with what was saved.
    """
    now = now or now_utc()
    if not by_deadline and is_overdue(attempt, now):
        by_deadline, answers = True, None
    changed = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS)
        .values(state=FINISHED, finished_at=now, closed_by_deadline=by_deadline)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(attempt)
        return False
    db.session.refresh(attempt)
    items = load_items(attempt)
    if answers is not None and sequence is not None and sequence > attempt.save_sequence:
        attempt.save_sequence = sequence
        _apply_answers(items, answers)
    grade_attempt(attempt, items)
    audit.record("quiz.attempt_graded", actor=None if by_deadline else attempt.user,
                 target=attempt, quiz=attempt.quiz_id, by_deadline=by_deadline)
    db.session.flush()
    return True


def answers_from_form(items: list[AttemptItem], form) -> dict[int, list[str]]:
    """Form values per item, for the items the page showed (each sends a `shown` marker)."""
    shown = {int(v) for v in form.getlist("shown") if v.isdigit()}
    return {item.id: form.getlist(f"item-{item.id}") for item in items if item.id in shown}
