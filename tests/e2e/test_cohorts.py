"""Programme staff enrol a cohort from a Russian-Excel CSV: preview, fix, apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf

HEADER = "ФИО;Email;Организация;Должность;Уровень власти;Регион;Пол;Язык"
GOOD = [
    "Алесь Ўладзіміравіч Іваноўскі;ales@example.org;Гродненский облисполком;Начальник отдела;"
    "местный;Гродненская область;м;be",
    "Пётр Семёнов;petr@example.org;;Консультант;central;minsk-city;m;ru",
    "Ірына Ёрш;iryna@example.org;;;;Віцебская;ж;be",
]
BAD = [
    "Без Почты;not-an-email;;;;;;ru",
    "Неизвестный Регион;region@example.org;;;;Атлантида;;ru",
]


def _file(lines: list[str]) -> dict:
    return {"name": "участники.csv", "mimeType": "text/csv",
            "buffer": "\r\n".join([HEADER, *lines]).encode("cp1251")}


@pytest.fixture(scope="module")
def cohort_id(live_app):
    with live_app.app_context():
        factories.make_user("staff", email="staff@cohorts.e2e.test", full_name="Staff Person")
        factories.make_organisation("Гродненский облисполком")
        cohort = cf.make_cohort(name="Deputy heads, Grodno, January")
        db.session.commit()
        return cohort.id


def sign_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()


def test_staff_import_a_windows_1251_file_see_problems_fix_and_apply(page, live_server,
                                                                      cohort_id):
    sign_in(page, live_server, "staff@cohorts.e2e.test")
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_role("link", name="Deputy heads, Grodno, January").click()
    page.get_by_role("link", name="Import officials from a file").click()
    page.get_by_label("CSV or XLSX file").set_input_files(_file(GOOD + BAD))
    page.get_by_role("button", name="Upload and preview").click()

    # The preview names every problem with its row, and offers no way to apply.
    expect(page.get_by_role("alert").first).to_contain_text("Nothing can be applied")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Алесь Ўладзіміравіч Іваноўскі")
    expect(table).to_contain_text("Пётр Семёнов")
    expect(table.get_by_role("row", name="5")).to_contain_text("is not a valid email address")
    expect(table.get_by_role("row", name="6")).to_contain_text("Unknown region “Атлантида”")
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)

    # Fix the file and upload it again.
    page.get_by_label("CSV or XLSX file").set_input_files(_file(
        GOOD + ["Без Почты;bez.pochty@example.org;;;;;;ru",
                "Неизвестный Регион;region@example.org;;;;Могилёвская область;;ru"]))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".facts")).to_contain_text("5")
    page.get_by_role("button", name="Apply the import").click()

    heading = page.get_by_role("heading", name="Invitation links for the new accounts")
    expect(heading).to_be_visible()
    links = page.get_by_role("textbox", name="Invitation link for Ірына Ёрш")
    assert links.input_value().startswith(live_server)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the links (CSV)").click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert "Алесь Ўладзіміравіч Іваноўскі;ales@example.org;http" in content

    page.get_by_role("link", name="Back to the cohort").click()
    members = page.get_by_role("table")
    for name in ("Алесь Ўладзіміравіч Іваноўскі", "Пётр Семёнов", "Ірына Ёрш", "Без Почты"):
        expect(members).to_contain_text(name)
