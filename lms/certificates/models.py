"""Completion rules of a cohort and the certificates issued to its officials."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, timestamp, utc_datetime
from lms.extensions import db


class CompletionRule(db.Model):
    """What an official of a cohort must do to earn its certificate; each part is optional."""

    __tablename__ = "certificate_rules"

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), unique=True
    )
    # Of the cohort's sessions held so far, the share attended (present or late), in percent.
    min_attendance_percent: Mapped[int | None]
    # Passed every post-test assigned to the cohort.
    require_post_test: Mapped[bool] = mapped_column(default=False)
    # Read every lesson of every module assigned to the cohort.
    require_modules: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[timestamp]
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    @property
    def is_empty(self) -> bool:
        return (self.min_attendance_percent is None and not self.require_post_test
                and not self.require_modules)


class Certificate(db.Model):
    """A certificate of completion of one cohort, held by one official.

    The verification code is unguessable (about 80 random bits) and unique; it is kept so the
    holder can download the PDF again with the same code and QR.
    """

    __tablename__ = "certificates"

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[timestamp]
    # Issued because the rules were met, rather than by hand with a reason.
    is_automatic: Mapped[bool] = mapped_column(default=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    issue_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    # Hours of training: the durations of the cohort's sessions the official attended.
    training_minutes: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[utc_datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    revoke_reason: Mapped[str] = mapped_column(sa.String(1000), default="")

    cohort = relationship("Cohort", lazy="joined")
    holder = relationship("User", foreign_keys=[user_id], lazy="joined")
    issued_by = relationship("User", foreign_keys=[issued_by_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def hours(self) -> float:
        return round(self.training_minutes / 60, 1)

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))
