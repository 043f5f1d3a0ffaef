"""Survey templates and their questions, forms opened for a cohort, responses and answers.

Anonymous answers must not be traceable to a person, so the tables that hold answers carry
random identifiers (no insertion order) and no time, and on SQLite they are WITHOUT ROWID
tables (no hidden sequence either). Who has responded is kept in its own table, which
holds no answer ids.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, str200, timestamp
from lms.extensions import db
from lms.reference import Choice

LANGUAGES = ("en", "ru", "be")
# Tables without an insertion order on SQLite; the primary key is random.
UNORDERED = {"sqlite_with_rowid": False}


def random_id() -> str:
    return secrets.token_hex(16)


class QuestionKind(Choice):
    RATING = "rating", _l("Rating from 1 to 5")
    SINGLE = "single", _l("One choice")
    MULTIPLE = "multiple", _l("Several choices")
    TEXT = "text", _l("Free text")


class Translated:
    """Texts kept per language; the reader's language is shown, English when it is missing."""

    text_en: str
    text_ru: str
    text_be: str

    def text(self, language: str) -> str:
        return getattr(self, f"text_{language}", "") or self.text_en


class SurveyTemplate(db.Model):
    """A reusable set of questions, such as the standard post-seminar form."""

    __tablename__ = "survey_templates"

    id: Mapped[intpk]
    # Set for templates that ship with the application ("post-seminar").
    key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str200]
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    questions: Mapped[list[SurveyQuestion]] = relationship(
        cascade="all, delete-orphan", back_populates="template",
        order_by="SurveyQuestion.position",
    )


class SurveyQuestion(Translated, db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_templates.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    is_required: Mapped[bool] = mapped_column(default=True)
    text_en: Mapped[str] = mapped_column(sa.Text)
    text_ru: Mapped[str] = mapped_column(sa.Text, default="")
    text_be: Mapped[str] = mapped_column(sa.Text, default="")

    template: Mapped[SurveyTemplate] = relationship(back_populates="questions")
    options: Mapped[list[SurveyOption]] = relationship(
        cascade="all, delete-orphan", order_by="SurveyOption.position", lazy="selectin",
    )

    @property
    def kind_enum(self) -> QuestionKind:
        return QuestionKind(self.kind)


class SurveyOption(Translated, db.Model):
    """One choice of a single- or multiple-choice question."""

    __tablename__ = "survey_options"

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text_en: Mapped[str] = mapped_column(sa.Text)
    text_ru: Mapped[str] = mapped_column(sa.Text, default="")
    text_be: Mapped[str] = mapped_column(sa.Text, default="")


class Survey(db.Model):
    """A form built from a template, for one cohort (and possibly one of its sessions)."""

    __tablename__ = "surveys"

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_templates.id", ondelete="RESTRICT"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str200]
    is_anonymous: Mapped[bool] = mapped_column(default=True)
    # Open from the first day to the last, both included, in the programme's time zone.
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    template: Mapped[SurveyTemplate] = relationship(lazy="joined")
    cohort = relationship("Cohort", lazy="joined")
    session = relationship("SeminarSession")

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class SurveyRespondent(db.Model):
    """That a person has answered a form: for the response rate and reminders, nothing else.

    No answer id and only the day, so an anonymous response cannot be matched to it.
    """

    __tablename__ = "survey_respondents"
    __table_args__ = (UNORDERED,)

    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    responded_on: Mapped[dt.date]


class SurveyResponse(db.Model):
    """One person's answers to a form; the person and the day only on named forms."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.UniqueConstraint("survey_id", "user_id"), UNORDERED)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    submitted_on: Mapped[dt.date | None]

    answers: Mapped[list[SurveyAnswer]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    user = relationship("User")


class SurveyAnswer(db.Model):
    """One answer: a rating, a chosen option (one row per option ticked) or a text."""

    __tablename__ = "survey_answers"
    __table_args__ = (UNORDERED,)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    option_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_options.id", ondelete="CASCADE")
    )
    rating: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(sa.Text)
