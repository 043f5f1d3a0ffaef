"""Who may see which quiz and attempt, and what a review may show: checked here and only here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from lms.quizzes.models import REVIEW_AFTER_CLOSE, Attempt, Quiz


def owns_attempt(user, attempt: Attempt) -> bool:
    """An attempt is the official's own: nobody else may read or change it as a learner."""
    return user is not None and user.is_authenticated and attempt.user_id == user.id


def may_take(quiz: Quiz) -> bool:
    """Officials see only published quizzes; drafts are the trainer's."""
    return quiz.is_published


def available_quizzes_query(now, language=None) -> sa.Select:
    """The quizzes officials can take now, for lists; with `language`, those they can read.

    `now` and `language` are values, or bound parameters for a statement built once.
    """
    query = (
        sa.select(Quiz)
        .where(Quiz.is_published.is_(True),
               sa.or_(Quiz.opens_at.is_(None), Quiz.opens_at <= now),
               sa.or_(Quiz.closes_at.is_(None), Quiz.closes_at > now))
        .order_by(Quiz.title, Quiz.id)
    )
    if language is not None:
        query = query.where(sa.or_(Quiz.language.is_(None), Quiz.language == language))
    return query


@dataclass(frozen=True)
class Review:
    """What the review of a finished attempt shows."""

    allowed: bool
    answers: bool = False
    correct: bool = False
    feedback: bool = False


def review_for(attempt: Attempt, now: dt.datetime) -> Review:
    """Nothing before submission; afterwards what the quiz allows, and when it allows it."""
    quiz = attempt.quiz
    if not attempt.is_finished:
        return Review(allowed=False)
    if quiz.review_when == REVIEW_AFTER_CLOSE and (quiz.closes_at is None or now < quiz.closes_at):
        return Review(allowed=True)
    return Review(allowed=True, answers=quiz.review_answers, correct=quiz.review_correct,
                  feedback=quiz.review_feedback)
