"""Summaries the reports read instead of the raw records, kept up to date as records change.

- `AttendanceMonth`: per official, cohort and month, the places expected at the cohort's
  sessions, those attended and excused, and the participations.
- `PrePostResult`: per official and pre/post-test pair, the grades the knowledge gain is
  worked out from.
- `QuizMonth`: per official, graded quiz or post-test and month, the best grade.
- `ModuleProgress`: per official and module, the lessons finished.
- `MemberCompletion`: per cohort member, the modules assigned and finished.

Rows carry the official's person attributes where reports group by them, and, where an
official may have several rows in a period, the months of their neighbouring rows
(lms.reports.first_rows). Database triggers (migrations 0013 to 0017) note in
`StaleCohort` every cohort whose sessions, members, attendance or assigned modules change
(and those a module's lessons concern), and in `StalePerson` every official whose finished
attempts or finished lessons change; they copy an official's new gender, level, region or
organisation into their rows. `lms.reports.summary.bring_up_to_date` recomputes what was
noted; until it has, reports read the noted cohorts and officials from the raw records.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, intpk
from lms.extensions import db


class PersonAttributes:
    """An official's gender, level of government, region and organisation, copied into a
    summary's rows (and kept in step by a trigger on users) so reports group by them
    without joining the users."""

    gender: Mapped[str | None] = mapped_column(sa.String(20))
    gov_level: Mapped[str | None] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    organisation_id: Mapped[int | None]


class AttendanceMonth(PersonAttributes, db.Model):
    __tablename__ = "report_attendance_months"

    # No foreign keys: deleting a cohort or a person deletes sessions, members or records,
    # which notes the cohort, and its next refresh drops the rows (checking the keys of
    # every row written would double the cost of a refresh).
    cohort_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    # The month of the sessions in the programme's time zone, as YYYYMM.
    month: Mapped[int] = mapped_column(primary_key=True)
    expected: Mapped[int]
    attended: Mapped[int]
    excused: Mapped[int]
    participations: Mapped[int]
    # The official's previous month with a place (expected > 0) and with a participation,
    # among their rows in every cohort ordered by month and cohort, and among their rows in
    # this cohort: a row is an official's first in a period when the previous month lies
    # before it (lms.reports.first_rows).
    prev_place_month: Mapped[int | None]
    prev_trained_month: Mapped[int | None]
    cohort_prev_place_month: Mapped[int | None]
    cohort_prev_trained_month: Mapped[int | None]


class StaleCohort(db.Model):
    """A cohort whose attendance summary must be recomputed (one row per change noted)."""

    __tablename__ = "report_stale_cohorts"

    id: Mapped[intpk]
    # No foreign key: a deleted cohort's summary rows go with it by cascade, and a note
    # about a cohort that no longer exists is simply dropped.
    cohort_id: Mapped[int] = mapped_column(index=True)


class PrePostResult(PersonAttributes, db.Model):
    """Per official and pre/post-test pair: the first pre-test grade, the last post-test grade,
    the normalised gain and when that post-test was finished (its month as YYYYMM), with
    the official's person attributes beside them."""

    __tablename__ = "report_pre_post_results"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    # The pair's pre-test.
    pre_quiz_id: Mapped[int] = mapped_column(primary_key=True)
    pre: Mapped[float]
    post: Mapped[float]
    gain: Mapped[float | None]
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    month: Mapped[int]


class QuizMonth(PersonAttributes, db.Model):
    """Per official, graded quiz or post-test and month: the best grade among the finished
    attempts and when the last was finished, with the official's person attributes beside
    them. (A change of a quiz's purpose notes the officials with attempts at it.)"""

    __tablename__ = "report_quiz_months"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)
    grade: Mapped[float]
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Whether the grade reaches the quiz's pass mark, and, among the official's months with
    # a result at the same quiz, the previous month, the next one and the previous one with
    # a pass (lms.reports.first_rows).
    passed: Mapped[bool | None]
    prev_month: Mapped[int | None]
    next_month: Mapped[int | None]
    prev_pass_month: Mapped[int | None]


class ModuleProgress(db.Model):
    """Per official and module: how many of its lessons they have finished."""

    __tablename__ = "report_module_progress"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(primary_key=True)
    lessons_done: Mapped[int]


class StalePerson(db.Model):
    """An official whose quiz results and module progress must be recomputed."""

    __tablename__ = "report_stale_people"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(index=True)


class MemberCompletion(PersonAttributes, db.Model):
    """Per cohort and member: how many of the cohort's modules with lessons are assigned to
    them and how many of those they have finished, with their person attributes. `alone`
    says it is the official's only such membership, so their modules need no comparing
    across cohorts to be counted once. On one row of each official (`lead`), the modules
    assigned to them in all their cohorts, each counted once, and how many of those they
    have finished: a report that counts all of an official's cohorts adds those up. Only
    memberships with modules assigned have a row."""

    __tablename__ = "report_member_completion"

    # No foreign keys, as for the attendance summary.
    cohort_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    modules: Mapped[int]
    completed: Mapped[int]
    alone: Mapped[bool | None]
    lead: Mapped[bool | None]
    person_modules: Mapped[int | None]
    person_completed: Mapped[int | None]
