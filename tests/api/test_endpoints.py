"""The API's lists and figures, as another system of the programme reads them."""

from __future__ import annotations

import pytest

from lms.api import views
from tests import factories
from tests.api.builders import get, make_token
from tests.reports import programme

YEAR_2017 = "from=2017-01-01&to=2017-12-31"


@pytest.fixture
def world(app):
    built = programme.build()
    built["staff"] = factories.make_user("staff")
    built["analyst"] = factories.make_user("analyst")
    built["token"] = make_token(built["staff"])
    return built


def test_cohorts_and_their_sessions_are_listed_in_pages(client, world):
    c1, c2, c3 = world["cohorts"]
    first = get(client, "/api/v1/cohorts?per_page=2", world["token"]).get_json()
    assert first["total"] == 3 and first["page"] == 1 and len(first["items"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    second = get(client, first["next"], world["token"]).get_json()
    assert [c["name"] for c in first["items"] + second["items"]] == ["C3", "C2", "C1"]
    assert second["next"] is None

    sessions = get(client, f"/api/v1/cohorts/{c1.id}/sessions", world["token"]).get_json()
    assert [s["title"] for s in sessions["items"]] == ["C1 27.01", "C1 28.01"]
    assert sessions["items"][0]["starts_at"].endswith("+00:00")


@pytest.mark.parametrize("query, name", [
    ("page=0", "page"), ("page=abc", "page"), ("per_page=0", "per_page"),
    ("per_page=101", "per_page"), ("page=9", "page"), ("page=-1", "page"),
    ("colour=red", "colour"), ("page=1&page=2", "page"),
])
def test_out_of_range_pagination_and_unknown_parameters_are_400_problems(client, world, query,
                                                                          name):
    response = get(client, f"/api/v1/cohorts?{query}", world["token"])
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["title"] == "Bad Request"
    assert [e["name"] for e in body["errors"]] == [name]


def test_attendance_per_cohort_and_per_session(client, world):
    c1 = world["cohorts"][0]
    records = get(client, f"/api/v1/cohorts/{c1.id}/attendance", world["token"]).get_json()
    assert records["total"] == 8
    first = records["items"][0]
    assert first["cohort_id"] == c1.id and first["status"] in ("present", "late", "absent")
    assert set(first["official"]) == {"id", "full_name"}  # never the email
    one_session = first["session_id"]
    per_session = get(client, f"/api/v1/sessions/{one_session}/attendance",
                      world["token"]).get_json()
    assert per_session["total"] == 4
    assert {r["session_id"] for r in per_session["items"]} == {one_session}


def test_quiz_results_of_a_cohort(client, world):
    c1 = world["cohorts"][0]
    results = get(client, f"/api/v1/cohorts/{c1.id}/quiz-results", world["token"]).get_json()
    m1 = world["people"]["m1"].id
    post_tests = [(r["grade"], r["passed"]) for r in results["items"]
                  if r["official"]["id"] == m1 and r["quiz"]["purpose"] == "post_test"]
    assert post_tests == [(50.0, False), (75.0, True)]
    one_quiz = results["items"][0]["quiz"]["id"]
    only = get(client, f"/api/v1/cohorts/{c1.id}/quiz-results?quiz={one_quiz}",
               world["token"]).get_json()
    assert {r["quiz"]["id"] for r in only["items"]} == {one_quiz}


def test_report_figures_match_the_dashboard_with_small_cells_protected(client, world):
    body = get(client, f"/api/v1/reports/figures?{YEAR_2017}&dimension=gender",
               world["token"]).get_json()
    # Totals are exact: 7 officials attended in 2017 (see tests/reports/programme.py).
    assert body["totals"]["trained"] == {"value": 7, "hidden": False}
    rows = {r["label"]: r["figures"] for r in body["breakdown"]["rows"]}
    assert rows["Not stated"]["trained"] == {"value": None, "hidden": True}
    assert rows["Female"]["trained"] == {"value": None, "hidden": True}
    assert body["exact"] is False and body["threshold"] == 5

    # Staff asking for exact figures still get them protected; an analyst gets them exact.
    staff_exact = get(client, f"/api/v1/reports/figures?{YEAR_2017}&dimension=gender&exact=1",
                      world["token"]).get_json()
    assert staff_exact["exact"] is False
    analyst = make_token(world["analyst"], scopes=["reports:read"])
    exact = get(client, f"/api/v1/reports/figures?{YEAR_2017}&dimension=gender&exact=1",
                analyst).get_json()
    rows = {r["label"]: r["figures"] for r in exact["breakdown"]["rows"]}
    assert exact["exact"] is True and rows["Female"]["trained"] == {"value": 3, "hidden": False}

    # Filtered to the two women in Hrodna, the totals are about them alone.
    narrowed = get(client, f"/api/v1/reports/figures?{YEAR_2017}&region=grodno&gender=female",
                   world["token"]).get_json()
    assert narrowed["totals"]["trained"] == {"value": None, "hidden": True}


def test_report_figures_only_cover_a_trainers_cohorts(client, world, app):
    from lms.cohorts.models import CohortTrainer
    from lms.extensions import db

    trainer = factories.make_user("trainer")
    db.session.add(CohortTrainer(cohort_id=world["cohorts"][1].id, user_id=trainer.id))
    plain = make_token(trainer, scopes=["reports:read"])
    body = get(client, f"/api/v1/reports/figures?{YEAR_2017}", plain).get_json()
    assert body["totals"]["trained"]["value"] == 4  # C2: f3, m2, m3, f1


@pytest.mark.parametrize("query, name", [
    ("colour=red", "colour"), ("from=yesterday", "from"), ("gender=robot", "gender"),
    ("dimension=shoe", "dimension"), ("exact=yes", "exact"), ("from=1900-01-01", "from"),
    ("from=2017-05-01&to=2017-01-01", "to"), ("page=1", "page"),
])
def test_unknown_or_bad_report_filters_are_named_in_a_400(client, world, query, name):
    response = get(client, f"/api/v1/reports/figures?{query}", world["token"])
    assert response.status_code == 400
    assert name in [e["name"] for e in response.get_json()["errors"]]


def test_every_api_error_is_problem_details(client, world, make_app):
    for url, status in (("/api/v1/cohorts/999999", 404), ("/api/v1/nowhere", 404)):
        response = get(client, url, world["token"])
        assert response.status_code == status
        assert response.mimetype == "application/problem+json"
    response = client.post("/api/v1/cohorts")
    assert response.status_code == 405 and response.get_json()["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_too_many_requests_get_a_429_problem(make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    with app.app_context():
        plain = make_token(factories.make_user("staff"))
    client = app.test_client()
    statuses = [get(client, "/api/v1/cohorts", plain).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = get(client, "/api/v1/cohorts", plain)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429


def test_a_failure_answers_a_500_problem_not_html(make_app, monkeypatch):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        plain = make_token(factories.make_user("staff"))

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.queries, "cohorts", broken)
    response = get(app.test_client(), "/api/v1/cohorts", plain)
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "boom" not in response.get_data(as_text=True)
