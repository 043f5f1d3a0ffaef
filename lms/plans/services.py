"""Drafting, co-authoring, submitting, reviewing and following up implementation plans.

Each function checks the rule it enforces and raises `PlanError` with a message for the
person, changing nothing; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from lms import audit
from lms.accounts.models import User
from lms.cohorts.models import Cohort, CohortMember
from lms.content.models import Module
from lms.content.rendering import render_markdown
from lms.db import now_utc
from lms.extensions import db
from lms.plans.models import (
    COMMENT_MAX,
    COMMENT_TOPICS,
    SECTION_KEYS,
    SECTION_MAX,
    FollowUp,
    Milestone,
    MilestoneReport,
    Plan,
    PlanAuthor,
    PlanComment,
    PlanModuleLink,
    PlanSection,
    PlanStatus,
    PlanVersion,
    Progress,
)

# The case-study modules a plan may refer to.
SEE_ALSO_COUNTRIES = ("EE", "RS", "LV")


class PlanError(Exception):
    """A change the rules refuse; the message is shown to the person."""


def _is_member(user_id: int, cohort_id: int) -> bool:
    return db.session.scalar(sa.select(CohortMember.id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)) is not None


def plan_of(cohort_id: int, organisation_id: int) -> Plan | None:
    return db.session.scalar(sa.select(Plan).where(
        Plan.cohort_id == cohort_id, Plan.organisation_id == organisation_id))


def start_plan(cohort: Cohort, official: User, title: str) -> Plan:
    """Start the plan of the official's body in the cohort, with the official as its author."""
    if not _is_member(official.id, cohort.id):
        raise PlanError(_("You are not enrolled in this cohort."))
    if official.organisation_id is None:
        raise PlanError(_("Your profile names no organisation; ask the programme staff to add it."))
    if plan_of(cohort.id, official.organisation_id) is not None:
        raise PlanError(_("Your organisation already has a plan in this cohort; ask its authors "
                          "to add you."))
    _check_length(title, 200, _("Title"))
    plan = Plan(cohort_id=cohort.id, organisation_id=official.organisation_id,
                title=title.strip(), status=PlanStatus.DRAFT.value)
    plan.authors.append(PlanAuthor(user_id=official.id))
    plan.sections = [PlanSection(key=key, text_markdown="", text_html="")
                     for key in SECTION_KEYS]
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.start", actor=official, target=plan, cohort_id=cohort.id)
    return plan


def _check_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise PlanError(_("The plan is with the reviewer; it can be changed again once it is "
                          "returned for revision."))


def _check_length(text: str, limit: int, name) -> None:
    if len(text or "") > limit:
        raise PlanError(_("%(name)s is too long: %(count)s characters, at most %(limit)s.",
                          name=name, count=len(text), limit=limit))


def _touch(plan: Plan) -> None:
    plan.updated_at = now_utc()


def colleague_choices(plan: Plan) -> list[User]:
    """Officials of the plan's body enrolled in its cohort who are not yet authors."""
    enrolled = sa.select(CohortMember.user_id).where(CohortMember.cohort_id == plan.cohort_id)
    return list(db.session.scalars(
        sa.select(User).where(User.organisation_id == plan.organisation_id,
                              User.id.in_(enrolled), User.id.not_in(plan.author_ids))
        .order_by(User.full_name)
    ))


def add_author(plan: Plan, colleague: User, *, actor: User) -> None:
    """Add a colleague from the same body and cohort as a co-author."""
    if colleague.organisation_id != plan.organisation_id or not _is_member(colleague.id,
                                                                           plan.cohort_id):
        raise PlanError(_("Only colleagues from the same organisation enrolled in the cohort "
                          "can be co-authors."))
    if colleague.id in plan.author_ids:
        return
    plan.authors.append(PlanAuthor(user_id=colleague.id))
    db.session.flush()
    audit.record("plan.add_author", actor=actor, target=plan, user_id=colleague.id)


