"""Seminar sessions, attendance records and their change log, apologies."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, str80, str200, str255, timestamp, utc_datetime
from lms.extensions import db
from lms.reference import Choice


class Status(Choice):
    PRESENT = "present", _l("Present")
    LATE = "late", _l("Late")
    ABSENT = "absent", _l("Absent")
    EXCUSED = "excused", _l("Excused")


class Decision(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


session_trainers = sa.Table(
    "seminar_session_trainers",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

session_modules = sa.Table(
    "seminar_session_modules",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("module_id", sa.ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
)


class SeminarSession(db.Model):
    """One meeting of a cohort, in a room or online."""

    __tablename__ = "seminar_sessions"

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str200]
    starts_at: Mapped[utc_datetime] = mapped_column(index=True)
    ends_at: Mapped[utc_datetime]
    # The zone the times were entered in and are shown in (Europe/Minsk unless configured).
    timezone: Mapped[str] = mapped_column(sa.String(64))
    venue: Mapped[str255] = mapped_column(default="")
    city: Mapped[str80] = mapped_column(default="")
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Minutes after the start from which a check-in counts as late.
    grace_minutes: Mapped[int] = mapped_column(default=10)
    # Check-in codes are derived from this secret; the codes themselves are never stored.
    check_in_secret: Mapped[str] = mapped_column(sa.String(64))
    check_in_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[timestamp]

    cohort = relationship("Cohort", lazy="joined")
    trainers = relationship("User", secondary=session_trainers, order_by="User.full_name")
    modules = relationship("Module", secondary=session_modules, order_by="Module.position")


class AttendanceRecord(db.Model):
    """Whether one official attended one session; at most one per person and session."""

    __tablename__ = "attendance_records"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str255] = mapped_column(default="")
    checked_in_at: Mapped[utc_datetime | None]
    updated_at: Mapped[timestamp]


class AttendanceChange(db.Model):
    """The attendance audit trail: who changed whose attendance, when, from what to what."""

    __tablename__ = "attendance_changes"

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    at: Mapped[timestamp]
    # "register", "check-in" or "apology".
    source: Mapped[str] = mapped_column(sa.String(20))
    old_status: Mapped[str | None] = mapped_column(sa.String(20))
    new_status: Mapped[str] = mapped_column(sa.String(20))
    old_note: Mapped[str255] = mapped_column(default="")
    new_note: Mapped[str255] = mapped_column(default="")

    official = relationship("User", foreign_keys=[user_id], lazy="joined")
    changed_by = relationship("User", foreign_keys=[changed_by_id], lazy="joined")


class Apology(db.Model):
    """An official's notice in advance that they cannot attend, and the trainer's decision."""

    __tablename__ = "apologies"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("seminar_sessions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[timestamp]
    decision: Mapped[str] = mapped_column(sa.String(20), default=Decision.PENDING.value)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[utc_datetime | None]

    official = relationship("User", foreign_keys=[user_id], lazy="joined")
