"""An official who met the rules downloads a certificate; its QR's URL verifies it, then not."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.certificates.builders import Seminar


@pytest.fixture(scope="module")
def cohort_id(live_app):
    with live_app.app_context():
        staff = factories.make_user("staff", email="staff@certificates.e2e.test")
        seminar = Seminar()
        official = factories.make_user("official", email="official@certificates.e2e.test",
                                       full_name="Ўладзімір Ёлкін")
        from lms.cohorts.models import CohortMember

        db.session.add(CohortMember(cohort_id=seminar.cohort.id, user_id=official.id))
        seminar.complete(official)
        seminar.set_rules(staff, attendance=80, post_test=True, modules=True)
        db.session.commit()
        return seminar.cohort.id


def sign_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()


def test_certificate_is_issued_downloaded_verified_and_revoked(page, browser, live_server,
                                                               cohort_id):
    sign_in(page, live_server, "staff@certificates.e2e.test")
    page.goto(f"{live_server}/cohorts/{cohort_id}/certificates")
    expect(page.get_by_role("row", name="Ўладзімір Ёлкін")).to_contain_text("Yes")
    page.get_by_role("button", name="Issue to everyone who meets the rules").click()
    expect(page.get_by_role("status")).to_contain_text("1 certificate issued.")

    official_context = browser.new_context(locale="en-GB", accept_downloads=True)
    visitor_context = browser.new_context(locale="en-GB")
    try:
        official = official_context.new_page()
        official.set_default_timeout(10_000)
        sign_in(official, live_server, "official@certificates.e2e.test")
        official.get_by_role("link", name="My transcript").click()
        with official.expect_download() as download_info:
            official.get_by_role("link", name="Certificate (PDF)").click()
        content = download_info.value.path().read_bytes()
        assert content.startswith(b"%PDF")
        # The QR code and its link carry the same address, the public check.
        match = re.search(rb"/URI \((http[^)]+)\)", content)
        assert match, "the PDF links its QR code to the check"
        url = match.group(1).decode()
        assert url.startswith(f"{live_server}/verify/")

        visitor = visitor_context.new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(url)
        expect(visitor.get_by_role("status")).to_contain_text("This certificate is valid.")
        expect(visitor.locator("main")).to_contain_text("Ўладзімір Ёлкін")

        page.reload()
        page.get_by_role("link", name="Revoke Ўладзімір Ёлкін").click()
        page.get_by_label("Reason").fill("Attendance was recorded wrongly")
        page.get_by_role("button", name="Revoke the certificate").click()
        expect(page.get_by_role("status")).to_contain_text("The certificate is revoked.")

        visitor.goto(url)
        expect(visitor.get_by_role("alert")).to_contain_text("This certificate has been revoked.")
        expect(visitor.locator("main")).not_to_contain_text("Attendance was recorded wrongly")
    finally:
        official_context.close()
        visitor_context.close()
