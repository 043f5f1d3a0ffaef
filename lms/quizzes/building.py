"""Building quizzes from a module's bank, and the pre-test/post-test pair of a module."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms import audit
from lms.extensions import db
from lms.quizzes.attempts import usable_questions
from lms.quizzes.models import (
    POST_TEST,
    PRE_TEST,
    REVIEW_IMMEDIATELY,
    Attempt,
    Question,
    QuestionCategory,
    Quiz,
    QuizSlot,
)
from lms.quizzes.question_types import QUESTION_TYPES

SETTINGS = (
    "title", "purpose", "is_published", "pass_percent", "attempts_allowed",
    "time_limit_minutes", "opens_at", "closes_at", "shuffle_questions", "shuffle_answers",
    "review_answers", "review_correct", "review_feedback", "review_when", "paired_quiz_id",
    "language",
)


class QuizLocked(Exception):
    """The questions of a quiz cannot change once someone has attempted it."""


def create_quiz(module, settings: dict, created_by) -> Quiz:
    quiz = Quiz(module_id=module.id, created_by_id=getattr(created_by, "id", None),
                **{k: settings[k] for k in SETTINGS if k in settings})
    db.session.add(quiz)
    db.session.flush()
    audit.record("quiz.created", actor=created_by, target=quiz)
    return quiz


def update_quiz(quiz: Quiz, settings: dict, changed_by) -> None:
    for key in SETTINGS:
        if key in settings:
            setattr(quiz, key, settings[key])
    audit.record("quiz.settings_changed", actor=changed_by, target=quiz)
    db.session.flush()


def has_attempts(quiz: Quiz) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Attempt.quiz_id == quiz.id)))


def _next_position(quiz: Quiz) -> int:
    return 1 + max((slot.position for slot in quiz.slots), default=0)


def add_question(quiz: Quiz, question: Question, marks: float = 1.0) -> QuizSlot:
    """Put one fixed question of the bank in the quiz."""
    if has_attempts(quiz):
        raise QuizLocked
    if question.current_version.qtype not in QUESTION_TYPES:
        raise ValueError("a description cannot be answered")
    slot = QuizSlot(position=_next_position(quiz), question_id=question.id, marks=marks)
    quiz.slots.append(slot)
    db.session.flush()
    return slot


def add_random(quiz: Quiz, category: QuestionCategory, count: int, marks: float = 1.0) -> None:
    """Add `count` places, each filled with a question drawn from the category per attempt."""
    if has_attempts(quiz):
        raise QuizLocked
    for _index in range(count):
        quiz.slots.append(QuizSlot(position=_next_position(quiz), category_id=category.id,
                                   marks=marks))
        db.session.flush()


def remove_slot(quiz: Quiz, slot: QuizSlot) -> None:
    if has_attempts(quiz):
        raise QuizLocked
    quiz.slots.remove(slot)
    db.session.flush()


def knowledge_check_path(module) -> str:
    return f"{module.slug}/knowledge-check"


def create_pre_post_pair(module, created_by, language: str = "en") -> tuple[Quiz, Quiz]:
    """A published pre-test and post-test with every question of the module's knowledge check.

    The pre-test shows only the official's own answers afterwards, so it does not give away
    the answers of the post-test.
    """
    category = db.session.scalar(
        sa.select(QuestionCategory).filter_by(module_id=module.id,
                                              path=knowledge_check_path(module))
    )
    # A quiz is in one language: a bank may hold the same questions in several.
    questions = [q for q in usable_questions(category.id) if q.language == language] \
        if category else []
    if not questions:
        raise LookupError(knowledge_check_path(module))
    translation = module.translation(language) or module.translation(module.source_language)
    name = translation.title if translation else module.slug
    common = {"is_published": True, "attempts_allowed": 1, "pass_percent": 60,
              "shuffle_answers": True, "review_when": REVIEW_IMMEDIATELY, "language": language}
    post = create_quiz(module, {**common, "title": _("Post-test: %(module)s", module=name),
                                "purpose": POST_TEST}, created_by)
    pre = create_quiz(module, {**common, "title": _("Pre-test: %(module)s", module=name),
                               "purpose": PRE_TEST, "review_correct": False,
                               "review_feedback": False}, created_by)
    pre.paired_quiz_id = post.id
    for question in questions:
        add_question(pre, question)
        add_question(post, question)
    return pre, post
