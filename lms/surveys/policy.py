"""Who may open forms and see results, who may answer: object checks with their list filter."""

from __future__ import annotations

import sqlalchemy as sa

from lms.cohorts import policy as cohorts_policy
from lms.cohorts.models import Cohort, CohortTrainer
from lms.security.permissions import Permission
from lms.security.policy import can
from lms.surveys.models import Survey


def can_manage_cohort_surveys(user, cohort: Cohort) -> bool:
    """Staff for every cohort, trainers for the cohorts they train: open forms, see results."""
    if not can(user, Permission.ATTENDANCE_TAKE):
        return False
    return cohorts_policy.sees_every_cohort(user) or user.id in cohort.trainer_ids


def can_see_results(user, survey: Survey) -> bool:
    return can_manage_cohort_surveys(user, survey.cohort)


def visible_surveys(user, query: sa.Select) -> sa.Select:
    """Limit a query on Survey to the forms whose results `can_see_results` allows."""
    if not can(user, Permission.ATTENDANCE_TAKE):
        return query.where(sa.false())
    if cohorts_policy.sees_every_cohort(user):
        return query
    trained = sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return query.where(Survey.cohort_id.in_(trained))


def may_answer(user, survey: Survey) -> bool:
    """Officials answer the forms of the cohorts they are enrolled in."""
    return can(user, Permission.LEARNING_OWN) and cohorts_policy.is_member(user, survey.cohort_id)
