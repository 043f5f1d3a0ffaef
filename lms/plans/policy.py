"""Who may see, write and review which plan: object checks paired with their list filters.

Authors (officials of the plan's body) write it; the trainers of its cohort review it;
programme staff see and review every plan. Each check has the query filter that limits a
list to the same plans, so a list cannot show what the plan page would refuse.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms.cohorts.models import CohortTrainer
from lms.plans.models import Plan, PlanAuthor
from lms.security.permissions import Permission
from lms.security.policy import can


def sees_every_plan(user) -> bool:
    """Programme staff see every plan and the programme's table."""
    return can(user, Permission.COHORTS_MANAGE)


def is_author(user, plan: Plan) -> bool:
    return can(user, Permission.LEARNING_OWN) and user.id in plan.author_ids


def authored_plans(user, query: sa.Select) -> sa.Select:
    """Limit a query on Plan to the plans `is_author` allows."""
    if not can(user, Permission.LEARNING_OWN):
        return query.where(sa.false())
    mine = sa.select(PlanAuthor.plan_id).where(PlanAuthor.user_id == user.id)
    return query.where(Plan.id.in_(mine))


def can_review(user, plan: Plan) -> bool:
    """Staff review every plan; a trainer reviews the plans of the cohorts they train."""
    if not can(user, Permission.ATTENDANCE_TAKE):
        return False
    return sees_every_plan(user) or user.id in plan.cohort.trainer_ids


def reviewable_plans(user, query: sa.Select) -> sa.Select:
    """Limit a query on Plan to the plans `can_review` allows."""
    if not can(user, Permission.ATTENDANCE_TAKE):
        return query.where(sa.false())
    if sees_every_plan(user):
        return query
    trained = sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return query.where(Plan.cohort_id.in_(trained))


def can_view(user, plan: Plan) -> bool:
    """Authors and reviewers read the plan and its history of versions and comments."""
    return is_author(user, plan) or can_review(user, plan)


def visible_plans(user, query: sa.Select) -> sa.Select:
    """Limit a query on Plan to the plans `can_view` allows."""
    if sees_every_plan(user):
        return query
    authored = authored_plans(user, sa.select(Plan.id))
    reviewed = reviewable_plans(user, sa.select(Plan.id))
    return query.where(sa.or_(Plan.id.in_(authored), Plan.id.in_(reviewed)))
