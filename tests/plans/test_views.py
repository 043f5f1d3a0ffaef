"""Plans over HTTP: who may write, review and see what; bad input; the staff table."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.plans.models import SECTION_MAX, Plan, PlanStatus
from tests import factories
from tests.cohorts import factories as cf
from tests.plans import factories as pf
from tests.query_counter import count_queries


def _texts(**sections) -> dict:
    data = {"title": sections.pop("title", "Digital services"), "goals": "", "services": "",
            "legal_changes": "", "service_centres": "", "responsible_units": "", "risks": "",
            "indicators": ""}
    data.update(sections)
    return data


def test_an_official_drafts_submits_and_sees_the_history(client):
    cohort = cf.make_cohort(name="Deputy heads, Grodno")
    official = pf.make_author(cohort)
    factories.sign_in(client, official)

    response = client.post(f"/plans/cohorts/{cohort.id}/new", data={"title": "Lida plan"})
    plan = db.session.scalar(sa.select(Plan))
    assert response.status_code == 303 and plan.author_ids == {official.id}

    client.post(f"/plans/{plan.id}/edit", data=_texts(title="Lida plan",
                                                     goals="## Goal 1\nOnline certificates"))
    client.post(f"/plans/{plan.id}/milestones", data={
        "title": "Agreement signed", "due_on": "2027-06-01", "responsible_unit": "Legal unit",
        "indicator": "Signed agreement"})
    client.post(f"/plans/{plan.id}/submit")

    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Submitted for review" in page
    assert "Version 1, submitted" in page
    assert "Online certificates" in page and "Agreement signed" in page


def test_a_colleague_who_is_not_a_co_author_cannot_edit_and_nothing_changes(client):
    plan = pf.make_plan()
    colleague = pf.make_author(plan.cohort, plan.organisation)
    factories.sign_in(client, colleague)

    assert client.post(f"/plans/{plan.id}/edit", data=_texts(title="Hijacked")).status_code == 403
    assert client.post(f"/plans/{plan.id}/milestones", data={
        "title": "M", "due_on": "2027-06-01", "responsible_unit": "U"}).status_code == 403
    assert client.post(f"/plans/{plan.id}/submit").status_code == 403
    assert client.get(f"/plans/{plan.id}").status_code == 403
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.title == "Digital services" and len(plan.milestones) == 1
    assert plan.status == PlanStatus.DRAFT


def test_a_co_author_added_by_the_author_can_edit(client):
    plan = pf.make_plan()
    author = plan.authors[0].user
    colleague = pf.make_author(plan.cohort, plan.organisation)
    factories.sign_in(client, author)
    client.post(f"/plans/{plan.id}/authors", data={"user_id": colleague.id})

    factories.sign_in(client, colleague)
    client.post(f"/plans/{plan.id}/edit", data=_texts(title="Our plan"))
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).title == "Our plan"


def test_oversized_text_is_refused_with_a_clear_error(client):
    plan = pf.make_plan()
    factories.sign_in(client, plan.authors[0].user)
    response = client.post(f"/plans/{plan.id}/edit",
                           data=_texts(goals="x" * (SECTION_MAX + 1)))
    assert response.status_code == 422
    assert f"{SECTION_MAX}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).section("goals").text_markdown == \
        "Fewer visits to the office."


def test_a_submitted_plan_cannot_be_edited_until_it_is_returned(client):
    plan = pf.make_plan(status=PlanStatus.SUBMITTED)
    factories.sign_in(client, plan.authors[0].user)

    response = client.post(f"/plans/{plan.id}/edit", data=_texts(title="Changed"),
                           follow_redirects=True)
    assert "with the reviewer" in response.get_data(as_text=True)
    response = client.post(f"/plans/{plan.id}/milestones/{plan.milestones[0].id}/remove",
                           follow_redirects=True)
    assert "with the reviewer" in response.get_data(as_text=True)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.title == "Digital services" and len(plan.milestones) == 1


def test_the_cohorts_trainer_returns_and_accepts_other_trainers_are_refused(client):
    trainer = factories.make_user("trainer")
    other_trainer = factories.make_user("trainer")
    cohort = cf.make_cohort(trainers=[trainer])
    plan = pf.make_plan(cohort, status=PlanStatus.SUBMITTED)

    factories.sign_in(client, other_trainer)
    assert client.get(f"/plans/{plan.id}/review").status_code == 403
    assert client.post(f"/plans/{plan.id}/review",
                       data={"decision": "accepted"}).status_code == 403
    assert client.get(f"/plans/{plan.id}").status_code == 403
    assert plan.title not in client.get("/plans/reviews").get_data(as_text=True)

    factories.sign_in(client, trainer)
    assert plan.title in client.get("/plans/reviews").get_data(as_text=True)
    response = client.post(f"/plans/{plan.id}/review", data={"decision": "returned"})
    assert response.status_code == 422  # returning needs a comment
    client.post(f"/plans/{plan.id}/review", data={"decision": "returned",
                                                  "comment_risks": "Name the owners."})
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).status == PlanStatus.RETURNED

    factories.sign_in(client, plan.authors[0].user)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Name the owners." in page and "Returned for revision" in page


def test_an_official_reports_follow_up_progress_from_the_home_page(client):
    plan = pf.make_plan(milestones=2, status=PlanStatus.ACCEPTED)
    follow_up = pf.make_follow_up(plan)
    first, second = plan.milestones
    factories.sign_in(client, plan.authors[0].user)

    home = client.get("/").get_data(as_text=True)
    assert f"/plans/follow-ups/{follow_up.id}" in home
    client.post(f"/plans/follow-ups/{follow_up.id}", data={
        f"status_{first.id}": "done", f"comment_{first.id}": "Signed",
        f"status_{second.id}": "not_started", f"comment_{second.id}": ""})
    assert f"/plans/follow-ups/{follow_up.id}" not in client.get("/").get_data(as_text=True)

    other = pf.make_author(plan.cohort)
    factories.sign_in(client, other)
    assert client.get(f"/plans/follow-ups/{follow_up.id}").status_code == 403


def test_staff_filter_and_export_the_table_of_plans(client):
    staff = factories.make_user("staff")
    minsk = factories.make_organisation("Minsk city committee", region="minsk-city")
    cohort = cf.make_cohort()
    accepted = pf.make_plan(cohort, author=pf.make_author(cohort, minsk), title="Minsk plan",
                            status=PlanStatus.ACCEPTED)
    pf.make_plan(cohort, title="Grodno plan")
    follow_up = pf.make_follow_up(accepted)
    from lms.plans import services

    services.report_progress(follow_up, {accepted.milestones[0].id: ("done", "")},
                             actor=accepted.authors[0].user)
    factories.sign_in(client, staff)

    page = client.get("/plans/table?region=minsk-city").get_data(as_text=True)
    assert "Minsk plan" in page and "Grodno plan" not in page
    csv_text = client.get("/plans/table.csv?status=accepted").get_data().decode("utf-8-sig")
    assert "Minsk plan" in csv_text and "Grodno plan" not in csv_text
    xlsx = client.get("/plans/table.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    done_column = rows[0].index("Done")
    minsk_row = next(r for r in rows if r[0] == "Minsk plan")
    assert minsk_row[done_column] == 1


@pytest.mark.parametrize("url", ["/plans/table", "/plans/reviews", "/plans/table.csv"])
def test_staff_lists_run_a_fixed_number_of_queries(client, url):
    staff = factories.make_user("staff")

    def add_plans(n):
        for _ in range(n):
            plan = pf.make_plan(status=PlanStatus.ACCEPTED, milestones=2)
            follow_up = pf.make_follow_up(plan)
            from lms.plans import services

            services.report_progress(follow_up, {m.id: ("done", "") for m in plan.milestones},
                                     actor=plan.authors[0].user)

    factories.sign_in(client, staff)
    add_plans(1)
    client.get(url)
    db.session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_plans(4)
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_home_page_runs_a_fixed_number_of_queries_for_follow_ups(client):
    cohort = cf.make_cohort()
    author = pf.make_author(cohort)
    plan = pf.make_plan(cohort, author=author, status=PlanStatus.ACCEPTED)
    pf.make_follow_up(plan, 3)
    factories.sign_in(client, author)
    client.get("/")
    db.session.commit()
    with count_queries() as few:
        client.get("/")
    pf.make_follow_up(plan, 6)
    pf.make_follow_up(plan, 12)
    db.session.commit()
    with count_queries() as many:
        assert "12 months" in client.get("/").get_data(as_text=True)
    assert len(many) == len(few)


def test_a_plan_links_to_the_case_modules_as_see_also(client):
    from tests.content import builders

    latvia = builders.published_module("latvia", country="LV")
    plan = pf.make_plan()
    factories.sign_in(client, plan.authors[0].user)
    form = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)
    assert f'value="{latvia.id}"' in form
    client.post(f"/plans/{plan.id}/edit", data={**_texts(), "see_also": [latvia.id]})
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "See also" in page and "/modules/latvia" in page
