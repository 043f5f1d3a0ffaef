"""Browser: an official answers the post-seminar form in Russian; staff read the response rate."""

from __future__ import annotations

import pytest

from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cohort_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def seminar(live_app):
    with live_app.app_context():
        cohort = cohort_factories.make_cohort(name="Deputy heads, Minsk")
        cohort_factories.make_official_in(
            cohort, email="olga@example.org", full_name="Olga Official", language="ru")
        cohort_factories.make_official_in(cohort, email="ivan@example.org",
                                          full_name="Ivan Silent")
        factories.make_user("staff", email="stas@example.org", full_name="Stas Staff")
        survey_id = survey_factories.make_survey(cohort, title="Отзыв о семинаре").id
        db.session.commit()
        # Reading after the commit would open a transaction and hold SQLite's write lock.
        db.session.remove()
    return {"survey_id": survey_id}


def _log_in(page, base, email):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_official_answers_in_russian_and_staff_see_who_has_not(live_server, page, seminar):
    _log_in(page, live_server, "olga@example.org")
    page.get_by_role("link", name="Отзыв о семинаре").click()
    page.get_by_role("group", name="1. Насколько семинар был актуален для вашей работы?") \
        .get_by_label("5", exact=True).check()
    for number in (2, 3, 4):
        page.locator("fieldset").nth(number - 1).get_by_label("4", exact=True).check()
    page.get_by_label("Да, позже").check()
    page.get_by_label("Опыт Эстонии").check()
    page.get_by_label("8. Что нам следует улучшить в семинаре?").fill("Больше практики")
    page.locator("form.survey-form [type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/surveys/{seminar['survey_id']}")
    assert page.locator("form.survey-form").count() == 0

    page.context.clear_cookies()
    _log_in(page, live_server, "stas@example.org")
    page.goto(f"{live_server}/surveys")
    page.get_by_role("link", name="Отзыв о семинаре").click()
    assert "Response rate: 1 of 2 (50%)" in page.locator(".response-rate").inner_text()
    assert "Ivan Silent" in page.locator("#non-respondents").inner_text()
    assert "Olga Official" in page.locator("#respondents").inner_text()
    assert "Больше практики" in page.content()
