"""Who may see which cohort and take whose attendance: object checks with their list filters.

Each check comes as a pair with the query filter that limits lists to the same objects, so
a list page cannot show what the object page would refuse.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms.cohorts.models import Cohort, CohortMember, CohortTrainer
from lms.extensions import db
from lms.security.permissions import Permission
from lms.security.policy import can


def sees_every_cohort(user) -> bool:
    """Programme staff see and manage every cohort."""
    return can(user, Permission.COHORTS_MANAGE)


def can_view_cohort(user, cohort: Cohort) -> bool:
    """Staff see every cohort; a trainer sees the cohorts they train."""
    if sees_every_cohort(user):
        return True
    return can(user, Permission.COHORTS_VIEW) and user.id in cohort.trainer_ids


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
    return user.id in session.cohort.trainer_ids or any(t.id == user.id for t in session.trainers)


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
