"""Cohorts, their trainers and members, the modules and quizzes assigned to them, imports."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, str80, str200, str255, timestamp, utc_datetime
from lms.extensions import db
from lms.reference import Choice, Region


class CohortLevel(Choice):
    CENTRAL = "central", _l("Central (Republican)")
    LOCAL = "local", _l("Local")
    MIXED = "mixed", _l("Mixed")


class Cohort(db.Model):
    """A group of officials who take a seminar together, e.g. deputy heads in Minsk, Jan 2017."""

    __tablename__ = "cohorts"

    id: Mapped[intpk]
    name: Mapped[str200]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    gov_level: Mapped[str] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    trainers: Mapped[list[CohortTrainer]] = relationship(
        cascade="all, delete-orphan", back_populates="cohort"
    )
    members: Mapped[list[CohortMember]] = relationship(
        cascade="all, delete-orphan", back_populates="cohort"
    )
    modules: Mapped[list[CohortModule]] = relationship(
        cascade="all, delete-orphan", back_populates="cohort",
        order_by="(CohortModule.due_on, CohortModule.module_id)",
    )
    quizzes: Mapped[list[CohortQuiz]] = relationship(
        cascade="all, delete-orphan", back_populates="cohort",
        order_by="(CohortQuiz.due_on, CohortQuiz.quiz_id)",
    )

    @property
    def level_label(self) -> str:
        return CohortLevel(self.gov_level).label

    @property
    def region_label(self) -> str:
        return Region(self.region).label if self.region else ""

    @property
    def trainer_ids(self) -> set[int]:
        return {t.user_id for t in self.trainers}


class CohortTrainer(db.Model):
    __tablename__ = "cohort_trainers"

    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    cohort: Mapped[Cohort] = relationship(back_populates="trainers")
    user = relationship("User", lazy="joined")


class CohortMember(db.Model):
    """An official enrolled in a cohort; an official may belong to several cohorts."""

    __tablename__ = "cohort_members"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    enrolled_at: Mapped[timestamp]
    enrolled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])


class CohortModule(db.Model):
    """A seminar module assigned to a cohort, with the date it should be finished by."""

    __tablename__ = "cohort_modules"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[dt.date | None]

    cohort: Mapped[Cohort] = relationship(back_populates="modules")
    module = relationship("Module", lazy="joined")


class CohortQuiz(db.Model):
    """A published quiz assigned to a cohort, with the date it should be taken by."""

    __tablename__ = "cohort_quizzes"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "quiz_id"),)

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quizzes.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[dt.date | None]

    cohort: Mapped[Cohort] = relationship(back_populates="quizzes")
    quiz = relationship("Quiz", lazy="joined")


class CohortImport(db.Model):
    """An uploaded enrolment file, kept between its preview and its confirmation."""

    __tablename__ = "cohort_imports"

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str255]
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    applied_at: Mapped[utc_datetime | None]
    summary: Mapped[str80 | None]
