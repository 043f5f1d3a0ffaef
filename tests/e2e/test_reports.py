"""Staff filter the report, download a table, and the file holds the page's numbers."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.e2e.test_sign_in_roles import sign_in
from tests.reports import programme


@pytest.fixture(scope="module")
def staff_email(live_app):
    with live_app.app_context():
        programme.build()
        programme.build_more(officials=30)
        staff = factories.make_user("staff", email="reports@e2e.test", language="en")
        db.session.commit()
        return staff.email


def test_staff_filter_by_region_and_gender_and_download_the_same_numbers(
    page, live_server, staff_email
):
    sign_in(page, live_server, staff_email)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("From", exact=True).fill("2017-01-01")
    page.get_by_label("To", exact=True).fill("2017-12-31")
    page.get_by_label("Region", exact=True).select_option("brest")
    page.get_by_label("Gender", exact=True).select_option("male")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"region=brest.*gender=male"))
    trained = page.locator(".figure", has_text="Officials trained").locator(".number")
    expect(trained).to_have_text("10")  # build_more: every third of 30 is a man in Brest
    on_page = page.locator("#by-level").locator("xpath=..").locator("tbody tr")
    page_rows = {row.locator("th").inner_text(): row.locator("td").first.inner_text()
                 for row in on_page.all()}

    with page.expect_download() as download_info:
        page.locator("#by-level").locator("xpath=..").get_by_role("link", name="XLSX").click()
    data = Path(download_info.value.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Level of government")
    in_file = {row[0]: row[1] for row in rows[header + 1:]}
    assert {name: str(value) for name, value in in_file.items()} == page_rows
