"""The programme staff's table of plans: by organisation, region and level, with progress."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms.accounts.models import Organisation
from lms.extensions import db
from lms.plans.models import (
    FollowUp,
    Milestone,
    MilestoneReport,
    Plan,
    PlanAuthor,
    PlanStatus,
    Progress,
)


@dataclass(frozen=True)
class TableFilters:
    organisation_id: int | None = None
    region: str | None = None
    level: str | None = None
    status: str | None = None
    cohort_id: int | None = None


@dataclass
class PlanProgress:
    milestones: int = 0
    # The latest follow-up the authors answered: its month and each status's count.
    months: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


def plans_query(filters: TableFilters) -> sa.Select:
    """Plans matching the filters, by organisation, with authors loaded alongside."""
    query = (
        sa.select(Plan).join(Organisation, Organisation.id == Plan.organisation_id)
        .options(selectinload(Plan.authors).joinedload(PlanAuthor.user))
        .order_by(Organisation.name, Plan.id)
    )
    if filters.organisation_id:
        query = query.where(Plan.organisation_id == filters.organisation_id)
    if filters.region:
        query = query.where(Organisation.region == filters.region)
    if filters.level:
        query = query.where(Organisation.level == filters.level)
    if filters.status:
        query = query.where(Plan.status == filters.status)
    if filters.cohort_id:
        query = query.where(Plan.cohort_id == filters.cohort_id)
    return query


def progress_of(plan_ids: list[int]) -> dict[int, PlanProgress]:
    """Milestone counts and the latest answered follow-up's statuses, in two queries."""
    result = {plan_id: PlanProgress() for plan_id in plan_ids}
    if not plan_ids:
        return result
    for plan_id, count in db.session.execute(
        sa.select(Milestone.plan_id, sa.func.count(Milestone.id))
        .where(Milestone.plan_id.in_(plan_ids)).group_by(Milestone.plan_id)
    ):
        result[plan_id].milestones = count
    latest = (
        sa.select(FollowUp.plan_id, sa.func.max(FollowUp.months).label("months"))
        .where(FollowUp.plan_id.in_(plan_ids), FollowUp.reported_at.is_not(None))
        .group_by(FollowUp.plan_id).subquery()
    )
    rows = db.session.execute(
        sa.select(FollowUp.plan_id, FollowUp.months, MilestoneReport.status,
                  sa.func.count().label("n"))
        .join(latest, sa.and_(latest.c.plan_id == FollowUp.plan_id,
                              latest.c.months == FollowUp.months))
        .join(MilestoneReport, MilestoneReport.follow_up_id == FollowUp.id)
        .group_by(FollowUp.plan_id, FollowUp.months, MilestoneReport.status)
    )
    for plan_id, months, status, n in rows:
        result[plan_id].months = months
        result[plan_id].counts[status] = n
    return result


def header() -> list[str]:
    return [_("Plan"), _("Cohort"), _("Organisation"), _("Level"), _("Region"), _("Status"),
            _("Authors"), _("Milestones"), _("Latest follow-up (months)"),
            *(p.label for p in Progress)]


def rows(plans: list[Plan], progress: dict[int, PlanProgress]) -> list[list]:
    out = []
    for plan in plans:
        p = progress[plan.id]
        out.append([
            plan.title, plan.cohort.name, plan.organisation.name,
            plan.organisation.level_label, plan.organisation.region_label,
            PlanStatus(plan.status).label, ", ".join(a.user.full_name for a in plan.authors),
            p.milestones, p.months, *(p.counts.get(s.value, 0) for s in Progress),
        ])
    return out
