"""Builders for survey templates and forms, for tests and the route walk."""

from __future__ import annotations

import datetime as dt

from lms.surveys import services
from lms.surveys.models import Survey


def standard_template():
    template, _created = services.ensure_standard_template()
    return template


def make_survey(cohort, *, anonymous: bool = True, template=None, opens_on=None,
                closes_on=None, title: str = "Feedback on the seminar", session=None) -> Survey:
    today = services.today()
    return services.open_survey(cohort, services.SurveyData(
        template_id=(template or standard_template()).id, title=title,
        opens_on=opens_on or today - dt.timedelta(days=1),
        closes_on=closes_on or today + dt.timedelta(days=7), is_anonymous=anonymous,
        session_id=session.id if session else None,
    ), actor=_staff())


def _staff():
    from tests import factories

    return factories.make_user("staff")


def full_answers(survey: Survey, *, rating: int = 4, text: str = "") -> dict[int, object]:
    """Answers to every question of a form: ratings, the first option(s), optional text."""
    posted: dict[int, object] = {}
    for question in survey.template.questions:
        if question.kind == "rating":
            posted[question.id] = rating
        elif question.kind == "single":
            posted[question.id] = question.options[0].id
        elif question.kind == "multiple":
            posted[question.id] = [question.options[0].id, question.options[2].id]
        else:
            posted[question.id] = text
    return posted
