"""Taking a quiz runs the same few queries however many questions the quiz has."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lms.extensions import db
from lms.quizzes import building
from lms.quizzes.models import Attempt, Question, QuestionCategory
from tests import factories
from tests.query_counter import count_queries
from tests.quizzes import factories as qf

# The short quiz: one fixed question and one drawn at random. The long one: each of the seven
# sample questions twice (a second bank) and two drawn at random.
QUESTIONS = {False: 2, True: 16}


def _quiz(long: bool):
    module = qf.module_with_bank()
    questions = qf.questions_of(module)
    if long:
        questions += qf.questions_of(qf.module_with_bank())
    quiz = qf.make_quiz(module, questions=questions if long else questions[:1],
                        attempts_allowed=0)
    pool = qf.module_with_bank(qf.SAMPLE_GIFT.replace("sample/", "pool/"))
    category = db.session.scalar(
        sa.select(QuestionCategory).join(Question, Question.category_id == QuestionCategory.id)
        .where(Question.module_id == pool.id))
    building.add_random(quiz, category, 2 if long else 1)
    return quiz


def _counted(client, method: str, url: str, **kwargs) -> tuple[int, object]:
    with count_queries() as statements:
        response = client.open(url, method=method, **kwargs)
    # SQLite's transactions begin with a statement of their own; PostgreSQL's do not.
    return len([s for s in statements if not s.startswith("BEGIN")]), response


def _take(app, quiz_id: int, person, questions: int) -> dict[str, int]:
    """Start, show, save, submit and review an attempt; the queries each request ran."""
    client = app.test_client()
    factories.sign_in(client, person)
    counts = {}
    counts["start"], response = _counted(client, "POST", f"/quizzes/{quiz_id}/start")
    assert response.status_code == 302
    url = response.headers["location"]
    counts["page"], response = _counted(client, "GET", url)
    shown = re.findall(r'name="shown" value="(\d+)"', response.get_data(as_text=True))
    assert len(shown) == questions
    answers = {"shown": shown, f"item-{shown[0]}": "0"}
    counts["save"], response = _counted(client, "POST", f"{url}/save",
                                        data={**answers, "sequence": "1"},
                                        headers={"Accept": "application/json"})
    assert response.get_json() == {"saved": True, "sequence": 1}
    counts["submit"], response = _counted(client, "POST", f"{url}/submit",
                                          data={**answers, "sequence": "2"})
    assert response.status_code == 302
    counts["review"], response = _counted(client, "GET", f"{url}/review")
    assert response.status_code == 200
    return counts


def _taking_queries(app, long: bool) -> dict[str, int]:
    quiz = _quiz(long)
    first, second = factories.make_user("official"), factories.make_user("official")
    db.session.commit()
    _take(app, quiz.id, first, QUESTIONS[long])
    # The second official's counts: the question versions are known to the process by then.
    counts = _take(app, quiz.id, second, QUESTIONS[long])
    attempt = db.session.scalar(sa.select(Attempt).filter_by(user_id=second.id))
    assert attempt.is_finished and attempt.score is not None
    return counts


def test_taking_a_quiz_runs_the_same_queries_for_two_questions_and_sixteen(app):
    short = _taking_queries(app, long=False)
    long = _taking_queries(app, long=True)
    assert long == short
    # The signed-in official, the quiz, the attempt numbers, the places, the random draws,
    # the attempt, its items in one statement, the audit event.
    assert short["start"] == 8
    # The official, the attempt with its quiz, the items.
    assert short["page"] == 3
    assert short["review"] == 3
    # The official, the attempt, the conditional UPDATE, the items, their responses.
    assert short["save"] == 5
    # ... and the audit event, the attempt's grade, the items' scores.
    assert short["submit"] == 7
