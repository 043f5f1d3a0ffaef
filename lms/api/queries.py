"""The selects behind the API's lists; each list page runs a fixed number of queries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.attendance.models import AttendanceRecord, SeminarSession, Status
from lms.cohorts.models import Cohort, CohortMember, CohortTrainer
from lms.quizzes.models import FINISHED, Attempt, Quiz

ATTENDED = (Status.PRESENT.value, Status.LATE.value)


def cohorts(limit_to) -> sa.Select:
    """Cohorts with their trainers (one extra query for all of them)."""
    query = (sa.select(Cohort)
             .options(selectinload(Cohort.trainers).joinedload(CohortTrainer.user))
             .order_by(Cohort.starts_on.desc(), Cohort.id))
    return limit_to(query)


def sessions(cohort_id: int) -> sa.Select:
    return (sa.select(SeminarSession)
            .options(selectinload(SeminarSession.modules))
            .where(SeminarSession.cohort_id == cohort_id)
            .order_by(SeminarSession.starts_at, SeminarSession.id))


def attendance(*, cohort_id: int | None = None, session_id: int | None = None,
               user_id: int | None = None) -> sa.Select:
    """Attendance records with their session and official, in one query."""
    query = (sa.select(AttendanceRecord, SeminarSession, User.full_name)
             .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
             .join(User, User.id == AttendanceRecord.user_id)
             .order_by(SeminarSession.starts_at, AttendanceRecord.session_id,
                       AttendanceRecord.id))
    if cohort_id is not None:
        query = query.where(SeminarSession.cohort_id == cohort_id)
    if session_id is not None:
        query = query.where(AttendanceRecord.session_id == session_id)
    if user_id is not None:
        query = query.where(AttendanceRecord.user_id == user_id)
    return query


def quiz_results(*, cohort_id: int | None = None, user_id: int | None = None,
                 quiz_id: int | None = None) -> sa.Select:
    """Graded attempts with their quiz and official, in one query.

    For a cohort: attempts of its members, at any quiz.
    """
    query = (sa.select(Attempt, Quiz, User.full_name)
             .join(Quiz, Quiz.id == Attempt.quiz_id)
             .join(User, User.id == Attempt.user_id)
             .where(Attempt.state == FINISHED, Attempt.grade.is_not(None))
             .order_by(Attempt.finished_at, Attempt.id))
    if cohort_id is not None:
        members = sa.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
        query = query.where(Attempt.user_id.in_(members))
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    return query


def learning_events(*, cohort_id: int | None = None, user_id: int | None = None) -> sa.Select:
    """Attendance (present or late) and graded attempts as one list of (kind, id, at).

    A page of it is then loaded with one query per kind.
    """
    attended = (sa.select(sa.literal("attendance").label("kind"),
                          AttendanceRecord.id.label("id"),
                          SeminarSession.starts_at.label("at"))
                .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
                .where(AttendanceRecord.status.in_(ATTENDED)))
    graded = (sa.select(sa.literal("quiz").label("kind"), Attempt.id.label("id"),
                        Attempt.finished_at.label("at"))
              .where(Attempt.state == FINISHED, Attempt.grade.is_not(None)))
    if cohort_id is not None:
        members = sa.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
        attended = attended.where(SeminarSession.cohort_id == cohort_id)
        graded = graded.where(Attempt.user_id.in_(members))
    if user_id is not None:
        attended = attended.where(AttendanceRecord.user_id == user_id)
        graded = graded.where(Attempt.user_id == user_id)
    events = sa.union_all(attended, graded).subquery()
    return sa.select(events.c.kind, events.c.id, events.c.at).order_by(
        events.c.at, events.c.kind, events.c.id)
