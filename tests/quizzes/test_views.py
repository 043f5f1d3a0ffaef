"""The quiz pages: what officials and trainers can do and see over HTTP."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.quizzes import attempts
from lms.quizzes.models import FINISHED, Attempt, Question, Quiz
from tests import factories
from tests.quizzes import factories as qf


@pytest.fixture
def official(app):
    user = factories.make_user("official")
    db.session.commit()
    return user


@pytest.fixture
def trainer(app):
    user = factories.make_user("trainer")
    db.session.commit()
    return user


def signed_in(app, user):
    client = app.test_client()
    factories.sign_in(client, user)
    return client


def form_for(html: str) -> dict:
    """The hidden fields of the attempt page: sequence and the `shown` markers."""
    return {
        "sequence": re.search(r'name="sequence"[^>]*value="(\d+)"', html).group(1),
        "shown": re.findall(r'name="shown" value="(\d+)"', html),
    }


def started(app, official, **settings):
    quiz = qf.make_quiz(**settings)
    db.session.commit()
    client = signed_in(app, official)
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302
    attempt = db.session.scalar(sa.select(Attempt).filter_by(quiz_id=quiz.id))
    return client, quiz, attempt


def test_the_attempt_page_never_contains_answers_or_feedback(app, official):
    client, _quiz, attempt = started(app, official)
    html = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert "What is the capital of Belarus?" in html
    for secret in ["Right.", "No, that is a regional centre.", "Not a layer.", "Think again.",
                   "latvija.lv", "*latvija*", "Close enough.", "2001", "fraction", "correct"]:
        assert secret not in html, secret


def test_choices_look_the_same_whichever_is_right(app, official):
    module = qf.make_module()
    from lms.quizzes import bank

    bank.import_gift(module, "::Q1::Pick {=a ~b ~c}\n\n::Q2::Pick {~a ~b =c}\n", "en", None)
    quiz = qf.make_quiz(module)
    db.session.commit()
    client = signed_in(app, official)
    client.post(f"/quizzes/{quiz.id}/start")
    attempt = db.session.scalar(sa.select(Attempt).filter_by(quiz_id=quiz.id))
    html = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    first, second = (re.sub(r'item-\d+|Question \d|question-\d|^ value="\d+">', "", part)
                     for part in html.split('name="shown"')[1:3])
    assert first.split("</fieldset>")[0] == second.split("</fieldset>")[0]


def test_an_official_reloads_and_finds_the_saved_answers(app, official):
    client, _quiz, attempt = started(app, official)
    page = form_for(client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True))
    capital = qf.item_for(attempt, "Capital")
    portal = qf.item_for(attempt, "Portal")
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data={
        **page, f"item-{capital.id}": "0", f"item-{portal.id}": "latvija.lv"})
    assert response.status_code == 302
    html = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert re.search(rf'id="item-{capital.id}-0" name="item-{capital.id}" value="0" checked', html)
    assert 'value="latvija.lv"' in html
    assert form_for(html)["sequence"] == str(int(page["sequence"]) + 1)


def test_autosave_answers_json_and_refuses_a_stale_page(app, official):
    client, _quiz, attempt = started(app, official)
    page = form_for(client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True))
    capital = qf.item_for(attempt, "Capital")
    headers = {"Accept": "application/json"}
    ok = client.post(f"/quizzes/attempts/{attempt.id}/save", headers=headers,
                     data={**page, f"item-{capital.id}": "0"})
    assert ok.status_code == 200 and ok.json == {"saved": True, "sequence": 1}
    stale = client.post(f"/quizzes/attempts/{attempt.id}/save", headers=headers,
                        data={**page, f"item-{capital.id}": "2"})
    assert stale.status_code == 409 and stale.json["reason"] == "stale"
    assert qf.item_for(attempt, "Capital").response == {"choice": 0}


def test_submit_shows_the_review_and_a_second_submit_changes_nothing(app, official):
    client, _quiz, attempt = started(app, official)
    page = form_for(client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True))
    capital = qf.item_for(attempt, "Capital")
    response = client.post(f"/quizzes/attempts/{attempt.id}/submit",
                           data={**page, f"item-{capital.id}": "0"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Your attempt is submitted." in html
    assert "Right answer:" in html and "Minsk" in html and "Right." in html
    again = client.post(f"/quizzes/attempts/{attempt.id}/submit",
                        data={**page, f"item-{capital.id}": "1"}, follow_redirects=True)
    assert "This attempt was already submitted." in again.get_data(as_text=True)
    assert db.session.get(Attempt, attempt.id).score == 1.0
    # Saving after submission is refused too.
    late = client.post(f"/quizzes/attempts/{attempt.id}/save",
                       headers={"Accept": "application/json"},
                       data={**page, "sequence": "99", f"item-{capital.id}": "1"})
    assert late.status_code == 409 and late.json["reason"] == "finished"


def test_the_review_shows_only_what_the_quiz_allows(app, official):
    client, _quiz, attempt = started(app, official, review_correct=False, review_feedback=False)
    page = form_for(client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True))
    capital = qf.item_for(attempt, "Capital")
    html = client.post(f"/quizzes/attempts/{attempt.id}/submit",
                       data={**page, f"item-{capital.id}": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Your answer:" in html and "Hrodna" in html
    assert "Right answer:" not in html and "regional centre" not in html


def test_the_review_after_close_waits_for_the_close(app, official):
    client, _quiz, attempt = started(app, official, review_when="after_close")
    page = form_for(client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True))
    html = client.post(f"/quizzes/attempts/{attempt.id}/submit", data=page,
                       follow_redirects=True).get_data(as_text=True)
    assert "They can be reviewed after the quiz closes." in html
    assert "Your answer:" not in html


def test_the_review_is_not_shown_before_submission(app, official):
    client, _quiz, attempt = started(app, official)
    response = client.get(f"/quizzes/attempts/{attempt.id}/review")
    assert response.status_code == 302 and response.location.endswith(
        f"/quizzes/attempts/{attempt.id}")


def test_official_cannot_see_or_change_another_officials_attempt(app, official):
    _client, _quiz, attempt = started(app, official)
    other = signed_in(app, factories.make_user("official"))
    db.session.commit()
    for url in [f"/quizzes/attempts/{attempt.id}", f"/quizzes/attempts/{attempt.id}/review"]:
        assert other.get(url).status_code == 404
    for url in [f"/quizzes/attempts/{attempt.id}/save", f"/quizzes/attempts/{attempt.id}/submit"]:
        assert other.post(url, data={"sequence": "5"}).status_code == 404
    assert db.session.get(Attempt, attempt.id).state != FINISHED
    assert db.session.get(Attempt, attempt.id).save_sequence == 0


def test_officials_do_not_see_draft_quizzes(app, official):
    quiz = qf.make_quiz(is_published=False)
    db.session.commit()
    client = signed_in(app, official)
    assert client.get(f"/quizzes/{quiz.id}").status_code == 404
    assert client.post(f"/quizzes/{quiz.id}/start").status_code == 404


def test_the_home_page_lists_the_quizzes_an_official_can_take(app, official):
    open_quiz = qf.make_quiz(title="Open knowledge check")
    qf.make_quiz(title="Draft check", is_published=False)
    db.session.commit()
    html = signed_in(app, official).get("/").get_data(as_text=True)
    assert "Open knowledge check" in html and f"/quizzes/{open_quiz.id}" in html
    assert "Draft check" not in html


@pytest.fixture
def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def test_a_page_that_outlived_its_csrf_token_keeps_the_answers(csrf_app):
    official = factories.make_user("official")
    quiz = qf.make_quiz()
    db.session.commit()
    client = signed_in(csrf_app, official)
    html = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post(f"/quizzes/{quiz.id}/start", data={"csrf_token": token})
    attempt = db.session.scalar(sa.select(Attempt).filter_by(quiz_id=quiz.id))
    page = form_for(client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True))
    portal = qf.item_for(attempt, "Portal")
    response = client.post(f"/quizzes/attempts/{attempt.id}/submit", data={
        **page, "csrf_token": "expired", f"item-{portal.id}": "my typed answer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The page expired" in html and 'value="my typed answer"' in html
    assert db.session.get(Attempt, attempt.id).state != FINISHED


# --- Trainers ---------------------------------------------------------------------------


def test_a_trainer_uploads_a_gift_file_and_sees_the_bank(app, trainer):
    module = qf.make_module()
    db.session.commit()
    client = signed_in(app, trainer)
    response = client.post(f"/quizzes/modules/{module.id}/import", data={
        "file": (io.BytesIO(qf.SAMPLE_GIFT.encode()), "sample.gift")},
        content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Imported questions: 7. Categories: 1." in html
    assert "sample/knowledge-check" in html and "Capital" in html
    exported = client.get(f"/quizzes/modules/{module.id}/bank.gift")
    assert exported.mimetype == "text/plain" and "::Capital::" in exported.get_data(as_text=True)


def test_a_broken_upload_lists_its_problems_and_imports_nothing(app, trainer):
    module = qf.make_module()
    db.session.commit()
    response = signed_in(app, trainer).post(f"/quizzes/modules/{module.id}/import", data={
        "file": (io.BytesIO(b"::A:: fine {T}\n\n::B:: broken {=a ~b\n"), "broken.gift")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html and "Line 3:" in html
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


def test_a_trainer_builds_a_quiz_from_the_bank(app, trainer):
    module = qf.module_with_bank()
    db.session.commit()
    client = signed_in(app, trainer)
    response = client.post(f"/quizzes/modules/{module.id}/new", data={
        "title": "Week 1 check", "purpose": "graded", "is_published": "y", "pass_percent": "50",
        "attempts_allowed": "2", "time_limit_minutes": "20", "review_when": "immediately",
        "shuffle_answers": "y", "review_answers": "y", "paired_quiz_id": "0"})
    quiz = db.session.scalar(sa.select(Quiz).filter_by(title="Week 1 check"))
    assert response.location.endswith(f"/quizzes/{quiz.id}/edit")
    question = qf.questions_of(module)[0]
    client.post(f"/quizzes/{quiz.id}/slots/question",
                data={"fixed-question_id": str(question.id), "fixed-marks": "2"})
    client.post(f"/quizzes/{quiz.id}/slots/random", data={
        "random-category_id": str(question.category_id), "random-count": "2", "random-marks": "1"})
    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz.id)
    assert [(s.question_id, s.category_id, s.marks) for s in quiz.slots] == [
        (question.id, None, 2.0), (None, question.category_id, 1.0),
        (None, question.category_id, 1.0)]
    assert quiz.time_limit_minutes == 20 and quiz.attempts_allowed == 2
    html = client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True)
    assert "A random question from sample/knowledge-check" in html


def test_a_trainer_creates_the_pre_and_post_test_pair(app, trainer):
    module = qf.module_with_bank(slug="sample")
    db.session.commit()
    signed_in(app, trainer).post(f"/quizzes/modules/{module.id}/pair")
    quizzes = db.session.scalars(sa.select(Quiz).order_by(Quiz.id)).all()
    assert [q.purpose for q in quizzes] == ["post_test", "pre_test"]
    assert quizzes[1].paired_quiz_id == quizzes[0].id


def test_a_trainer_grades_an_essay_from_the_queue(app, trainer, official):
    quiz = qf.make_quiz()
    attempt = qf.start(quiz, official)
    essay = qf.item_for(attempt, "Essay")
    attempts.finish_attempt(attempt, sequence=1, answers={essay.id: ["My essay text"]})
    db.session.commit()
    client = signed_in(app, trainer)
    assert "My essay text" in client.get(f"/quizzes/{quiz.id}/grading").get_data(as_text=True)
    client.post(f"/quizzes/items/{essay.id}/grade",
                data={f"item-{essay.id}-score": "0.5", f"item-{essay.id}-comment": "Thin."})
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).grade == pytest.approx(100 * 0.5 / 7, abs=0.01)
    assert "No essays are waiting." in client.get(f"/quizzes/{quiz.id}/grading").get_data(
        as_text=True)


def test_the_regrade_page_shows_what_would_change_before_applying(app, trainer, official):
    module = qf.module_with_bank()
    quiz = qf.make_quiz(module)
    attempt = qf.start(quiz, official)
    capital = qf.item_for(attempt, "Capital")
    attempts.finish_attempt(attempt, sequence=1, answers={capital.id: ["1"]})
    db.session.commit()
    client = signed_in(app, trainer)
    question_id = capital.version.question_id
    page = client.get(f"/quizzes/questions/{question_id}/edit").get_data(as_text=True)
    gift = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    import html as html_lib

    gift = html_lib.unescape(gift).replace("~Hrodna", "=Hrodna")
    client.post(f"/quizzes/questions/{question_id}/edit", data={"gift": gift, "tags": ""})
    preview = client.get(f"/quizzes/{quiz.id}/regrade").get_data(as_text=True)
    assert official.full_name in preview and "1 → 2" in preview
    assert db.session.get(Attempt, attempt.id).score == 0
    client.post(f"/quizzes/{quiz.id}/regrade")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).score == 1.0


def test_staff_see_results_but_cannot_author(app):
    staff = factories.make_user("staff")
    quiz = qf.make_quiz()
    db.session.commit()
    client = signed_in(app, staff)
    assert client.get(f"/quizzes/{quiz.id}/results").status_code == 200
    assert client.get(f"/quizzes/{quiz.id}/edit").status_code == 403


def _count_queries(app, client, url: str) -> int:
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _finished_attempts(quiz, n: int) -> None:
    for _ in range(n):
        attempt = qf.start(quiz)
        capital = qf.item_for(attempt, "Capital")
        attempts.finish_attempt(attempt, sequence=1, answers={capital.id: ["0"]})
    db.session.commit()


@pytest.mark.parametrize("page", ["results", "analysis", "gain"])
def test_result_pages_use_the_same_number_of_queries_for_more_attempts(app, trainer, page):
    post = qf.make_quiz(attempts_allowed=0)
    quiz = qf.make_quiz(post.module, purpose="pre_test", paired_quiz_id=post.id,
                        attempts_allowed=0)
    client = signed_in(app, trainer)
    _finished_attempts(quiz, 2)
    _finished_attempts(post, 2)
    few = _count_queries(app, client, f"/quizzes/{quiz.id}/{page}")
    _finished_attempts(quiz, 6)
    _finished_attempts(post, 6)
    assert _count_queries(app, client, f"/quizzes/{quiz.id}/{page}") == few


def test_the_bank_page_uses_the_same_number_of_queries_for_more_questions(app, trainer):
    module = qf.module_with_bank()
    db.session.commit()
    client = signed_in(app, trainer)
    few = _count_queries(app, client, f"/quizzes/modules/{module.id}/bank")
    from lms.quizzes import bank

    bank.import_gift(module, qf.SAMPLE_GIFT.replace("sample/", "more/"), "en", None)
    db.session.commit()
    assert _count_queries(app, client, f"/quizzes/modules/{module.id}/bank") == few


def test_the_bank_filters_by_category_and_tag(app, trainer):
    from lms.quizzes import bank

    module = qf.module_with_bank()
    bank.import_gift(module, "$CATEGORY: other\n\n::Other question:: Yes? {T}\n", "en", None)
    capital = next(q for q in qf.questions_of(module) if q.current_version.title == "Capital")
    capital.tags = ["geography"]
    db.session.commit()
    client = signed_in(app, trainer)
    html = client.get(f"/quizzes/modules/{module.id}/bank?category=other").get_data(as_text=True)
    assert "Other question" in html and ">Capital<" not in html
    html = client.get(f"/quizzes/modules/{module.id}/bank?tag=geography").get_data(as_text=True)
    assert ">Capital<" in html and "Other question" not in html and ">Portal<" not in html


def test_a_quiz_without_questions_cannot_be_started(app, official):
    quiz = qf.make_quiz(questions=[])
    db.session.commit()
    response = signed_in(app, official).post(f"/quizzes/{quiz.id}/start", follow_redirects=True)
    assert "This quiz has no questions yet." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_trainers_and_staff_read_a_finished_attempt_in_full(app, trainer, official):
    quiz = qf.make_quiz(review_correct=False)
    attempt = qf.start(quiz, official)
    capital = qf.item_for(attempt, "Capital")
    in_progress_url = f"/quizzes/attempts/{attempt.id}/report"
    db.session.commit()
    assert signed_in(app, trainer).get(in_progress_url).status_code == 404
    attempts.finish_attempt(db.session.get(Attempt, attempt.id), sequence=1,
                            answers={capital.id: ["1"]})
    db.session.commit()
    for viewer in (trainer, factories.make_user("staff")):
        db.session.commit()
        html = signed_in(app, viewer).get(in_progress_url).get_data(as_text=True)
        assert official.full_name in html and "Hrodna" in html and "Right answer:" in html
    assert signed_in(app, official).get(in_progress_url).status_code == 403


def test_the_quiz_list_uses_the_same_number_of_queries_for_more_modules(app, trainer):
    qf.make_quiz()
    db.session.commit()
    client = signed_in(app, trainer)
    few = _count_queries(app, client, "/quizzes/")
    for _ in range(3):
        module = qf.module_with_bank()
        qf.make_quiz(module)
        qf.make_quiz(module, is_published=False)
    db.session.commit()
    assert _count_queries(app, client, "/quizzes/") == few


def test_quiz_dates_are_typed_in_local_time_and_kept_in_utc(app, trainer):
    import datetime as dt

    module = qf.module_with_bank()
    db.session.commit()
    client = signed_in(app, trainer)
    client.post(f"/quizzes/modules/{module.id}/new", data={
        "title": "Dated", "purpose": "practice", "pass_percent": "60", "attempts_allowed": "1",
        "review_when": "immediately", "paired_quiz_id": "0",
        "opens_at": "2027-01-10T09:00", "closes_at": "2027-01-10T18:30"})
    quiz = db.session.scalar(sa.select(Quiz).filter_by(title="Dated"))
    # Minsk is three hours ahead of UTC all year.
    assert quiz.opens_at == dt.datetime(2027, 1, 10, 6, 0, tzinfo=dt.UTC)
    assert quiz.closes_at == dt.datetime(2027, 1, 10, 15, 30, tzinfo=dt.UTC)
    html = client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True)
    assert 'value="2027-01-10T09:00"' in html
