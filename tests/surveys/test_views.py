"""Survey pages: who may open, answer and read them, and what each one shows."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from lms.extensions import db
from lms.surveys import services
from lms.surveys.models import Survey, SurveyAnswer, SurveyResponse, SurveyTemplate
from tests import factories
from tests.cohorts import factories as cohort_factories
from tests.query_counter import count_queries
from tests.surveys import factories as survey_factories


def _form_data(survey, rating="4", text="") -> dict:
    data = {}
    for q in survey.template.questions:
        if q.kind == "rating":
            data[f"q{q.id}"] = rating
        elif q.kind == "single":
            data[f"q{q.id}"] = str(q.options[1].id)
        elif q.kind == "multiple":
            data[f"q{q.id}"] = [str(q.options[0].id)]
        else:
            data[f"q{q.id}"] = text
    return data


def test_official_sees_the_open_form_on_the_home_page_in_russian_and_answers_it(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort, language="ru")
    survey = survey_factories.make_survey(cohort, title="Отзыв о семинаре")
    db.session.commit()
    factories.sign_in(client, official)
    home = client.get("/").get_data(as_text=True)
    assert "Отзыв о семинаре" in home
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Насколько семинар был актуален для вашей работы?" in page
    assert "Опыт Эстонии" in page
    response = client.post(f"/surveys/{survey.id}",
                           data=_form_data(survey, text="Больше практики"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1
    again = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert 'class="survey-form"' not in again


def test_a_missing_required_answer_is_shown_and_nothing_is_saved(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort)
    db.session.commit()
    factories.sign_in(client, official)
    data = _form_data(survey)
    del data[f"q{survey.template.questions[0].id}"]
    response = client.post(f"/surveys/{survey.id}", data=data)
    assert response.status_code == 422
    assert "Please answer this question." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 0


def test_oversized_text_is_refused(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort)
    db.session.commit()
    factories.sign_in(client, official)
    response = client.post(f"/surveys/{survey.id}",
                           data=_form_data(survey, text="x" * (services.MAX_TEXT + 1)))
    assert response.status_code == 422
    assert "At most 4000 characters" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_a_closed_form_refuses_answers_clearly(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    past = services.today() - dt.timedelta(days=3)
    survey = survey_factories.make_survey(cohort, opens_on=past, closes_on=past)
    db.session.commit()
    factories.sign_in(client, official)
    response = client.post(f"/surveys/{survey.id}", data=_form_data(survey),
                           follow_redirects=True)
    assert "This form is closed" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_a_second_anonymous_submission_is_refused(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort)
    db.session.commit()
    factories.sign_in(client, official)
    assert client.post(f"/surveys/{survey.id}", data=_form_data(survey)).status_code == 302
    response = client.post(f"/surveys/{survey.id}", data=_form_data(survey, rating="1"),
                           follow_redirects=True)
    assert "Anonymous answers cannot be changed" in response.get_data(as_text=True)
    ratings = db.session.scalars(sa.select(SurveyAnswer.rating)
                                 .where(SurveyAnswer.rating.is_not(None))).all()
    assert set(ratings) == {4}


def test_a_named_answer_can_be_changed_until_close(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    survey = survey_factories.make_survey(cohort, anonymous=False)
    db.session.commit()
    factories.sign_in(client, official)
    client.post(f"/surveys/{survey.id}", data=_form_data(survey, rating="2"))
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "You may change your answers until the form closes" in page
    first = survey.template.questions[0]
    assert f'checked id="q{first.id}-1"' in page  # the rating 2 given before
    client.post(f"/surveys/{survey.id}", data=_form_data(survey, rating="5"))
    ratings = db.session.scalars(sa.select(SurveyAnswer.rating)
                                 .where(SurveyAnswer.rating.is_not(None))).all()
    assert set(ratings) == {5}


def test_an_official_of_another_cohort_cannot_open_the_form(client):
    survey = survey_factories.make_survey(cohort_factories.make_cohort())
    stranger = cohort_factories.make_official_in(cohort_factories.make_cohort())
    db.session.commit()
    factories.sign_in(client, stranger)
    assert client.get(f"/surveys/{survey.id}").status_code == 404
    assert survey.title not in client.get("/").get_data(as_text=True)


def test_a_form_about_a_future_session_is_not_on_the_home_page_yet(client):
    cohort = cohort_factories.make_cohort()
    official = cohort_factories.make_official_in(cohort)
    session = cohort_factories.make_session(cohort, starts_at=services.now_utc()
                                            + dt.timedelta(days=2))
    survey_factories.make_survey(cohort, session=session, title="About tomorrow")
    db.session.commit()
    factories.sign_in(client, official)
    assert "About tomorrow" not in client.get("/").get_data(as_text=True)


def test_trainer_opens_a_form_for_their_cohort_but_not_for_another(client):
    trainer = factories.make_user("trainer")
    mine = cohort_factories.make_cohort(trainers=[trainer])
    other = cohort_factories.make_cohort()
    template = survey_factories.standard_template()
    db.session.commit()
    factories.sign_in(client, trainer)
    today = services.today()
    data = {"template_id": template.id, "title": "After day one", "session_id": "0",
            "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=5)).isoformat(),
            "is_anonymous": "y"}
    assert client.post(f"/cohorts/{other.id}/surveys/new", data=data).status_code == 403
    response = client.post(f"/cohorts/{mine.id}/surveys/new", data=data)
    assert response.status_code == 302
    survey = db.session.scalar(sa.select(Survey))
    assert (survey.cohort_id, survey.is_anonymous, survey.title) == (mine.id, True, "After day one")
    assert client.get(f"/surveys/{survey.id}/results").status_code == 200
    other_survey = survey_factories.make_survey(other)
    db.session.commit()
    assert client.get(f"/surveys/{other_survey.id}/results").status_code == 403
    index = client.get("/surveys").get_data(as_text=True)
    assert "After day one" in index and other_survey.title + "</a>" not in index.split(
        "After day one")[1].split("</table>")[0]


def test_a_form_cannot_close_before_it_opens(client, people):
    cohort = cohort_factories.make_cohort()
    template = survey_factories.standard_template()
    db.session.commit()
    factories.sign_in(client, people["staff"])
    today = services.today()
    response = client.post(f"/cohorts/{cohort.id}/surveys/new", data={
        "template_id": template.id, "title": "Backwards", "session_id": "0",
        "opens_on": today.isoformat(), "closes_on": (today - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 200
    assert "must close on or after" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0


def _answered_survey(size: int, *, anonymous=True):
    cohort = cohort_factories.make_cohort()
    survey = survey_factories.make_survey(cohort, anonymous=anonymous)
    officials = [cohort_factories.make_official_in(cohort) for _ in range(size * 2)]
    for n, official in enumerate(officials[:size]):
        services.submit_response(survey, official, survey_factories.full_answers(
            survey, rating=1 + n % 5, text=f"Idea {n}"))
    db.session.commit()
    return survey, officials


def test_results_show_rate_non_respondents_charts_and_texts(client, people):
    survey, officials = _answered_survey(2, anonymous=False)
    factories.sign_in(client, people["staff"])
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Response rate: 2 of 4 (50%)" in page
    for official in officials[2:]:
        assert official.email in page.split('id="non-respondents"')[1].split("</ul>")[0]
    assert page.count('<svg class="chart"') == 6  # four ratings, one single, one multiple
    assert "Average rating: 1.50" in page and "Idea 1" in page


def test_results_and_home_pages_run_a_fixed_number_of_queries(client, people):
    counts = []
    for size in (2, 6):
        survey, officials = _answered_survey(size)
        factories.sign_in(client, people["staff"])
        with count_queries() as statements:
            client.get(f"/surveys/{survey.id}/results")
        with count_queries() as listing:
            client.get("/surveys")
        factories.sign_in(client, officials[0])
        with count_queries() as home:
            client.get("/")
        counts.append((len(statements), len(listing), len(home)))
    assert counts[0] == counts[1]


def test_named_export_lists_respondents_and_xlsx_downloads(client, people):
    survey, officials = _answered_survey(2, anonymous=False)
    factories.sign_in(client, people["staff"])
    csv = client.get(f"/surveys/{survey.id}/answers.csv").get_data(as_text=True)
    assert officials[0].email in csv and "Idea 0" in csv
    xlsx = client.get(f"/surveys/{survey.id}/answers.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"/surveys/{survey.id}/answers.pdf").status_code == 404


def test_template_page_compares_average_ratings_across_cohorts(client, people):
    first, _ = _answered_survey(1)
    second, _ = _answered_survey(2)
    factories.sign_in(client, people["staff"])
    page = client.get(f"/survey-templates/{first.template_id}").get_data(as_text=True)
    assert first.cohort.name in page and second.cohort.name in page
    assert "1.00" in page and "1.50" in page


def test_trainer_builds_a_template_in_three_languages_and_opens_a_form_from_it(client):
    trainer = factories.make_user("trainer")
    cohort = cohort_factories.make_cohort(trainers=[trainer])
    official = cohort_factories.make_official_in(cohort, language="be")
    db.session.commit()
    factories.sign_in(client, trainer)
    response = client.post("/survey-templates/new", data={"name": "Mid-seminar check"})
    template_id = int(response.location.rsplit("/", 1)[1])
    url = f"/survey-templates/{template_id}/questions"
    client.post(url, data={"kind": "single", "is_required": "y", "text_en": "Pace?",
                           "text_ru": "Темп?", "text_be": "Тэмп?",
                           "options_en": "Too fast\nRight\nToo slow",
                           "options_ru": "Слишком быстро\nНормально\nСлишком медленно",
                           "options_be": "Занадта хутка\nНармальна\nЗанадта павольна"})
    refused = client.post(url, data={"kind": "multiple", "text_en": "Topics?",
                                     "options_en": "Only one"}, follow_redirects=True)
    assert "at least two options" in refused.get_data(as_text=True)
    client.post(url, data={"kind": "text", "text_en": "Anything else?"})
    template = db.session.get(SurveyTemplate, template_id)
    assert [(q.kind, q.is_required) for q in template.questions] == [("single", True),
                                                                    ("text", False)]
    assert template.questions[0].options[2].text("be") == "Занадта павольна"
    survey = survey_factories.make_survey(cohort, template=template)
    db.session.commit()
    frozen = client.post(url, data={"kind": "text", "text_en": "Late question"},
                         follow_redirects=True)
    assert "can no longer change" in frozen.get_data(as_text=True)
    assert len(db.session.get(SurveyTemplate, template_id).questions) == 2
    factories.sign_in(client, official)
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Тэмп?" in page and "Нармальна" in page and "Anything else?" in page


def test_a_form_cannot_be_built_from_an_empty_template(client, people):
    cohort = cohort_factories.make_cohort()
    empty = services.create_template("Empty", [])
    db.session.commit()
    factories.sign_in(client, people["staff"])
    today = services.today()
    response = client.post(f"/cohorts/{cohort.id}/surveys/new", data={
        "template_id": empty.id, "title": "Nothing", "session_id": "0",
        "opens_on": today.isoformat(), "closes_on": today.isoformat()})
    assert "Choose a template that has questions" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0
