"""Survey rules without HTTP: the standard template, answering, refusals, results."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.surveys import figures, services
from lms.surveys.models import SurveyAnswer, SurveyRespondent, SurveyResponse, SurveyTemplate
from tests.cohorts import factories as cohort_factories
from tests.surveys import factories as survey_factories


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_standard_template_is_created_once_with_every_text_in_three_languages(app):
    template, created = services.ensure_standard_template()
    again, created_again = services.ensure_standard_template()
    assert created and not created_again and again.id == template.id
    assert _count(SurveyTemplate) == 1
    kinds = {q.kind for q in template.questions}
    assert kinds == {"rating", "single", "multiple", "text"}
    assert any(not q.is_required for q in template.questions)
    for item in [*template.questions, *(o for q in template.questions for o in q.options)]:
        assert item.text_en and item.text_ru and item.text_be
        assert item.text("ru") == item.text_ru and item.text("de") == item.text_en


def test_load_standard_command_creates_the_template(app, runner):
    result = runner.invoke(args=["surveys", "load-standard"])
    assert result.exit_code == 0, result.output
    assert "Created" in result.output
    assert "exists already" in runner.invoke(args=["surveys", "load-standard"]).output


def test_official_may_change_a_named_answer_until_the_form_closes(app):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort, anonymous=False)
    services.submit_response(survey, official, survey_factories.full_answers(survey, rating=2))
    services.submit_response(survey, official, survey_factories.full_answers(survey, rating=5))
    response = db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id == official.id and _count(SurveyResponse) == 1
    assert {a.rating for a in response.answers if a.rating} == {5}
    assert _count(SurveyRespondent) == 1


def test_anonymous_form_is_answered_once_and_the_second_answer_changes_nothing(app):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort)
    services.submit_response(survey, official, survey_factories.full_answers(survey))
    answers = _count(SurveyAnswer)
    with pytest.raises(services.SurveyRefused, match="cannot be changed"):
        services.submit_response(survey, official, survey_factories.full_answers(survey))
    assert _count(SurveyAnswer) == answers and _count(SurveyResponse) == 1
    response = db.session.scalar(sa.select(SurveyResponse))
    assert response.user_id is None and response.submitted_on is None


def test_answers_after_the_form_closes_are_refused(app):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    yesterday = services.today() - dt.timedelta(days=1)
    survey = survey_factories.make_survey(cohort, opens_on=yesterday - dt.timedelta(days=5),
                                          closes_on=yesterday)
    with pytest.raises(services.SurveyRefused, match="closed"):
        services.submit_response(survey, official, survey_factories.full_answers(survey))
    assert _count(SurveyResponse) == 0 and _count(SurveyRespondent) == 0


@pytest.mark.parametrize("problem", ["missing", "oversized", "bad-rating", "foreign-option"])
def test_a_bad_answer_refuses_the_whole_response(app, problem):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort)
    posted = survey_factories.full_answers(survey)
    questions = survey.template.questions
    rating, single = questions[0], next(q for q in questions if q.kind == "single")
    text = next(q for q in questions if q.kind == "text")
    if problem == "missing":
        del posted[rating.id]
    elif problem == "oversized":
        posted[text.id] = "x" * (services.MAX_TEXT + 1)
    elif problem == "bad-rating":
        posted[rating.id] = 7
    else:
        posted[single.id] = questions[-3].options[0].id  # an option of another question
    with pytest.raises(services.SurveyRefused):
        services.submit_response(survey, official, posted)
    assert _count(SurveyResponse) == 0 and _count(SurveyAnswer) == 0
    assert _count(SurveyRespondent) == 0


def test_only_members_of_the_cohort_may_answer(app):
    survey = survey_factories.make_survey(cohort_factories.make_cohort())
    stranger = cohort_factories.make_official_in(cohort_factories.make_cohort())
    with pytest.raises(services.SurveyRefused):
        services.submit_response(survey, stranger, survey_factories.full_answers(survey))


def test_results_count_ratings_choices_texts_and_the_response_rate(app):
    cohort = cohort_factories.make_cohort()
    first, second, _silent = (cohort_factories.make_official_in(cohort) for _ in range(3))
    survey = survey_factories.make_survey(cohort)
    services.submit_response(survey, first, survey_factories.full_answers(survey, rating=3,
                                                                          text="More cases"))
    services.submit_response(survey, second, survey_factories.full_answers(survey, rating=5))
    rate = figures.response_rates(cohort_ids=[cohort.id])[0]
    assert (rate.responded, rate.expected, round(rate.rate)) == (2, 3, 67)
    results = figures.question_results(survey)
    rating = survey.template.questions[0]
    assert results[rating.id].average == 4 and results[rating.id].counts == {3: 1, 5: 1}
    multiple = next(q for q in survey.template.questions if q.kind == "multiple")
    assert results[multiple.id].counts[multiple.options[0].id] == 2
    texts = [t for r in results.values() for t in r.texts]
    assert texts == ["More cases", "More cases"]  # both free-text questions
    responded, missing = figures.respondent_lists(survey)
    assert {u.id for u in responded} == {first.id, second.id}
    assert [u.id for u in missing] == [_silent.id]
    assert figures.rating_averages([survey.id])[(survey.id, rating.id)] == 4


def test_response_counts_by_gender_for_the_reports(app):
    cohort = cohort_factories.make_cohort()
    woman = cohort_factories.make_official_in(cohort, gender="female")
    cohort_factories.make_official_in(cohort, gender="female")
    cohort_factories.make_official_in(cohort, gender="male")
    survey = survey_factories.make_survey(cohort)
    survey_factories.make_survey(cohort_factories.make_cohort())  # no members, no effect
    services.submit_response(survey, woman, survey_factories.full_answers(survey))
    counts = figures.response_counts_by("gender", cohort_ids=[cohort.id])
    assert counts == {"female": (1, 2), "male": (0, 1)}
    assert figures.response_counts_by("gender")["female"] == (1, 2)
