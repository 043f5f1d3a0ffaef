"""A trainer reads the problems of a broken GIFT file in the language of the interface."""

from __future__ import annotations

import io

import sqlalchemy as sa

from lms.extensions import db
from lms.quizzes.models import Question
from tests import factories
from tests.quizzes import factories as qf

# Line 3 gives a number that is not one; the answer quotes the file, markup and all.
BROKEN = b"::A:: fine {T}\n\n::B:: How many regions? {#<b>six</b>}\n"


def _upload(client, module, data: bytes):
    return client.post(f"/quizzes/modules/{module.id}/import", data={
        "file": (io.BytesIO(data), "broken.gift")}, content_type="multipart/form-data")


def test_a_russian_speaking_trainer_reads_the_problems_in_russian(app):
    trainer = factories.make_user("trainer")
    module = qf.make_module()
    db.session.commit()
    client = app.test_client()
    factories.sign_in(client, trainer)
    client.post("/language", data={"language": "ru", "next": "/"})

    html = _upload(client, module, BROKEN).get_data(as_text=True)

    assert "Строка 3: числовой ответ «&lt;b&gt;six&lt;/b&gt;» не является числом" in html
    assert "is not a number" not in html
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


def test_the_file_quoted_in_a_problem_is_shown_as_text_not_markup(app):
    trainer = factories.make_user("trainer")
    module = qf.make_module()
    db.session.commit()
    client = app.test_client()
    factories.sign_in(client, trainer)

    html = _upload(client, module, BROKEN).get_data(as_text=True)

    assert "Line 3: numerical answer &#39;&lt;b&gt;six&lt;/b&gt;&#39; is not a number" in html
    assert "<b>six</b>" not in html
