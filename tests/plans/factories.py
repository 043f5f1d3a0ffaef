"""Builders for implementation plans, for tests and the route walk."""

from __future__ import annotations

import datetime as dt

from lms.extensions import db
from lms.plans import services
from lms.plans.models import FollowUp, Plan, PlanStatus
from tests import factories
from tests.cohorts import factories as cohort_factories


def make_author(cohort, organisation=None, **profile):
    """An official of `organisation` (a new one by default) enrolled in the cohort."""
    organisation = organisation or factories.make_organisation()
    return cohort_factories.make_official_in(cohort, organisation_id=organisation.id, **profile)


def make_plan(cohort=None, *, author=None, milestones: int = 1,
              status: PlanStatus = PlanStatus.DRAFT, title: str = "Digital services") -> Plan:
    """A plan with its goals written and `milestones` milestones, brought to `status`."""
    cohort = cohort or cohort_factories.make_cohort()
    author = author or make_author(cohort)
    plan = services.start_plan(cohort, author, title)
    services.save_text(plan, title=title, texts={"goals": "Fewer visits to the office."},
                       module_ids=[], actor=author)
    for n in range(milestones):
        services.add_milestone(plan, services.MilestoneData(
            f"Milestone {n + 1}", dt.date(2027, 3 + n, 1), "Legal unit", "Agreement signed"),
            actor=author)
    if status != PlanStatus.DRAFT:
        services.submit(plan, actor=author)
        if status in (PlanStatus.ACCEPTED, PlanStatus.RETURNED):
            reviewer = factories.make_user("staff")
            services.review(plan, decision=status, reviewer=reviewer,
                            comments={"goals": "Say which services."})
    db.session.flush()
    return plan


def make_follow_up(plan: Plan, months: int = 3) -> FollowUp:
    follow_up = FollowUp(plan_id=plan.id, months=months,
                         due_on=services.add_months(plan.cohort.ends_on, months))
    db.session.add(follow_up)
    db.session.flush()
    return follow_up
