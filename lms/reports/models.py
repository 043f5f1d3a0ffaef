"""Summaries the reports read instead of the raw records, kept up to date as records change.

`AttendanceMonth` holds, per official, cohort and month, the places expected at the cohort's
sessions, those attended and excused, and the participations (the figures the attendance
report adds up), with the official's person attributes beside them. Database triggers
(migration 0013) note in `StaleCohort` every cohort whose sessions, members or attendance
records change, and copy an official's new gender, level, region or organisation into
their rows. `lms.reports.summary.bring_up_to_date` recomputes what was noted; until it
has, reports read the noted cohorts from the raw records.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import intpk
from lms.extensions import db


class AttendanceMonth(db.Model):
    __tablename__ = "report_attendance_months"

    # No foreign keys: deleting a cohort or a person deletes sessions, members or records,
    # which notes the cohort, and its next refresh drops the rows (checking the keys of
    # every row written would double the cost of a refresh).
    cohort_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    # The month of the sessions in the programme's time zone, as YYYYMM.
    month: Mapped[int] = mapped_column(primary_key=True)
    gender: Mapped[str | None] = mapped_column(sa.String(20))
    gov_level: Mapped[str | None] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    organisation_id: Mapped[int | None]
    expected: Mapped[int]
    attended: Mapped[int]
    excused: Mapped[int]
    participations: Mapped[int]


class StaleCohort(db.Model):
    """A cohort whose attendance summary must be recomputed (one row per change noted)."""

    __tablename__ = "report_stale_cohorts"

    id: Mapped[intpk]
    # No foreign key: a deleted cohort's summary rows go with it by cascade, and a note
    # about a cohort that no longer exists is simply dropped.
    cohort_id: Mapped[int] = mapped_column(index=True)