def save_text(plan: Plan, *, title: str, texts: dict[str, str], module_ids: list[int],
              actor: User) -> None:
    """Save the title, every section's text (rendered at once) and the "see also" modules."""
    _check_editable(plan)
    _check_length(title, 200, _("Title"))
    for key in SECTION_KEYS:
        _check_length(texts.get(key, ""), SECTION_MAX, _("A section"))
    allowed = {m.id for m in see_also_modules()}
    if not set(module_ids) <= allowed:
        raise PlanError(_("Only the Estonia, Serbia and Latvia modules can be linked."))
    plan.title = title.strip()
    for key in SECTION_KEYS:
        section = plan.section(key) or PlanSection(key=key)
        if section not in plan.sections:
            plan.sections.append(section)
        section.text_markdown = texts.get(key, "")
        section.text_html = render_markdown(section.text_markdown).html
    plan.module_links = [link for link in plan.module_links if link.module_id in module_ids]
    linked = {link.module_id for link in plan.module_links}
    plan.module_links += [PlanModuleLink(module_id=m) for m in sorted(set(module_ids) - linked)]
    _touch(plan)
    db.session.flush()
    audit.record("plan.save", actor=actor, target=plan)


def see_also_modules() -> list[Module]:
    """The published Estonia, Serbia and Latvia modules, in the catalogue's order."""
    return list(db.session.scalars(
        sa.select(Module).where(Module.country.in_(SEE_ALSO_COUNTRIES),
                                Module.status == "published")
        .options(sa.orm.selectinload(Module.translations))
        .order_by(Module.position, Module.id)
    ))


@dataclass
class MilestoneData:
    title: str
    due_on: dt.date
    responsible_unit: str
    indicator: str = ""


def add_milestone(plan: Plan, data: MilestoneData, *, actor: User) -> Milestone:
    _check_editable(plan)
    for value, name in ((data.title, _("Milestone")), (data.responsible_unit,
                        _("Responsible unit")), (data.indicator, _("Indicator"))):
        _check_length(value, 200, name)
    milestone = Milestone(title=data.title.strip(), due_on=data.due_on,
                          responsible_unit=data.responsible_unit.strip(),
                          indicator=(data.indicator or "").strip())
    plan.milestones.append(milestone)
    _touch(plan)
    db.session.flush()
    audit.record("plan.add_milestone", actor=actor, target=plan, milestone_id=milestone.id)
    return milestone


