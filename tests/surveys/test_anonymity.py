"""An anonymous answer cannot be traced to its author: database, audit log, logs, exports."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from lms.audit import AuditEvent
from lms.extensions import db
from lms.surveys.models import SurveyAnswer, SurveyResponse
from tests import factories
from tests.cohorts import factories as cohort_factories
from tests.surveys import factories as survey_factories

SECRET = "The trainer on day two was unprepared"


def _user_columns(table: sa.Table) -> list[sa.Column]:
    """Columns that point at a person."""
    return [c for c in table.columns
            if any(fk.column.table.name == "users" for fk in c.foreign_keys)
            or (table.name == "users" and c.name == "id")]


def _answer_anonymously(client, caplog):
    cohort = cohort_factories.make_cohort()
    author = cohort_factories.make_official_in(cohort, email="author@example.org",
                                               full_name="Alesia Author")
    others = [cohort_factories.make_official_in(cohort) for _ in range(2)]
    survey = survey_factories.make_survey(cohort)
    db.session.commit()
    posted = {}
    for q in survey.template.questions:
        if q.kind == "rating":
            posted[f"q{q.id}"] = "2"
        elif q.kind in ("single", "multiple"):
            posted[f"q{q.id}"] = str(q.options[0].id)
        else:
            posted[f"q{q.id}"] = SECRET
    factories.sign_in(client, author)
    with caplog.at_level(logging.DEBUG):
        assert client.post(f"/surveys/{survey.id}", data=posted).status_code == 302
    return survey, author, others


def test_no_table_row_holds_the_author_next_to_the_answer_data(client, caplog):
    survey, author, _others = _answer_anonymously(client, caplog)
    response_ids = set(db.session.scalars(sa.select(SurveyResponse.id)))
    answer_ids = set(db.session.scalars(sa.select(SurveyAnswer.id)))
    assert len(response_ids) == 1 and answer_ids
    answer_markers = response_ids | answer_ids | {SECRET}
    checked = 0
    for table in db.metadata.sorted_tables:
        people = _user_columns(table)
        for row in db.session.execute(sa.select(table)).mappings():
            values = {str(v) for v in row.values() if v is not None}
            holds_answer = bool(values & answer_markers) or any(SECRET in v for v in values)
            names_author = (any(row[c.name] == author.id for c in people)
                            or any(author.email in v or author.full_name in v for v in values))
            assert not (holds_answer and names_author), f"{table.name}: {dict(row)}"
            checked += 1
    assert checked > 0
    response = db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id is None and response.submitted_on is None


def test_the_audit_log_and_the_application_log_say_nothing_about_the_answer(client, caplog):
    survey, author, _others = _answer_anonymously(client, caplog)
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert all(event.actor_id != author.id for event in events)
    response_id = db.session.scalar(sa.select(SurveyResponse.id))
    for event in events:
        assert response_id not in str(event.details) and SECRET not in str(event.details)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert SECRET not in logged and response_id not in logged


def test_the_exports_of_an_anonymous_form_carry_no_names_emails_or_dates(client, caplog):
    survey, author, others = _answer_anonymously(client, caplog)
    staff = factories.make_user("staff")
    db.session.commit()
    factories.sign_in(client, staff)
    csv = client.get(f"/surveys/{survey.id}/answers.csv").get_data(as_text=True)
    assert SECRET in csv
    for person in (author, *others):
        assert person.email not in csv and person.full_name not in csv
    assert "Submitted on" not in csv
    xlsx = client.get(f"/surveys/{survey.id}/answers.xlsx").data
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [str(c) for row in load_workbook(BytesIO(xlsx)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert any(SECRET in c for c in cells)
    assert not any(author.email in c or author.full_name in c for c in cells)


def test_answer_tables_keep_no_insertion_order(client, caplog):
    _answer_anonymously(client, caplog)
    ids = db.session.scalars(sa.select(SurveyAnswer.id)).all()
    assert all(len(i) == 32 for i in ids) and len(set(ids)) == len(ids)  # random, not counted
    if db.engine.dialect.name == "sqlite":  # nor a hidden rowid sequence
        for table in ("survey_responses", "survey_answers", "survey_respondents"):
            with pytest.raises(sa.exc.OperationalError):
                db.session.execute(sa.text(f"SELECT rowid FROM {table}"))  # noqa: S608 - fixed names
            db.session.rollback()
