"""A module's question bank: GIFT import and export, and editing questions as new versions."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lms import audit
from lms.extensions import db
from lms.quizzes.gift import (
    GiftAnswer,
    GiftBank,
    GiftError,
    GiftMatch,
    GiftProblem,
    GiftQuestion,
    parse_gift,
    write_gift,
)
from lms.quizzes.models import Question, QuestionCategory, QuestionChoice, QuestionVersion

DEFAULT_CATEGORY = "default"
MAX_CATEGORY_LENGTH = 255


@dataclass(frozen=True)
class ImportResult:
    questions: int
    categories: int


def category_for(module, path: str) -> QuestionCategory:
    """The module's category with this path, created if it does not exist yet."""
    category = db.session.scalar(
        sa.select(QuestionCategory).filter_by(module_id=module.id, path=path)
    )
    if category is None:
        category = QuestionCategory(module_id=module.id, path=path)
        db.session.add(category)
        db.session.flush()
    return category


def import_gift(module, data: bytes | str, language: str, created_by) -> ImportResult:
    """Add every question of a GIFT file to the module's bank, or none of them.

    Raises GiftError listing each problem with its line; nothing is added then.
    """
    bank = parse_gift(data)
    problems = [
        GiftProblem(q.line, _l("the category name is longer than %(n)d characters",
                              n=MAX_CATEGORY_LENGTH))
        for q in bank if q.category and len(q.category) > MAX_CATEGORY_LENGTH
    ]
    if not len(bank):
        problems.append(GiftProblem(1, _l("the file contains no questions")))
    if problems:
        raise GiftError(problems)
    categories = {}
    for gift_question in bank:
        path = gift_question.category or DEFAULT_CATEGORY
        if path not in categories:
            categories[path] = category_for(module, path)
        question = Question(module_id=module.id, category_id=categories[path].id,
                            language=language, tags=[],
                            created_by_id=getattr(created_by, "id", None))
        db.session.add(question)
        db.session.flush()
        _add_version(question, gift_question, created_by)
    db.session.flush()
    audit.record("quiz.bank_imported", actor=created_by, target=module,
                 questions=len(bank), categories=len(categories))
    return ImportResult(questions=len(bank), categories=len(categories))


def _add_version(question: Question, gift: GiftQuestion, created_by) -> QuestionVersion:
    number = 1 + max((v.number for v in question.versions), default=0)
    version = QuestionVersion(
        question_id=question.id,
        number=number,
        qtype=gift.qtype,
        title=gift.title[:255],
        text=gift.text,
        text_format=gift.text_format,
        blank_at=gift.blank_at,
        general_feedback=gift.general_feedback,
        general_feedback_format=gift.general_feedback_format,
        correct=gift.correct,
        right_feedback=gift.right_feedback,
        wrong_feedback=gift.wrong_feedback,
        created_by_id=getattr(created_by, "id", None),
    )
    for position, answer in enumerate(gift.answers):
        version.choices.append(QuestionChoice(
            position=position, text=answer.text, text_format=answer.text_format,
            fraction=answer.fraction, feedback=answer.feedback,
            feedback_format=answer.feedback_format, value=answer.value,
            tolerance=answer.tolerance, minimum=answer.minimum, maximum=answer.maximum,
        ))
    for position, pair in enumerate(gift.matches):
        version.choices.append(QuestionChoice(position=position, text=pair.left,
                                              match_right=pair.right, fraction=1.0))
    db.session.add(version)
    db.session.flush()
    question.versions.append(version)
    question.current_version = version
    db.session.flush()
    return version


def to_gift(version: QuestionVersion, category: str | None) -> GiftQuestion:
    """A question version as the GIFT parser would have read it."""
    answers, matches = (), ()
    if version.qtype == "matching":
        matches = tuple(GiftMatch(c.text, c.match_right or "") for c in version.choices)
    else:
        answers = tuple(
            GiftAnswer(text=c.text, fraction=c.fraction, feedback=c.feedback,
                       text_format=c.text_format, feedback_format=c.feedback_format,
                       value=c.value, tolerance=c.tolerance, minimum=c.minimum, maximum=c.maximum)
            for c in version.choices
        )
    return GiftQuestion(
        qtype=version.qtype, title=version.title, text=version.text,
        text_format=version.text_format, category=category, answers=answers,
        general_feedback=version.general_feedback,
        general_feedback_format=version.general_feedback_format, matches=matches,
        correct=version.correct, wrong_feedback=version.wrong_feedback,
        right_feedback=version.right_feedback, blank_at=version.blank_at,
    )


def bank_questions(module_id: int) -> list[Question]:
    """The module's questions with their category and current version, in three queries."""
    return list(db.session.scalars(
        sa.select(Question).filter_by(module_id=module_id)
        .options(selectinload(Question.category), selectinload(Question.current_version))
        .order_by(Question.category_id, Question.id)
    ))


def export_gift(module) -> str:
    """The module's bank (current versions) as a GIFT file."""
    questions = bank_questions(module.id)
    return write_gift(GiftBank([to_gift(q.current_version, q.category.path) for q in questions]))


def question_as_gift(question: Question) -> str:
    """One question's current version as GIFT text, for editing (without its category)."""
    return write_gift([to_gift(question.current_version, None)])


def parse_single_question(text: str) -> GiftQuestion:
    """Read exactly one question from GIFT text typed by a trainer."""
    bank = parse_gift(text)
    if len(bank) != 1:
        raise GiftError([GiftProblem(1, _l("write exactly one question"))])
    return bank.questions[0]


def add_question(module, category_path: str, gift: GiftQuestion, tags: list[str],
                 language: str, created_by) -> Question:
    """Add a question written by a trainer to the bank."""
    category = category_for(module, category_path)
    question = Question(module_id=module.id, category_id=category.id, language=language,
                        tags=tags, created_by_id=getattr(created_by, "id", None))
    db.session.add(question)
    db.session.flush()
    _add_version(question, gift, created_by)
    audit.record("quiz.question_created", actor=created_by, target=question)
    return question


def edit_question(question: Question, gift: GiftQuestion, tags: list[str], created_by) -> bool:
    """Save a change as a new version; returns False when the question did not change.

    Attempts keep pointing at the version they showed: their grades change only by regrading.
    """
    question.tags = tags
    current = question.current_version
    if current is not None and to_gift(current, None) == gift:
        return False
    version = _add_version(question, gift, created_by)
    audit.record("quiz.question_edited", actor=created_by, target=question, version=version.number)
    return True


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags, trimmed, without repeats."""
    return list(dict.fromkeys(t.strip()[:40] for t in text.split(",") if t.strip()))
