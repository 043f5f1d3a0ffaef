"""Aggregate queries on surveys: the home page, results, exports and the programme reports.

Each function runs a fixed number of statements, whatever the number of answers.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from lms.accounts.models import User
from lms.attendance.models import SeminarSession
from lms.cohorts.models import Cohort, CohortMember
from lms.db import now_utc
from lms.extensions import db
from lms.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyRespondent,
    SurveyResponse,
    SurveyTemplate,
)
from lms.surveys.services import today


def open_surveys_for(user) -> list[tuple[Survey, bool]]:
    """The open forms of the official's cohorts, each with whether they have answered it.

    A form attached to a session appears once the session has begun. One query.
    """
    rows = db.session.execute(_open_surveys_query(),
                              {"user_id": user.id, "day": today(), "now": now_utc()}).all()
    return [(survey, bool(done)) for survey, done in rows]


@functools.cache
def _open_surveys_query() -> sa.Select:
    """Built once per process (building it costs more than running it); the user, the day
    and the time are its parameters."""
    responded = sa.exists().where(SurveyRespondent.survey_id == Survey.id,
                                  SurveyRespondent.user_id == sa.bindparam("user_id"))
    mine = sa.select(CohortMember.cohort_id).where(CohortMember.user_id == sa.bindparam("user_id"))
    day = sa.bindparam("day", type_=sa.Date)
    # The home page shows each form's title, cohort and closing date: the form's template
    # (joined by default) is left to load if something else asks for it.
    return (
        sa.select(Survey, responded)
        .options(sa.orm.lazyload(Survey.template))
        .outerjoin(SeminarSession, SeminarSession.id == Survey.session_id)
        .where(Survey.cohort_id.in_(mine), Survey.opens_on <= day, Survey.closes_on >= day,
               sa.or_(Survey.session_id.is_(None),
                      SeminarSession.starts_at <= sa.bindparam("now")))
        .order_by(Survey.closes_on, Survey.id)
    )


@dataclass
class ResponseRate:
    survey_id: int
    title: str
    template_name: str
    cohort_id: int
    cohort_name: str
    is_anonymous: bool
    opens_on: object
    closes_on: object
    expected: int
    responded: int

    @property
    def rate(self) -> float | None:
        return 100 * self.responded / self.expected if self.expected else None


def response_rates(survey_query: sa.Select | None = None,
                   cohort_ids: list[int] | None = None) -> list[ResponseRate]:
    """Members, respondents and the response rate of each form, in one query.

    For the programme reports: `response_rates(cohort_ids=[...])` limits the forms to the
    given cohorts; `survey_query` (a select of Survey.id) to any other set.
    """
    members = (sa.select(CohortMember.cohort_id, sa.func.count().label("n"))
               .group_by(CohortMember.cohort_id).subquery())
    answered = (sa.select(SurveyRespondent.survey_id, sa.func.count().label("n"))
                .group_by(SurveyRespondent.survey_id).subquery())
    query = (
        sa.select(Survey.id, Survey.title, SurveyTemplate.name, Cohort.id, Cohort.name,
                  Survey.is_anonymous, Survey.opens_on, Survey.closes_on,
                  sa.func.coalesce(members.c.n, 0), sa.func.coalesce(answered.c.n, 0))
        .join(SurveyTemplate, SurveyTemplate.id == Survey.template_id)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .outerjoin(members, members.c.cohort_id == Survey.cohort_id)
        .outerjoin(answered, answered.c.survey_id == Survey.id)
        .order_by(Survey.closes_on.desc(), Survey.id.desc())
    )
    if survey_query is not None:
        query = query.where(Survey.id.in_(survey_query))
    if cohort_ids is not None:
        query = query.where(Survey.cohort_id.in_(cohort_ids))
    return [ResponseRate(*row) for row in db.session.execute(query).all()]


def respondent_lists(survey: Survey) -> tuple[list[User], list[User]]:
    """(who has responded, who has not) among the cohort's members, by name. One query."""
    rows = db.session.execute(
        sa.select(User, SurveyRespondent.user_id)
        .join(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(SurveyRespondent, sa.and_(SurveyRespondent.survey_id == survey.id,
                                             SurveyRespondent.user_id == User.id))
        .where(CohortMember.cohort_id == survey.cohort_id)
        .order_by(User.full_name, User.id)
    ).all()
    return ([user for user, done in rows if done is not None],
            [user for user, done in rows if done is None])


@dataclass
class QuestionResult:
    answered: int = 0
    # option id or rating -> count
    counts: dict[int, int] | None = None
    average: float | None = None
    texts: list[str] | None = None


def question_results(survey: Survey) -> dict[int, QuestionResult]:
    """Per question: how many answered, counts per option or rating, the average, the texts.

    Two queries. Texts are sorted alphabetically, never in the order they were given.
    """
    results: dict[int, QuestionResult] = defaultdict(
        lambda: QuestionResult(counts=defaultdict(int), texts=[]))
    in_survey = SurveyAnswer.response_id.in_(
        sa.select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id))
    kinds = {q.id: q.kind_enum for q in survey.template.questions}
    rows = db.session.execute(
        sa.select(SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.rating,
                  sa.func.count())
        .where(in_survey, SurveyAnswer.text.is_(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.rating)
    ).all()
    for question_id, option_id, rating, count in rows:
        key = rating if kinds.get(question_id) is QuestionKind.RATING else option_id
        results[question_id].counts[key] += count
    answered = db.session.execute(
        sa.select(SurveyAnswer.question_id, sa.func.count(sa.distinct(SurveyAnswer.response_id)),
                  sa.func.avg(SurveyAnswer.rating))
        .where(in_survey).group_by(SurveyAnswer.question_id)
    ).all()
    for question_id, n, average in answered:
        results[question_id].answered = n
        results[question_id].average = float(average) if average is not None else None
    for question_id, text in db.session.execute(
            sa.select(SurveyAnswer.question_id, SurveyAnswer.text)
            .where(in_survey, SurveyAnswer.text.is_not(None))
            .order_by(SurveyAnswer.question_id, SurveyAnswer.text)):
        results[question_id].texts.append(text)
    return results


def rating_averages(survey_ids: list[int]) -> dict[tuple[int, int], float]:
    """The average of each rating question of each form: {(survey id, question id): avg}."""
    if not survey_ids:
        return {}
    rows = db.session.execute(
        sa.select(SurveyResponse.survey_id, SurveyAnswer.question_id,
                  sa.func.avg(SurveyAnswer.rating))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id.in_(survey_ids), SurveyAnswer.rating.is_not(None))
        .group_by(SurveyResponse.survey_id, SurveyAnswer.question_id)
    ).all()
    return {(s, q): float(avg) for s, q, avg in rows}


