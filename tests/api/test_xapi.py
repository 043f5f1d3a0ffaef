"""Attendance and quiz results as xAPI 1.0.3 statements a learning record store accepts."""

from __future__ import annotations

import re
import uuid

from tests import factories
from tests.api.builders import get, make_token
from tests.reports import programme

ADL = "http://adlnet.gov/expapi/verbs/"
ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_a_cohorts_statements_are_valid_xapi(client, app):
    built = programme.build()
    c1 = built["cohorts"][0]
    plain = make_token(factories.make_user("staff"))
    body = get(client, f"/api/v1/cohorts/{c1.id}/xapi/statements?per_page=100", plain).get_json()
    statements = body["statements"]
    assert body["more"] == ""
    people = {str(p.id): code for code, p in built["people"].items()}
    verbs = {}
    for statement in statements:
        uuid.UUID(statement["id"])
        assert statement["version"] == "1.0.3"
        actor = statement["actor"]
        assert actor == {"objectType": "Agent", "account": {
            "homePage": "http://localhost", "name": actor["account"]["name"]}}
        assert "mbox" not in str(statement) and "@" not in str(statement)
        assert statement["verb"]["id"].startswith(ADL)
        assert statement["object"]["id"].startswith("http://localhost/")
        assert ISO_8601.match(statement["timestamp"])
        verbs.setdefault(statement["verb"]["id"].removeprefix(ADL), []).append(
            people[actor["account"]["name"]])
    # C1's attended places: f1 x2, f2 (late), m1, n1; quiz results of its members.
    assert sorted(verbs["attended"]) == ["f1", "f1", "f2", "m1", "n1"]
    assert sorted(verbs["passed"]) == ["f1", "f2", "m1"]  # post-tests at 80, 100, 75
    assert sorted(verbs["failed"]) == ["m1"]  # m1's first post-test, 50
    assert sorted(verbs["scored"]) == ["f1", "f2", "m1", "m1"]  # pre-tests


def test_a_quiz_statement_carries_its_score_and_success(client, app):
    built = programme.build()
    plain = make_token(built["people"]["f1"])
    statements = get(client, "/api/v1/me/xapi/statements", plain).get_json()["statements"]
    post = next(s for s in statements if s["verb"]["id"] == ADL + "passed")
    assert post["result"] == {"score": {"scaled": 0.8, "min": 0, "max": 100.0, "raw": 80.0},
                              "completion": True, "success": True}
    assert post["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    attended = next(s for s in statements if s["verb"]["id"] == ADL + "attended")
    parent = attended["context"]["contextActivities"]["parent"][0]
    assert parent["id"].startswith("http://localhost/cohorts/")


def test_exporting_twice_gives_the_same_statement_ids(client, app):
    built = programme.build()
    plain = make_token(built["people"]["f1"])
    first = get(client, "/api/v1/me/xapi/statements", plain).get_json()["statements"]
    again = get(client, "/api/v1/me/xapi/statements", plain).get_json()["statements"]
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == len(first)


def test_statements_are_paged_with_a_more_link(client, app):
    built = programme.build()
    plain = make_token(factories.make_user("staff"))
    c1 = built["cohorts"][0]
    page = get(client, f"/api/v1/cohorts/{c1.id}/xapi/statements?per_page=3", plain).get_json()
    assert len(page["statements"]) == 3 and "page=2" in page["more"]
