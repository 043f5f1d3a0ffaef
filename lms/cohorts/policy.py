"""Who may see which cohort and take whose attendance: object checks with their list filters.

Each check comes as a pair with the query filter that limits lists to the same objects, so
a list page cannot show what the object page would refuse.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from lms.cohorts.models import Cohort, CohortMember, CohortTrainer
from lms.extensions import db
from lms.security.permissions import Permission
from lms.security.policy import can


def sees_every_cohort(user) -> bool:
    """Programme staff see and manage every cohort."""
    return can(user, Permission.COHORTS_MANAGE)


def can_view_cohort(user, cohort: Cohort, trainer_ids: set[int] | None = None) -> bool:
    """Staff see every cohort; a trainer sees the cohorts they train.

    `trainer_ids`, when the caller has them, spares loading `cohort.trainers`.
    """
    if sees_every_cohort(user):
        return True
    ids = cohort.trainer_ids if trainer_ids is None else trainer_ids
    return can(user, Permission.COHORTS_VIEW) and user.id in ids


def visible_cohorts(user, query: sa.Select) -> sa.Select:
    """Limit a query on Cohort to the cohorts `can_view_cohort` allows."""
    if sees_every_cohort(user):
        return query
    if not can(user, Permission.COHORTS_VIEW):
        return query.where(sa.false())
    trained = sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return query.where(Cohort.id.in_(trained))


def can_take_attendance(user, session) -> bool:
    """Staff, the cohort's trainers and the session's own trainers keep its register."""
    if not can(user, Permission.ATTENDANCE_TAKE):
        return False
    if sees_every_cohort(user):
        return True
    # One small query, rather than loading both lists of trainers to look for one id.
    return bool(db.session.scalar(_trains_session(), {
        "cohort_id": session.cohort_id, "session_id": session.id, "user_id": user.id}))


@cache
def _trains_session() -> sa.Select:
    """Whether a user trains a session's cohort or the session itself (built once)."""
    from lms.attendance.models import session_trainers

    user_id = sa.bindparam("user_id")
    of_cohort = sa.select(CohortTrainer.user_id).where(
        CohortTrainer.cohort_id == sa.bindparam("cohort_id"), CohortTrainer.user_id == user_id)
    of_session = sa.select(session_trainers.c.user_id).where(
        session_trainers.c.session_id == sa.bindparam("session_id"),
        session_trainers.c.user_id == user_id)
    return sa.select(sa.or_(of_cohort.exists(), of_session.exists()))


def is_member(user, cohort_id: int) -> bool:
    """Whether an official is enrolled in the cohort (one small query)."""
    return db.session.scalar(
        sa.select(CohortMember.id).where(
            CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id
        )
    ) is not None


def own_cohorts(user, query: sa.Select) -> sa.Select:
    """Limit a query on Cohort to the cohorts the official is enrolled in."""
    mine = sa.select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    return query.where(Cohort.id.in_(mine))
