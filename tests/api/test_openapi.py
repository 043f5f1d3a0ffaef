"""The OpenAPI document validates, describes every route, and the API keeps to it.

The property-based test calls every operation with generated parameters (valid, out of range
and nonsense) as people in several roles, and checks that no answer is a 500 and that every
answer is one the document lists, with a body that matches its schema.
"""

from __future__ import annotations

import datetime as dt

import jsonschema
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openapi_spec_validator import validate

from lms.api import openapi
from lms.attendance.models import SeminarSession
from lms.extensions import db
from tests import factories
from tests.api.builders import bearer, make_token
from tests.reports import programme

DOCUMENT = openapi.document()
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def test_the_document_is_valid_openapi():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"].startswith("3.1")


def test_the_document_describes_every_api_route_and_only_those(app):
    documented = {"/api/v1" + path for path in DOCUMENT["paths"]}
    routes = {rule.rule.replace("<int:", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes - documented == {"/api/v1/openapi.json", "/api/v1/docs"}
    assert documented <= routes


def test_the_document_is_served_and_readable_as_a_page(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.get_json() == DOCUMENT
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path, methods in DOCUMENT["paths"].items():
        assert path in page and str(escape(methods["get"]["summary"])) in page
    assert "Authorization: Bearer" in page


def _validate(body, schema: dict) -> None:
    root = {"$schema": SCHEMA_DIALECT, "components": DOCUMENT["components"], **schema}
    jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker()).validate(
        body)


NONSENSE = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                   max_size=12)


def _value(schema: dict, known: list[int]):
    """Values a parameter might get: valid ones, edge cases beyond its limits, nonsense."""
    if "enum" in schema:
        good = st.sampled_from(schema["enum"])
    elif schema.get("format") == "date":
        good = st.dates(dt.date(1990, 1, 1), dt.date(2110, 12, 31)).map(dt.date.isoformat)
    else:
        low, high = schema.get("minimum", 1), schema.get("maximum", 10**6)
        good = st.one_of(st.sampled_from(known), st.integers(low, min(high, 10**6)),
                         st.sampled_from([low - 1, high + 1])).map(str)
    return st.one_of(good, good, good, NONSENSE)


def _operation_calls(known_ids: list[int]):
    """A strategy of (operation path, path values, query) for every operation."""
    parameters = DOCUMENT["components"]["parameters"]
    calls = []
    for path, methods in DOCUMENT["paths"].items():
        op = methods["get"]
        specs = [parameters[ref["$ref"].rsplit("/", 1)[1]] for ref in op["parameters"]]
        path_values = st.fixed_dictionaries({
            p["name"]: st.one_of(st.sampled_from(known_ids), st.sampled_from(known_ids),
                                 st.integers(1, 10**6))
            for p in specs if p["in"] == "path"})
        query = st.fixed_dictionaries({}, optional={
            p["name"]: _value(p["schema"], known_ids) for p in specs if p["in"] == "query"})
        calls.append(st.tuples(st.just(path), path_values, query))
    return st.one_of(calls)


def test_every_operation_answers_within_its_documented_responses(client, app):
    built = programme.build()
    people = {
        "staff": factories.make_user("staff"),
        "analyst": factories.make_user("analyst"),
        "trainer": factories.make_user("trainer"),
        "official": built["people"]["f1"],
    }
    from lms.cohorts.models import CohortTrainer

    db.session.add(CohortTrainer(cohort_id=built["cohorts"][0].id,
                                 user_id=people["trainer"].id))
    tokens = {role: make_token(person) for role, person in people.items()}
    known = [c.id for c in built["cohorts"]] + [
        s.id for s in db.session.query(SeminarSession)] + [1, 2, 3]
    db.session.commit()
    seen = set()

    # Besides the generated calls, each operation once as staff on the first cohort and
    # its first session, so every operation is seen answering whatever the draw.
    c1 = built["cohorts"][0]
    first_session = db.session.scalar(sa.select(SeminarSession.id).where(
        SeminarSession.cohort_id == c1.id).order_by(SeminarSession.id))
    valid = {"cohort_id": c1.id, "session_id": first_session}

    def valid_call(path):
        return (path, {name: value for name, value in valid.items() if f"{{{name}}}" in path},
                {})

    @settings(max_examples=400, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(call=_operation_calls(known), role=st.sampled_from(sorted(tokens)))
    def check(call, role):
        path, path_values, query = call
        op = DOCUMENT["paths"][path]["get"]
        response = client.get("/api/v1" + path.format(**path_values), query_string=query,
                              headers=bearer(tokens[role]))
        status = str(response.status_code)
        seen.add((path, status))
        where = f"{role} GET {path} {path_values} {query}: {status}"
        assert response.status_code != 500, where
        assert status in op["responses"], where
        content = op["responses"][status]["content"]
        media = "application/json" if status == "200" else "application/problem+json"
        assert response.mimetype == media, where
        _validate(response.get_json(), content[media]["schema"])

    for path in DOCUMENT["paths"]:
        check = example(call=valid_call(path), role="staff")(check)
    check()
    # The calls reached real answers and each kind of refusal.
    assert {status for _path, status in seen} >= {"200", "400", "403", "404"}
    assert {path for path, status in seen if status == "200"} == set(DOCUMENT["paths"])
