"""Loading the curriculum gives every built-in module real pre-tests and post-tests."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from lms.extensions import db
from lms.quizzes.models import POST_TEST, PRE_TEST, Question, Quiz

COURSES = Path(__file__).resolve().parents[2] / "courses"


def test_each_module_gets_a_pre_post_pair_in_each_language_it_ships(runner):
    result = runner.invoke(args=["content", "import", str(COURSES)])
    assert result.exit_code == 0, result.output
    assert "estonia: created; questions and pre/post tests in en, ru" in result.output
    pairs = db.session.scalars(sa.select(Quiz).where(Quiz.purpose == PRE_TEST)).all()
    assert len(pairs) >= 10  # five modules, at least English and Russian each
    for pre in pairs:
        post = db.session.get(Quiz, pre.paired_quiz_id)
        assert post.purpose == POST_TEST and pre.is_published and post.is_published
        assert 8 <= len(pre.slots) <= 15 and len(pre.slots) == len(post.slots)
        languages = {slot.question.language for slot in pre.slots}
        assert len(languages) == 1  # one language per quiz


def test_importing_again_adds_no_questions(runner):
    runner.invoke(args=["content", "import", str(COURSES)])
    before = db.session.scalar(sa.select(sa.func.count(Question.id)))
    result = runner.invoke(args=["content", "import", str(COURSES)])
    assert "questions" not in result.output
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == before


def test_officials_are_offered_the_quizzes_in_their_language(runner, client):
    from tests import factories

    runner.invoke(args=["content", "import", str(COURSES)])
    reader = factories.make_user("official", language="ru")
    factories.sign_in(client, reader)
    page = client.get("/").get_data(as_text=True)
    assert "Эстония: построение цифрового государства" in page  # the Russian pair
    assert "Estonia: building a digital state</a>" not in page  # not the English one
