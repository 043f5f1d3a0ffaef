"""Officials read modules to the end; trainers edit, compare and restore them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.content import builders
from tests.e2e.test_sign_in_roles import sign_in


@pytest.fixture(scope="module")
def module_people(live_app):
    with live_app.app_context():
        builders.published_module("estonia", lessons=3)
        official = factories.make_user("official", email="reader@e2e.test", language="en")
        trainer = factories.make_user("trainer", email="author@e2e.test", language="en")
        db.session.commit()
        return {"official": official.email, "trainer": trainer.email}


def test_official_reads_a_module_to_the_end_and_sees_100_percent(page, live_server,
                                                                 module_people):
    sign_in(page, live_server, module_people["official"])
    page.get_by_role("link", name="Modules", exact=True).click()
    page.get_by_role("link", name="Module in en").click()
    page.get_by_role("link", name="Start reading").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1 (en)")
    page.get_by_role("button", name="Mark as read and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 2 (en)")
    page.get_by_role("button", name="Mark as read and continue").click()
    page.get_by_role("button", name="Mark as read and finish the module").click()
    expect(page.get_by_text("100% read (3 of 3 lessons)")).to_be_visible()
    expect(page.get_by_text("You have read every lesson of this module.")).to_be_visible()


def test_trainer_edits_a_published_lesson_and_restores_the_earlier_version(
    browser, page, live_server, module_people
):
    sign_in(page, live_server, module_people["trainer"])
    page.get_by_role("link", name="Authoring", exact=True).first.click()
    page.get_by_role("link", name="Module in en").click()
    page.get_by_role("link", name="Edit (en)").first.click()
    page.get_by_label("Text (Markdown)").fill("## Part 1\n\nA clearer explanation of X-Road.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-output")).to_contain_text("A clearer explanation of X-Road.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The lesson is saved.")).to_be_visible()

    reader = browser.new_context(locale="en-GB").new_page()
    sign_in(reader, live_server, module_people["official"])
    reader.goto(live_server + "/modules/estonia/lessons/lesson-1")
    expect(reader.locator(".lesson-body")).to_contain_text("A clearer explanation of X-Road.")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("cell", name="current")).to_be_visible()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".diff-add")).to_contain_text(["A clearer explanation of X-Road."])
    expect(page.locator(".diff-del")).to_contain_text(["Text 1 in en."])
    page.go_back()
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.get_by_text("Version 1 is restored.")).to_be_visible()

    reader.reload()
    expect(reader.locator(".lesson-body")).to_contain_text("Text 1 in en.")
    reader.context.close()
