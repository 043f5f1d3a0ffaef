"""Raw records for staff's own analysis, streamed row by row so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.accounts.models import Organisation, User
from lms.attendance.models import AttendanceRecord, SeminarSession
from lms.cohorts.models import Cohort
from lms.extensions import db
from lms.quizzes.models import FINISHED, Attempt, Quiz
from lms.reports.queries import (
    Scope,
    held_session_conditions,
    membership_conditions,
    person_conditions,
)

BATCH = 2000


def participation_header() -> list[str]:
    return [_("Session date"), _("Session"), _("Cohort"), _("Official"), _("Organisation"),
            _("Level of government"), _("Region"), _("Gender"), _("Attendance")]


def participation_rows(scope: Scope) -> Iterator[list]:
    """One row per official per session held in the period, with the attendance status."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    query = (
        sa.select(SeminarSession.starts_at, SeminarSession.title, Cohort.name, User.full_name,
                  Organisation.name, User.gov_level, User.region, User.gender,
                  AttendanceRecord.status)
        .select_from(AttendanceRecord)
        .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
        .join(Cohort, Cohort.id == SeminarSession.cohort_id)
        .join(User, User.id == AttendanceRecord.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*held_session_conditions(scope), *person_conditions(scope))
        .order_by(SeminarSession.starts_at, SeminarSession.id, User.full_name)
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(query):
        starts, *rest = row
        yield [starts.astimezone(zone).replace(tzinfo=None), *rest]


def quiz_header() -> list[str]:
    return [_("Finished"), _("Quiz"), _("Purpose"), _("Official"), _("Organisation"),
            _("Level of government"), _("Region"), _("Gender"), _("Attempt"), _("Grade, %"),
            _("Pass mark, %")]


def quiz_rows(scope: Scope) -> Iterator[list]:
    """One row per graded quiz attempt finished in the period."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start, end = scope.filters.utc_bounds()
    query = (
        sa.select(Attempt.finished_at, Quiz.title, Quiz.purpose, User.full_name,
                  Organisation.name, User.gov_level, User.region, User.gender, Attempt.number,
                  Attempt.grade, Quiz.pass_percent)
        .select_from(Attempt)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(User, User.id == Attempt.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Attempt.state == FINISHED, Attempt.grade.is_not(None),
               Attempt.finished_at >= start, Attempt.finished_at < end,
               *person_conditions(scope), *membership_conditions(scope, Attempt.user_id))
        .order_by(Attempt.finished_at, Attempt.id)
        .execution_options(yield_per=BATCH)
    )
    for row in db.session.execute(query):
        finished, *rest = row
        yield [finished.astimezone(zone).replace(tzinfo=None), *rest]
