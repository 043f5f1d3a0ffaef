"""Plans without HTTP: drafting with colleagues, submitting, reviewing, follow-ups, figures."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.plans import figures, services
from lms.plans.models import SECTION_MAX, FollowUp, Plan, PlanStatus, PlanVersion, Progress
from tests import factories
from tests.cohorts import factories as cf
from tests.plans import factories as pf


def test_an_official_starts_the_plan_of_their_body_and_adds_a_colleague(app):
    cohort = cf.make_cohort()
    organisation = factories.make_organisation("Lida district executive committee")
    lead = pf.make_author(cohort, organisation)
    colleague = pf.make_author(cohort, organisation)
    stranger = pf.make_author(cohort)

    plan = services.start_plan(cohort, lead, "Digital services of Lida")
    assert [u.id for u in services.colleague_choices(plan)] == [colleague.id]
    services.add_author(plan, colleague, actor=lead)

    assert plan.author_ids == {lead.id, colleague.id}
    assert plan.organisation_id == organisation.id
    with pytest.raises(services.PlanError):
        services.add_author(plan, stranger, actor=lead)
    with pytest.raises(services.PlanError, match="already has a plan"):
        services.start_plan(cohort, colleague, "A second plan")


def test_an_official_outside_the_cohort_cannot_start_a_plan_in_it(app):
    cohort = cf.make_cohort()
    outsider = factories.make_user("official",
                                   organisation_id=factories.make_organisation().id)
    with pytest.raises(services.PlanError, match="not enrolled"):
        services.start_plan(cohort, outsider, "Plan")
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 0


def test_sections_are_rendered_and_sanitised_when_saved(app):
    plan = pf.make_plan()
    author = plan.authors[0].user
    services.save_text(plan, title="Plan", actor=author, module_ids=[], texts={
        "goals": "**One-stop shop** <script>alert(1)</script>",
        "risks": "- Staff turnover",
    })
    assert "<strong>One-stop shop</strong>" in plan.section("goals").text_html
    assert "<script" not in plan.section("goals").text_html
    assert "<li>Staff turnover</li>" in plan.section("risks").text_html


def test_oversized_text_is_refused_and_changes_nothing(app):
    plan = pf.make_plan()
    author = plan.authors[0].user
    with pytest.raises(services.PlanError, match=f"at most {SECTION_MAX}"):
        services.save_text(plan, title="Changed", actor=author, module_ids=[],
                           texts={"goals": "x" * (SECTION_MAX + 1)})
    db.session.rollback()
    assert plan.title == "Digital services"
    assert plan.section("goals").text_markdown == "Fewer visits to the office."


def test_milestones_can_be_added_and_removed_while_drafting(app):
    plan = pf.make_plan(milestones=2)
    author = plan.authors[0].user
    services.remove_milestone(plan, plan.milestones[0].id, actor=author)
    assert [m.title for m in plan.milestones] == ["Milestone 2"]


def test_only_the_case_modules_can_be_linked(app):
    from tests.content import builders

    estonia = builders.published_module("estonia")
    plan = pf.make_plan()
    author = plan.authors[0].user
    services.save_text(plan, title="Plan", texts={}, module_ids=[estonia.id], actor=author)
    assert [link.module.slug for link in plan.module_links] == ["estonia"]
    with pytest.raises(services.PlanError):
        services.save_text(plan, title="Plan", texts={}, module_ids=[estonia.id + 999],
                           actor=author)


def test_a_submitted_plan_cannot_be_changed_until_it_is_returned(app):
    plan = pf.make_plan(status=PlanStatus.SUBMITTED)
    author = plan.authors[0].user
    for change in (
        lambda: services.save_text(plan, title="X", texts={}, module_ids=[], actor=author),
        lambda: services.add_milestone(plan, services.MilestoneData(
            "M", dt.date(2027, 5, 1), "Unit"), actor=author),
        lambda: services.remove_milestone(plan, plan.milestones[0].id, actor=author),
        lambda: services.submit(plan, actor=author),
    ):
        with pytest.raises(services.PlanError, match="with the reviewer"):
            change()

    trainer = factories.make_user("trainer")
    services.review(plan, decision=PlanStatus.RETURNED, reviewer=trainer,
                    comments={"goals": "Name the services."})
    services.save_text(plan, title="Revised", texts={"goals": "Three services."},
                       module_ids=[], actor=author)
    assert plan.title == "Revised"


def test_every_submission_is_kept_as_a_version_with_its_comments(app):
    plan = pf.make_plan()
    author = plan.authors[0].user
    trainer = factories.make_user("trainer")
    services.submit(plan, actor=author)
    services.review(plan, decision=PlanStatus.RETURNED, reviewer=trainer,
                    comments={"goals": "Too vague.", "milestones": "Add dates.", "risks": " "})
    services.save_text(plan, title="Plan v2", texts={"goals": "Online certificates."},
                       module_ids=[], actor=author)
    services.submit(plan, actor=author)
    services.review(plan, decision=PlanStatus.ACCEPTED, reviewer=trainer, comments={})

    first, second = db.session.scalars(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
    )
    assert first.decision == "returned" and second.decision == "accepted"
    assert "Fewer visits" in first.sections["goals"]
    assert "Online certificates" in second.sections["goals"]
    assert [(c.section, c.body) for c in first.comments] == [
        ("goals", "Too vague."), ("milestones", "Add dates.")]
    assert first.milestones[0]["title"] == "Milestone 1"
    assert plan.status == PlanStatus.ACCEPTED


def test_returning_a_plan_needs_a_comment_and_only_submitted_plans_are_reviewed(app):
    plan = pf.make_plan(status=PlanStatus.SUBMITTED)
    trainer = factories.make_user("trainer")
    with pytest.raises(services.PlanError, match="at least one comment"):
        services.review(plan, decision=PlanStatus.RETURNED, reviewer=trainer, comments={})
    assert plan.status == PlanStatus.SUBMITTED
    services.review(plan, decision=PlanStatus.ACCEPTED, reviewer=trainer, comments={})
    with pytest.raises(services.PlanError, match="Only a submitted plan"):
        services.review(plan, decision=PlanStatus.RETURNED, reviewer=trainer,
                        comments={"goals": "Again"})


def test_a_plan_without_milestones_cannot_be_submitted(app):
    plan = pf.make_plan(milestones=0)
    with pytest.raises(services.PlanError, match="milestone"):
        services.submit(plan, actor=plan.authors[0].user)
    assert plan.status == PlanStatus.DRAFT and plan.version_count == 0


def test_follow_ups_fall_due_at_the_configured_months_after_the_cohort(app):
    cohort = cf.make_cohort(starts_on=dt.date(2027, 1, 10), ends_on=dt.date(2027, 1, 31))
    accepted = pf.make_plan(cohort, status=PlanStatus.ACCEPTED)
    pf.make_plan(cohort, status=PlanStatus.SUBMITTED)  # not accepted: never asked

    assert services.follow_up_months("3, 6") == [3, 6]
    assert services.add_months(dt.date(2027, 1, 31), 3) == dt.date(2027, 4, 30)
    assert services.due_follow_ups(dt.date(2027, 4, 29), [3, 6]) == []
    created = services.create_follow_ups(dt.date(2027, 5, 1), [3, 6])
    assert [(f.plan_id, f.months) for f in created] == [(accepted.id, 3)]
    assert services.create_follow_ups(dt.date(2027, 5, 2), [3, 6]) == []
    created = services.create_follow_ups(dt.date(2027, 8, 1), [3, 6])
    assert [f.months for f in created] == [6]


def test_authors_report_progress_for_every_milestone(app):
    plan = pf.make_plan(milestones=2, status=PlanStatus.ACCEPTED)
    author = plan.authors[0].user
    follow_up = pf.make_follow_up(plan)
    first, second = plan.milestones
    assert services.pending_follow_ups(author) == [follow_up]

    with pytest.raises(services.PlanError, match="every milestone"):
        services.report_progress(follow_up, {first.id: ("done", "")}, actor=author)
    with pytest.raises(services.PlanError, match="status"):
        services.report_progress(follow_up, {first.id: ("finished", ""),
                                             second.id: ("done", "")}, actor=author)
    services.report_progress(follow_up, {first.id: ("done", "Signed in March"),
                                         second.id: ("in_progress", "")}, actor=author)
    assert {r.milestone_id: r.status for r in follow_up.reports} == {
        first.id: Progress.DONE, second.id: Progress.IN_PROGRESS}
    assert services.pending_follow_ups(author) == []


def test_figures_count_plans_drafted_accepted_and_milestones_done(app):
    cohort = cf.make_cohort()
    minsk = factories.make_organisation("Minsk committee", level="local", region="minsk-city")
    grodno = factories.make_organisation("Grodno committee", level="local", region="grodno")
    ministry = factories.make_organisation("Ministry", level="central", region=None)
    woman = pf.make_author(cohort, minsk, gender="female")
    accepted = pf.make_plan(cohort, author=woman, milestones=2, status=PlanStatus.ACCEPTED)
    services.add_author(accepted, pf.make_author(cohort, minsk, gender="male"), actor=woman)
    pf.make_plan(cohort, author=pf.make_author(cohort, grodno, gender="male"))
    pf.make_plan(cohort, author=pf.make_author(cohort, ministry, gender="female"),
                 status=PlanStatus.SUBMITTED)
    follow_up = pf.make_follow_up(accepted)
    first, second = accepted.milestones
    services.report_progress(follow_up, {first.id: ("done", ""), second.id: ("dropped", "")},
                             actor=woman)
    # Reported done again at six months: still one milestone.
    later = pf.make_follow_up(accepted, months=6)
    services.report_progress(later, {first.id: ("done", ""), second.id: ("done", "")},
                             actor=woman)

    assert figures.plans_drafted() == {None: 3}
    assert figures.plans_drafted("level") == {"local": 2, "central": 1}
    assert figures.plans_drafted("region") == {"minsk-city": 1, "grodno": 1, None: 1}
    assert figures.plans_drafted("gender") == {"female": 2, "male": 2}
    assert figures.plans_accepted("organisation") == {minsk.id: 1}
    assert figures.plans_accepted("cohort", cohort_ids=[cohort.id + 1]) == {}
    assert figures.milestones_done() == {None: 2}
    assert figures.milestones_done("gender") == {"female": 2, "male": 2}
    assert figures.milestones_done("region") == {"minsk-city": 2}
    with pytest.raises(ValueError):
        figures.plans_drafted("month")


def test_the_cli_lists_and_creates_due_follow_ups(app, runner):
    cohort = cf.make_cohort(starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 1, 31))
    plan = pf.make_plan(cohort, status=PlanStatus.ACCEPTED)
    db.session.commit()

    listed = runner.invoke(args=["plans", "follow-ups", "--dry-run"])
    assert "2 follow-up request(s) due; none created" in listed.output
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 0
    created = runner.invoke(args=["plans", "follow-ups"])
    assert "2 follow-up request(s) created." in created.output
    db.session.expire_all()
    assert sorted(f.months for f in db.session.get(Plan, plan.id).follow_ups) == [3, 6]