def remove_milestone(plan: Plan, milestone_id: int, *, actor: User) -> None:
    _check_editable(plan)
    milestone = next((m for m in plan.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise PlanError(_("This milestone is not part of the plan."))
    plan.milestones.remove(milestone)
    _touch(plan)
    db.session.flush()
    audit.record("plan.remove_milestone", actor=actor, target=plan, milestone_id=milestone_id)


def submit(plan: Plan, *, actor: User) -> PlanVersion:
    """Send the plan to the reviewer, keeping a frozen copy as its next version."""
    _check_editable(plan)
    if not plan.title.strip() or not any(s.text_markdown.strip() for s in plan.sections):
        raise PlanError(_("Write at least one section before submitting the plan."))
    if not plan.milestones:
        raise PlanError(_("Add at least one milestone before submitting the plan."))
    plan.version_count += 1
    version = PlanVersion(
        number=plan.version_count, title=plan.title, submitted_by_id=actor.id,
        sections={s.key: s.text_html for s in plan.sections},
        milestones=[{"title": m.title, "due_on": m.due_on.isoformat(),
                     "responsible_unit": m.responsible_unit, "indicator": m.indicator}
                    for m in plan.milestones],
    )
    plan.versions.append(version)
    plan.status = PlanStatus.SUBMITTED.value
    _touch(plan)
    db.session.flush()
    audit.record("plan.submit", actor=actor, target=plan, version=version.number)
    return version


def review(plan: Plan, *, decision: PlanStatus, comments: dict[str, str],
           reviewer: User) -> PlanVersion:
    """Decide on the submitted version: accept it, or return it with comments per section."""
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanError(_("Only a submitted plan can be reviewed."))
    if decision not in (PlanStatus.ACCEPTED, PlanStatus.RETURNED):
        raise PlanError(_("Choose to accept the plan or return it for revision."))
    topics = {key for key, _label in COMMENT_TOPICS}
    written = {k: v.strip() for k, v in comments.items() if k in topics and v and v.strip()}
    for text in written.values():
        _check_length(text, COMMENT_MAX, _("A comment"))
    if decision == PlanStatus.RETURNED and not written:
        raise PlanError(_("Say what to revise: write at least one comment."))
    version = latest_version(plan)
    now = now_utc()
    for key, _label in COMMENT_TOPICS:
        if key in written:
            version.comments.append(PlanComment(section=key, body=written[key],
                                                author_id=reviewer.id))
    version.decision = decision.value
    version.decided_at = now
    version.decided_by_id = reviewer.id
    plan.status = decision.value
    plan.decided_at = now
    db.session.flush()
    audit.record("plan.review", actor=reviewer, target=plan, version=version.number,
                 decision=decision.value)
    return version


def latest_version(plan: Plan) -> PlanVersion:
    # A version appended in this session sits at the end of the list, not at the front.
    return max(plan.versions, key=lambda v: v.number)


def follow_up_months(setting: str) -> list[int]:
    """"3,6" -> [3, 6]: the months after a cohort ends at which progress is asked for."""
    return sorted({int(part) for part in str(setting).split(",") if part.strip()})


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_follow_ups(today: dt.date, months: list[int]) -> list[tuple[Plan, int, dt.date]]:
    """Accepted plans whose cohort ended `m` months ago or more and have no `m` request yet."""
    plans = db.session.scalars(
        sa.select(Plan).where(Plan.status == PlanStatus.ACCEPTED.value)
        .join(Cohort, Cohort.id == Plan.cohort_id).order_by(Plan.id)
    ).unique().all()
    existing = {(p, m) for p, m in db.session.execute(
        sa.select(FollowUp.plan_id, FollowUp.months))}
    due = []
    for plan in plans:
        for m in months:
            due_on = add_months(plan.cohort.ends_on, m)
            if due_on <= today and (plan.id, m) not in existing:
                due.append((plan, m, due_on))
    return due


def create_follow_ups(today: dt.date, months: list[int]) -> list[FollowUp]:
    """Ask the authors of every plan that is due to report progress."""
    created = []
    for plan, m, due_on in due_follow_ups(today, months):
        follow_up = FollowUp(plan_id=plan.id, months=m, due_on=due_on)
        db.session.add(follow_up)
        created.append(follow_up)
    db.session.flush()
    for follow_up in created:
        audit.record("plan.follow_up_requested", target=follow_up, plan_id=follow_up.plan_id,
                     months=follow_up.months)
    return created


def report_progress(follow_up: FollowUp, progress: dict[int, tuple[str, str]], *,
                    actor: User) -> None:
    """Record each milestone's progress; authors may correct a report they already sent."""
    milestones = {m.id for m in follow_up.plan.milestones}
    if set(progress) != milestones:
        raise PlanError(_("Report the progress of every milestone."))
    for status, comment in progress.values():
        if status not in {p.value for p in Progress}:
            raise PlanError(_("Choose a progress status for every milestone."))
        _check_length(comment, COMMENT_MAX, _("A comment"))
    current = {r.milestone_id: r for r in follow_up.reports}
    for milestone_id, (status, comment) in progress.items():
        report = current.get(milestone_id)
        if report is None:
            report = MilestoneReport(milestone_id=milestone_id)
            follow_up.reports.append(report)
        report.status, report.comment = status, (comment or "").strip()
    follow_up.reported_at = now_utc()
    follow_up.reported_by_id = actor.id
    db.session.flush()
    audit.record("plan.follow_up_reported", actor=actor, target=follow_up,
                 plan_id=follow_up.plan_id)


def pending_follow_ups(user: User) -> list[FollowUp]:
    """Follow-up requests on the official's plans not yet answered (one query)."""
    return list(db.session.scalars(_pending_follow_ups_query(), {"user_id": user.id}).unique())


@functools.cache
def _pending_follow_ups_query() -> sa.Select:
    """Built once per process (building it costs more than running it); the user is its
    parameter."""
    authored = sa.select(PlanAuthor.plan_id).where(PlanAuthor.user_id == sa.bindparam("user_id"))
    # The lists show each request's plan title and months: the plan's cohort and organisation
    # (joined by default) are left to load if something else asks for them.
    return (
        sa.select(FollowUp).where(FollowUp.plan_id.in_(authored), FollowUp.reported_at.is_(None))
        .join(FollowUp.plan)
        .options(sa.orm.contains_eager(FollowUp.plan).options(
            sa.orm.lazyload(Plan.cohort), sa.orm.lazyload(Plan.organisation)))
        .order_by(FollowUp.due_on)
    )
