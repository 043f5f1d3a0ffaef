"""Whose figures a reader may see: the whole programme, or only the cohorts they train."""

from __future__ import annotations

import sqlalchemy as sa

from lms.cohorts.models import CohortTrainer
from lms.security.permissions import Permission
from lms.security.policy import can


def sees_whole_programme(user) -> bool:
    """Programme staff and monitoring and evaluation officers report on every cohort."""
    return can(user, Permission.COHORTS_MANAGE) or can(user, Permission.REPORTS_EXACT)


def report_cohorts(user) -> sa.Select | None:
    """The cohort ids a reader's reports are limited to, or None for every cohort.

    Trainers see the same reports, about the cohorts they train only.
    """
    if sees_whole_programme(user):
        return None
    return sa.select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
