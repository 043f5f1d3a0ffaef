"""A person in each role signs in, switches to Russian and sees their own home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories

ROLE_SECTION = {
    "official": ("My learning", "Моё обучение"),
    "trainer": ("Authoring", "Разработка материалов"),
    "staff": ("Programme reports", "Отчёты программы"),
    "admin": ("User management", "Управление пользователями"),
}


@pytest.fixture(scope="module")
def accounts(live_app):
    with live_app.app_context():
        people = {role: factories.make_user(role, email=f"{role}@e2e.test",
                                            full_name=f"{role.title()} Person", language="en")
                  for role in ROLE_SECTION}
        db.session.commit()
        return {role: person.email for role, person in people.items()}


def sign_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", sorted(ROLE_SECTION))
def test_role_signs_in_switches_to_russian_and_sees_its_home(page, live_server, accounts, role):
    english, russian = ROLE_SECTION[role]
    sign_in(page, live_server, accounts[role])
    expect(page.get_by_role("heading", name=english)).to_be_visible()
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name=russian)).to_be_visible()
    for other, (_, other_russian) in ROLE_SECTION.items():
        if other != role:
            expect(page.get_by_role("heading", name=other_russian)).to_have_count(0)
    # The choice stays with the account: a later sign-in is in Russian too.
    page.get_by_role("button", name="Выйти").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def test_wrong_password_shows_a_clear_message(page, live_server, accounts):
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(accounts["official"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not correct")