def response_table(survey: Survey, language: str) -> tuple[list[str], list[list]]:
    """Every response as a row, one column per question, for the exports.

    Named forms lead with the respondent; anonymous rows carry no person and no date, and
    come in the order of their random ids.
    """
    from flask_babel import gettext as _

    questions = survey.template.questions
    options = {o.id: o.text(language) for q in questions for o in q.options}
    header = [f"{q.position}. {q.text(language)}" for q in questions]
    if not survey.is_anonymous:
        header = [_("Name"), _("Email"), _("Submitted on")] + header
    query = (sa.select(SurveyResponse, User)
             .outerjoin(User, User.id == SurveyResponse.user_id)
             .where(SurveyResponse.survey_id == survey.id))
    query = query.order_by(SurveyResponse.id if survey.is_anonymous else User.full_name)
    rows = []
    for response, user in db.session.execute(query).all():
        values: dict[int, list[str]] = defaultdict(list)
        for answer in response.answers:
            if answer.rating is not None:
                values[answer.question_id].append(str(answer.rating))
            elif answer.option_id is not None:
                values[answer.question_id].append(options.get(answer.option_id, ""))
            elif answer.text is not None:
                values[answer.question_id].append(answer.text)
        row = ["; ".join(sorted(values[q.id])) if q.kind == QuestionKind.MULTIPLE
               else "; ".join(values[q.id]) for q in questions]
        for i, q in enumerate(questions):
            if q.kind == QuestionKind.RATING and values[q.id]:
                row[i] = int(values[q.id][0])
        if not survey.is_anonymous:
            row = [user.full_name, user.email, response.submitted_on] + row
        rows.append(row)
    return header, rows


DISAGGREGATIONS = {"gender": User.gender, "gov_level": User.gov_level, "region": User.region,
                   "organisation": User.organisation_id}


def response_counts_by(dimension: str, cohort_ids: list[int] | None = None,
                       ) -> dict[str | int | None, tuple[int, int]]:
    """Forms answered and forms expected, by a trait of the member, over every form: one query.

    For the programme reports ("gender", "gov_level", "region" or "organisation"). It reads
    only who has responded, never the answers, so anonymous forms count like named ones.
    """
    column = DISAGGREGATIONS[dimension]
    responded = sa.exists().where(SurveyRespondent.survey_id == Survey.id,
                                  SurveyRespondent.user_id == CohortMember.user_id)
    query = (
        sa.select(column, sa.func.count(), sa.func.sum(sa.case((responded, 1), else_=0)))
        .select_from(Survey)
        .join(CohortMember, CohortMember.cohort_id == Survey.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .group_by(column)
    )
    if cohort_ids is not None:
        query = query.where(Survey.cohort_id.in_(cohort_ids))
    return {value: (int(answered or 0), expected)
            for value, expected, answered in db.session.execute(query).all()}
