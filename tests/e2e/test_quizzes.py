"""A trainer imports questions and builds a quiz; an official takes it; the trainer reads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.quizzes import factories as qf

QUESTIONS = qf.SAMPLE_GIFT.split("\n::Essay::")[0] + "\n"


@pytest.fixture(scope="module")
def people(live_app):
    with live_app.app_context():
        trainer = factories.make_user("trainer", email="trainer@quiz.test", language="en")
        official = factories.make_user("official", email="official@quiz.test", language="en",
                                       full_name="Alena Official")
        qf.make_module("basics", title="E-government basics")
        db.session.commit()
        return {"trainer": trainer.email, "official": official.email}


def sign_in(page, base_url, email):
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def saved(response) -> bool:
    """The autosave script's request, answered with "saved"."""
    return response.url.endswith("/save") and response.status == 200


def question(page, text):
    return page.locator("fieldset", has_text=text)


def test_trainer_builds_a_quiz_official_takes_it_trainer_reads_the_analysis(
        page, live_server, people, tmp_path):
    csp_errors = []
    page.on("console", lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text else None)

    # The trainer imports a GIFT file into the module's bank.
    sign_in(page, live_server, people["trainer"])
    page.get_by_role("navigation").get_by_role("link", name="Quizzes").click()
    page.get_by_role("link", name="Question bank").click()
    page.get_by_role("link", name="Import a GIFT file").click()
    gift = tmp_path / "basics.gift"
    gift.write_text(QUESTIONS, encoding="utf-8")
    page.get_by_label("GIFT file").set_input_files(str(gift))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported questions: 6. Categories: 1.")).to_be_visible()
    expect(page.get_by_role("cell", name="sample/knowledge-check").first).to_be_visible()

    # ...and builds a quiz from it.
    page.get_by_role("link", name="New quiz").click()
    page.get_by_label("Title").fill("Week 1 check")
    page.get_by_label("Purpose").select_option("graded")
    page.get_by_label("Published (officials can take it)").check()
    page.get_by_role("button", name="Create the quiz").click()
    expect(page.get_by_text("The quiz is created.")).to_be_visible()
    page.get_by_label("Number of random questions").fill("6")
    page.get_by_role("button", name="Add random questions").click()
    expect(page.get_by_text("The random questions are added.")).to_be_visible()
    expect(page.get_by_text("A random question from sample/knowledge-check")).to_have_count(6)
    sign_out(page)

    # The official finds the quiz on the home page and starts it.
    sign_in(page, live_server, people["official"])
    page.get_by_role("link", name="Week 1 check").click()
    page.get_by_role("button", name="Start an attempt").click()
    with page.expect_response(saved):
        question(page, "capital of Belarus").get_by_label("Minsk").check()
    expect(page.get_by_role("status").filter(has_text="All answers saved.")).to_be_visible()
    with page.expect_response(saved):
        question(page, "Latvian state portal").get_by_label("Answer").fill("Latvija.lv")

    # A reload mid-way loses nothing.
    page.reload()
    expect(question(page, "capital of Belarus").get_by_label("Minsk")).to_be_checked()
    expect(question(page, "Latvian state portal").get_by_label("Answer")).to_have_value(
        "Latvija.lv")
    question(page, "once-only principle").get_by_label("True").check()
    page.get_by_role("button", name="Submit the attempt").click()

    # The review shows the grade, the answers and the right answers.
    expect(page.get_by_role("heading", name="Review of attempt 1")).to_be_visible()
    expect(page.get_by_text("Your attempt is submitted.")).to_be_visible()
    expect(page.get_by_text("50.0 % (not passed)")).to_be_visible()
    expect(page.get_by_text("Right answer:").first).to_be_visible()
    sign_out(page)

    # The trainer sees the result and the item analysis.
    sign_in(page, live_server, people["trainer"])
    page.get_by_role("navigation").get_by_role("link", name="Quizzes").click()
    page.get_by_role("link", name="Item analysis").click()
    expect(page.get_by_role("heading", name="Capital")).to_be_visible()
    expect(page.locator("section").filter(
        has=page.get_by_role("heading", name="Capital")).get_by_text("100.0 %")).to_be_visible()
    expect(page.locator("section").filter(
        has=page.get_by_role("heading", name="Year")).get_by_text("0.0 %")).to_be_visible()
    assert csp_errors == []
