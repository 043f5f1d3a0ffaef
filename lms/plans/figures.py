"""Plan figures for the programme reports: drafted, accepted, milestones reported done.

Each function returns {key: count}, with key None when not grouped. What "grouped by" means:

- "gender": by the gender of the plan's authors. A plan written by a woman and a man counts
  once under each gender, so the groups may add up to more than the total.
- "level", "region": of the plan's organisation (Organisation.level / .region, the same
  values as a person's level of government and region), not of its authors.
- "organisation": the plan's organisation id (every author belongs to it).
- "cohort": the cohort the plan was drafted in.

`cohort_ids` (a list or a SELECT of ids) limits the figures to cohorts, e.g. a trainer's own.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms.accounts.models import Organisation, User
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

GROUPINGS = ("gender", "level", "region", "organisation", "cohort")


def _group(query: sa.Select, counted, group_by: str | None, cohort_ids) -> dict:
    if cohort_ids is not None:
        query = query.where(Plan.cohort_id.in_(cohort_ids))
    if group_by is None:
        query = query.add_columns(sa.literal(None).label("key"))
    else:
        if group_by not in GROUPINGS:
            raise ValueError(f"unknown grouping {group_by!r}")
        if group_by == "gender":
            query = query.join(PlanAuthor, PlanAuthor.plan_id == Plan.id).join(
                User, User.id == PlanAuthor.user_id)
            key = User.gender
        elif group_by in ("level", "region"):
            query = query.join(Organisation, Organisation.id == Plan.organisation_id)
            key = Organisation.level if group_by == "level" else Organisation.region
        else:
            key = Plan.organisation_id if group_by == "organisation" else Plan.cohort_id
        query = query.add_columns(key.label("key")).group_by(key)
    query = query.add_columns(sa.func.count(sa.distinct(counted)).label("n"))
    return {row.key: row.n for row in db.session.execute(query)}


def plans_drafted(group_by: str | None = None, *, cohort_ids=None) -> dict:
    """Plans started, whatever their status now."""
    return _group(sa.select().select_from(Plan), Plan.id, group_by, cohort_ids)


def plans_accepted(group_by: str | None = None, *, cohort_ids=None) -> dict:
    """Plans a trainer has accepted."""
    query = sa.select().select_from(Plan).where(Plan.status == PlanStatus.ACCEPTED.value)
    return _group(query, Plan.id, group_by, cohort_ids)


def milestones_done(group_by: str | None = None, *, cohort_ids=None) -> dict:
    """Milestones reported done in any follow-up, each counted once."""
    query = (
        sa.select().select_from(MilestoneReport)
        .join(Milestone, Milestone.id == MilestoneReport.milestone_id)
        .join(FollowUp, FollowUp.id == MilestoneReport.follow_up_id)
        .join(Plan, Plan.id == Milestone.plan_id)
        .where(MilestoneReport.status == Progress.DONE.value)
    )
    return _group(query, Milestone.id, group_by, cohort_ids)
