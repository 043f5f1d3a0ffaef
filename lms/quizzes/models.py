"""Question banks, versioned questions, quizzes, attempts and the answers given in them.

A question's words and answer key live in `QuestionVersion` rows that are never changed once
an attempt has shown them: editing a question adds a version, and an attempt item points at
the version it showed, so a grade never changes unless a trainer regrades on purpose.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.content.models import Module
from lms.db import UTCDateTime, intpk, str200, str255, timestamp
from lms.extensions import db

# Quiz purposes.
PRACTICE = "practice"
GRADED = "graded"
PRE_TEST = "pre_test"
POST_TEST = "post_test"
PURPOSES = (PRACTICE, GRADED, PRE_TEST, POST_TEST)

# When a learner may review an attempt.
REVIEW_IMMEDIATELY = "immediately"
REVIEW_AFTER_CLOSE = "after_close"

# Attempt states: answers are saved only while in progress; a finished attempt is graded.
IN_PROGRESS = "in_progress"
FINISHED = "finished"


class QuestionCategory(db.Model):
    """A folder of a module's question bank, named by a GIFT path like "foundations/basics"."""

    __tablename__ = "quiz_question_categories"
    __table_args__ = (sa.UniqueConstraint("module_id", "path"),)

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    path: Mapped[str255]

    module: Mapped[Module] = relationship()


class Question(db.Model):
    __tablename__ = "quiz_questions"

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_question_categories.id", ondelete="RESTRICT"), index=True
    )
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The version new attempts show; older versions stay for the attempts that showed them.
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_question_versions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    category: Mapped[QuestionCategory] = relationship()
    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number",
    )


class QuestionVersion(db.Model):
    __tablename__ = "quiz_question_versions"
    __table_args__ = (sa.UniqueConstraint("question_id", "number"),)

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_questions.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    qtype: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str255] = mapped_column(default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    text_format: Mapped[str] = mapped_column(sa.String(10), default="moodle")
    blank_at: Mapped[int | None]
    general_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    general_feedback_format: Mapped[str] = mapped_column(sa.String(10), default="moodle")
    # True/false questions keep their key and two feedbacks here rather than in choices.
    correct: Mapped[bool | None]
    right_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    wrong_feedback: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    question: Mapped[Question] = relationship(
        back_populates="versions", foreign_keys=[question_id]
    )
    # Always needed to show or grade a version, so they come with it in one extra query.
    choices: Mapped[list[QuestionChoice]] = relationship(
        cascade="all, delete-orphan", order_by="QuestionChoice.position", lazy="selectin"
    )


class QuestionChoice(db.Model):
    """One answer of a question version: a choice, an accepted text or number, or a pair."""

    __tablename__ = "quiz_question_choices"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_question_versions.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    text_format: Mapped[str] = mapped_column(sa.String(10), default="moodle")
    fraction: Mapped[float] = mapped_column(default=0.0)
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_format: Mapped[str] = mapped_column(sa.String(10), default="moodle")
    value: Mapped[float | None]
    tolerance: Mapped[float | None]
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    # Matching: `text` is the left item, `match_right` the answer to pick for it.
    match_right: Mapped[str | None] = mapped_column(sa.Text)


class Quiz(db.Model):
    __tablename__ = "quizzes"

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str200]
    purpose: Mapped[str] = mapped_column(sa.String(12), default=PRACTICE)
    is_published: Mapped[bool] = mapped_column(default=False)
    pass_percent: Mapped[int] = mapped_column(default=60)
    # 0 means any number of attempts.
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    time_limit_minutes: Mapped[int | None]
    opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_answers: Mapped[bool] = mapped_column(default=True)
    review_answers: Mapped[bool] = mapped_column(default=True)
    review_correct: Mapped[bool] = mapped_column(default=True)
    review_feedback: Mapped[bool] = mapped_column(default=True)
    review_when: Mapped[str] = mapped_column(sa.String(12), default=REVIEW_IMMEDIATELY)
    # A pre-test points at the post-test it is paired with.
    # The language its questions are in, so officials are offered quizzes they can read;
    # None for a quiz in several languages.
    language: Mapped[str | None] = mapped_column(sa.String(5))
    paired_quiz_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quizzes.id", ondelete="SET NULL")
    )
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    module: Mapped[Module] = relationship()
    paired_quiz: Mapped[Quiz | None] = relationship(remote_side="Quiz.id")
    slots: Mapped[list[QuizSlot]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan", order_by="QuizSlot.position"
    )


class QuizSlot(db.Model):
    """One place in a quiz: a fixed question, or a question drawn at random from a category."""

    __tablename__ = "quiz_slots"
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "position"),
        sa.CheckConstraint(
            "(question_id IS NULL) <> (category_id IS NULL)", name="question_or_category"
        ),
    )

    id: Mapped[intpk]
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    marks: Mapped[float] = mapped_column(default=1.0)
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_questions.id", ondelete="CASCADE")
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_question_categories.id", ondelete="CASCADE")
    )

    quiz: Mapped[Quiz] = relationship(back_populates="slots")
    question: Mapped[Question | None] = relationship()
    category: Mapped[QuestionCategory | None] = relationship()


class Attempt(db.Model):
    __tablename__ = "quiz_attempts"
    # Two starts racing for the same attempt number cannot both succeed, and an official
    # never has two attempts at one quiz in progress at once.
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "user_id", "number"),
        sa.Index("uq_quiz_attempts_one_in_progress", "quiz_id", "user_id", unique=True,
                 postgresql_where=sa.text("state = 'in_progress'"),
                 sqlite_where=sa.text("state = 'in_progress'")),
    )

    id: Mapped[intpk]
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    state: Mapped[str] = mapped_column(sa.String(12), default=IN_PROGRESS, index=True)
    started_at: Mapped[timestamp]
    deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Each save carries the next number; a save with an old number (a stale page) is refused.
    save_sequence: Mapped[int] = mapped_column(default=0)
    closed_by_deadline: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=0.0)
    # Percent; None until every item, essays included, has a score.
    grade: Mapped[float | None]

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptItem.position"
    )

    @property
    def is_finished(self) -> bool:
        return self.state == FINISHED

    @property
    def is_graded(self) -> bool:
        return self.grade is not None


class AttemptItem(db.Model):
    """One question as shown in an attempt, with the answer given and its score."""

    __tablename__ = "quiz_attempt_items"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)

    id: Mapped[intpk]
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_question_versions.id", ondelete="RESTRICT"), index=True
    )
    marks: Mapped[float] = mapped_column(default=1.0)
    # The order the answers were shown in (choice positions; for matching, the right column).
    layout: Mapped[list] = mapped_column(sa.JSON, default=list)
    response: Mapped[dict | None] = mapped_column(sa.JSON)
    fraction: Mapped[float | None]
    score: Mapped[float | None]
    needs_grading: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship()
