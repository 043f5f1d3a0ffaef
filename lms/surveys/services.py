"""Survey actions: templates, opening a form for a cohort, answering it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _

from lms import audit
from lms.cohorts.models import CohortMember
from lms.db import now_utc
from lms.extensions import db
from lms.surveys import standard
from lms.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
    SurveyTemplate,
)

MAX_TEXT = 4000


class SurveyRefused(Exception):
    """An answer or change the rules do not allow; the message says why, for the user."""


def today() -> dt.date:
    """Today in the programme's time zone, which decides when forms open and close."""
    zone = "Europe/Minsk"
    if has_app_context():
        zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or zone
    return now_utc().astimezone(ZoneInfo(zone)).date()


@dataclass
class QuestionSpec:
    kind: str
    texts: tuple[str, str, str]
    required: bool = True
    options: list[tuple[str, str, str]] = field(default_factory=list)


def create_template(name: str, questions: list[QuestionSpec], *, key: str | None = None,
                    actor=None) -> SurveyTemplate:
    template = SurveyTemplate(name=name, key=key, created_by_id=getattr(actor, "id", None))
    for position, spec in enumerate(questions, start=1):
        QuestionKind(spec.kind)
        question = SurveyQuestion(position=position, kind=spec.kind, is_required=spec.required,
                                  text_en=spec.texts[0], text_ru=spec.texts[1],
                                  text_be=spec.texts[2])
        question.options = [
            SurveyOption(position=i, text_en=en, text_ru=ru, text_be=be)
            for i, (en, ru, be) in enumerate(spec.options, start=1)
        ]
        template.questions.append(question)
    db.session.add(template)
    db.session.flush()
    return template


def ensure_standard_template() -> tuple[SurveyTemplate, bool]:
    """The standard post-seminar template, created when missing; (template, created)."""
    found = db.session.scalar(
        sa.select(SurveyTemplate).where(SurveyTemplate.key == standard.STANDARD_KEY))
    if found is not None:
        return found, False
    specs = [QuestionSpec(kind, texts, required, options)
             for kind, required, texts, options in standard.QUESTIONS]
    return create_template(standard.STANDARD_NAME, specs, key=standard.STANDARD_KEY), True


def add_question(template: SurveyTemplate, spec: QuestionSpec) -> SurveyQuestion:
    """Add a question at the end of a template that no form uses yet."""
    used = db.session.scalar(sa.select(Survey.id).where(Survey.template_id == template.id)
                             .limit(1))
    if used is not None:
        raise SurveyRefused(_("Forms have been built from this template, so its questions "
                              "can no longer change; create a new template instead."))
    question = SurveyQuestion(
        position=len(template.questions) + 1, kind=QuestionKind(spec.kind).value,
        is_required=spec.required, text_en=spec.texts[0], text_ru=spec.texts[1],
        text_be=spec.texts[2],
        options=[SurveyOption(position=i, text_en=en, text_ru=ru, text_be=be)
                 for i, (en, ru, be) in enumerate(spec.options, start=1)])
    template.questions.append(question)
    db.session.flush()
    return question


@dataclass
class SurveyData:
    template_id: int
    title: str
    opens_on: dt.date
    closes_on: dt.date
    is_anonymous: bool
    session_id: int | None = None


def open_survey(cohort, data: SurveyData, *, actor) -> Survey:
    """Attach a form built from a template to a cohort (or one of its sessions)."""
    if data.closes_on < data.opens_on:
        raise SurveyRefused(_("The form must close on or after the day it opens."))
    template = db.session.get(SurveyTemplate, data.template_id)
    if template is None or not template.questions:
        raise SurveyRefused(_("Choose a template that has questions."))
    survey = Survey(cohort_id=cohort.id, template_id=data.template_id, title=data.title,
                    opens_on=data.opens_on, closes_on=data.closes_on,
                    is_anonymous=data.is_anonymous, session_id=data.session_id,
                    created_by_id=actor.id)
    db.session.add(survey)
    db.session.flush()
    audit.record("survey.opened", actor=actor, target=survey, cohort_id=cohort.id,
                 anonymous=data.is_anonymous)
    return survey


