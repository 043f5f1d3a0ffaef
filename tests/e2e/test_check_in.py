"""A trainer opens check-in; an official checks in from their phone; the register shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf


@pytest.fixture(scope="module")
def seminar(live_app):
    with live_app.app_context():
        trainer = factories.make_user("trainer", email="trainer@checkin.e2e.test",
                                      full_name="Тамара Трэнер")
        cohort = cf.make_cohort(trainers=[trainer], name="Local heads, Hrodna")
        session = cf.make_session(cohort, title="Open data in practice")
        cf.make_official_in(cohort, email="official@checkin.e2e.test",
                            full_name="Ўладзімір Ёлкін")
        db.session.commit()
        return session.id


def sign_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()


def test_official_checks_in_with_the_code_and_the_trainer_corrects_it(page, browser,
                                                                      live_server, seminar):
    sign_in(page, live_server, "trainer@checkin.e2e.test")
    page.get_by_role("link", name="Local heads, Hrodna").click()
    page.get_by_role("link", name="Open data in practice").click()
    page.get_by_role("button", name="Open check-in").click()
    code = page.locator("#check-in-code").inner_text().strip()
    assert len(code) == 6 and code.isdigit()
    expect(page.get_by_role("img", name="QR code", exact=False)).to_be_visible()

    # The official, on their phone: a separate browser with its own session.
    phone = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    try:
        official = phone.new_page()
        official.set_default_timeout(10_000)
        sign_in(official, live_server, "official@checkin.e2e.test")
        official.get_by_role("link", name="Check in").first.click()
        official.get_by_label("Check-in code").fill("000000" if code != "000000" else "111111")
        official.get_by_role("button", name="Check in").click()
        expect(official.get_by_role("alert")).to_contain_text("wrong or has expired")
        official.get_by_label("Check-in code").fill(code)
        official.get_by_role("button", name="Check in").click()
        expect(official.get_by_role("status")).to_contain_text(
            "You are checked in to “Open data in practice”")
    finally:
        phone.close()

    page.goto(f"{live_server}/sessions/{seminar}/register")
    row = page.get_by_role("row", name="Ўладзімір Ёлкін")
    expect(row.get_by_role("radio", name="Present")).to_be_checked()
    trail = page.locator(".audit-trail")
    expect(trail).to_contain_text("Self check-in")

    # The trainer corrects the mark; the trail keeps both.
    row.get_by_role("radio", name="Late").check()
    row.get_by_label("Note for Ўладзімір Ёлкін").fill("Arrived at 10:25")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("1 change saved")
    expect(page.get_by_role("row", name="Ўладзімір Ёлкін").get_by_role(
        "radio", name="Late")).to_be_checked()
    latest = page.locator(".audit-trail tbody tr").first
    expect(latest).to_contain_text("Тамара Трэнер")
    expect(latest).to_contain_text("Present")
    expect(latest).to_contain_text("Late (Arrived at 10:25)")
    expect(page.locator(".audit-trail tbody tr")).to_have_count(2)
