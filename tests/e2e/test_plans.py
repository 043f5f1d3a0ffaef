"""An official drafts a plan, a trainer returns it, the official revises, the trainer accepts;
a follow-up is reported and appears in the staff table."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from lms.plans import services
from tests import factories
from tests.cohorts import factories as cf


@pytest.fixture(scope="module")
def people(live_app):
    with live_app.app_context():
        trainer = factories.make_user("trainer", email="trainer@plans.test")
        factories.make_user("staff", email="staff@plans.test")
        organisation = factories.make_organisation("Lida district executive committee")
        cohort = cf.make_cohort(name="Deputy heads, Grodno", trainers=[trainer],
                                starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 20))
        cf.make_official_in(cohort, email="official@plans.test", full_name="Alena Official",
                            organisation_id=organisation.id)
        db.session.commit()
        return {"trainer": "trainer@plans.test", "staff": "staff@plans.test",
                "official": "official@plans.test"}


def sign_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def review(page, base_url, email, *, decision, comment=None):
    sign_in(page, base_url, email)
    page.get_by_role("link", name="Implementation plans to review").click()
    page.get_by_role("link", name="Lida e-services").click()
    page.get_by_role("link", name="Review the plan").click()
    if comment:
        page.get_by_label("Comment on: Goals").fill(comment)
    page.get_by_label(decision).check()
    page.get_by_role("button", name="Send the review").click()
    sign_out(page)


def test_plan_is_drafted_returned_revised_accepted_and_followed_up(page, live_server, people,
                                                                  live_app):
    # The official drafts the plan and submits it.
    sign_in(page, live_server, people["official"])
    page.get_by_role("link", name="My implementation plans").click()
    page.get_by_role("link", name="Start a plan in Deputy heads, Grodno").click()
    page.get_by_label("Title of the plan").fill("Lida e-services")
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_label("Goals", exact=True).fill("Certificates **online** by 2027.")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "The plan is saved.")
    page.get_by_label("Milestone", exact=True).fill("Agreement with the registry signed")
    page.get_by_label("Date", exact=True).fill("2026-09-01")
    page.get_by_label("Responsible unit", exact=True).fill("Legal unit")
    page.get_by_role("button", name="Add the milestone").click()
    page.get_by_role("button", name="Submit the plan for review").click()
    expect(page.get_by_text("Submitted for review").first).to_be_visible()
    sign_out(page)

    # The trainer returns it with a comment on the goals.
    review(page, live_server, people["trainer"], decision="Return for revision",
           comment="Name the three services you start with.")

    # The official reads the comment, revises and submits again.
    sign_in(page, live_server, people["official"])
    page.get_by_role("link", name="My implementation plans").click()
    page.get_by_role("link", name="Lida e-services").click()
    expect(page.get_by_text("Name the three services you start with.")).to_be_visible()
    page.get_by_role("link", name="Edit the text").click()
    page.get_by_label("Goals", exact=True).fill("Birth, residence and land certificates online.")
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_role("button", name="Submit the plan for review").click()
    expect(page.get_by_text("Version 2, submitted", exact=False)).to_be_visible()
    sign_out(page)

    # The trainer accepts the second version.
    review(page, live_server, people["trainer"], decision="Accept the plan")

    # Months after the cohort the follow-up falls due; the official reports progress.
    with live_app.app_context():
        assert len(services.create_follow_ups(dt.date(2026, 5, 1), [3])) == 1
        db.session.commit()
    sign_in(page, live_server, people["official"])
    page.get_by_role("link", name="Lida e-services — 3 months after the seminar").click()
    page.get_by_label("Progress of “Agreement with the registry signed”").select_option("done")
    page.get_by_label("Comment on “Agreement with the registry signed”").fill("Signed in June.")
    page.get_by_role("button", name="Send the progress report").click()
    expect(page.get_by_text("Accepted").first).to_be_visible()
    sign_out(page)

    # Programme staff see it in the table of plans.
    sign_in(page, live_server, people["staff"])
    page.get_by_role("link", name="Implementation plans and their progress").click()
    row = page.get_by_role("row", name="Lida e-services")
    expect(row).to_contain_text("Lida district executive committee")
    expect(row).to_contain_text("Accepted")
    expect(row.get_by_role("cell").nth(-2)).to_have_text("1")  # Done