def own_response(survey: Survey, user) -> SurveyResponse | None:
    """The official's named response (anonymous responses cannot be found again)."""
    if survey.is_anonymous:
        return None
    return db.session.scalar(sa.select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.user_id == user.id))


def has_responded(survey: Survey, user) -> bool:
    return db.session.get(SurveyRespondent, (survey.id, user.id)) is not None


def _answers(survey: Survey, posted: dict[int, object]) -> list[SurveyAnswer]:
    """Check every answer against its question; refuse the whole response on any problem."""
    answers = []
    for question in survey.template.questions:
        value = posted.get(question.id)
        if value in (None, "", []):
            if question.is_required:
                raise SurveyRefused(_("Please answer question %(number)d.",
                                      number=question.position))
            continue
        kind = question.kind_enum
        if kind is QuestionKind.RATING:
            if value not in (1, 2, 3, 4, 5):
                raise SurveyRefused(_("A rating must be a whole number from 1 to 5."))
            answers.append(SurveyAnswer(question_id=question.id, rating=value))
        elif kind is QuestionKind.TEXT:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                raise SurveyRefused(_("An answer may be at most %(max)d characters long.",
                                      max=MAX_TEXT))
            if text:
                answers.append(SurveyAnswer(question_id=question.id, text=text))
            elif question.is_required:
                raise SurveyRefused(_("Please answer question %(number)d.",
                                      number=question.position))
        else:
            chosen = value if isinstance(value, list) else [value]
            valid = {o.id for o in question.options}
            if not set(chosen) <= valid or (kind is QuestionKind.SINGLE and len(chosen) != 1):
                raise SurveyRefused(_("Please choose among the options offered."))
            answers.extend(SurveyAnswer(question_id=question.id, option_id=option_id)
                           for option_id in sorted(set(chosen)))
    return answers


def submit_response(survey: Survey, user, posted: dict[int, object]) -> SurveyResponse:
    """Record an official's answers, or replace them on a named form that is still open.

    `posted` maps question ids to a rating (int), an option id, a list of option ids or a
    text. On an anonymous form the response keeps neither the person nor the day, and no
    audit event or log line is written: only the separate respondents table says who
    answered.
    """
    day = today()
    if not survey.is_open_on(day):
        raise SurveyRefused(_("This form is closed; answers are no longer accepted."))
    if not db.session.scalar(sa.select(CohortMember.id).where(
            CohortMember.cohort_id == survey.cohort_id, CohortMember.user_id == user.id)):
        raise SurveyRefused(_("This form is for the members of another cohort."))
    answers = _answers(survey, posted)
    existing = own_response(survey, user)
    if existing is not None:
        existing.answers = answers
        existing.submitted_on = day
        db.session.flush()
        return existing
    if has_responded(survey, user):
        raise SurveyRefused(_("You have already answered this form. Anonymous answers cannot "
                              "be changed, because nobody can tell which answers are yours."))
    response = SurveyResponse(survey_id=survey.id, answers=answers)
    if not survey.is_anonymous:
        response.user_id = user.id
        response.submitted_on = day
    db.session.add(SurveyRespondent(survey_id=survey.id, user_id=user.id, responded_on=day))
    db.session.add(response)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise SurveyRefused(_("You have already answered this form.")) from None
    return response


def answers_by_question(response: SurveyResponse | None) -> dict[int, object]:
    """A named response as the answer form's initial values."""
    values: dict[int, object] = {}
    if response is None:
        return values
    for answer in response.answers:
        if answer.rating is not None:
            values[answer.question_id] = answer.rating
        elif answer.text is not None:
            values[answer.question_id] = answer.text
        elif answer.option_id is not None:
            values.setdefault(answer.question_id, []).append(answer.option_id)
    return values
