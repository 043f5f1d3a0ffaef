"""The OpenAPI 3.1 document of the API, built here once; the docs page reads the same one."""

from __future__ import annotations

from functools import cache

from lms.api.pagination import PAGE_MAX, PER_PAGE_DEFAULT, PER_PAGE_MAX
from lms.api.tokens import Scope
from lms.reference import Gender, GovLevel, Region
from lms.reports.dashboard import COLUMNS
from lms.reports.queries import DIMENSIONS

VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **more) -> dict:
    return {"type": [kind, "null"], **more}


def _object(properties: dict, *, required=None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(required if required is not None else properties)}


PERSON = _object({"id": {"type": "integer"}, "full_name": {"type": "string"}})
DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Problem": _object({
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": _object(
            {"name": {"type": "string"}, "detail": {"type": "string"}})},
    }, required=["type", "title", "status", "detail"]),
    "Person": PERSON,
    "Cohort": _object({
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "gov_level": {"type": "string"},
        "region": _nullable("string"),
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "is_archived": {"type": "boolean"},
        "trainers": {"type": "array", "items": _ref("Person")},
    }),
    "Session": _object({
        "id": {"type": "integer"},
        "cohort_id": {"type": "integer"},
        "title": {"type": "string"},
        "starts_at": DATE_TIME,
        "ends_at": DATE_TIME,
        "timezone": {"type": "string"},
        "venue": {"type": "string"},
        "city": {"type": "string"},
        "online_url": _nullable("string"),
        "module_ids": {"type": "array", "items": {"type": "integer"}},
    }),
    "AttendanceRecord": _object({
        "id": {"type": "integer"},
        "session_id": {"type": "integer"},
        "cohort_id": {"type": "integer"},
        "official": _ref("Person"),
        "status": {"type": "string", "enum": ["present", "late", "absent", "excused"]},
        "checked_in_at": _nullable("string", format="date-time"),
        "updated_at": _nullable("string", format="date-time"),
    }),
    "QuizResult": _object({
        "attempt_id": {"type": "integer"},
        "official": _ref("Person"),
        "quiz": _object({
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "purpose": {"type": "string",
                        "enum": ["practice", "graded", "pre_test", "post_test"]},
            "pass_percent": {"type": "integer"},
        }),
        "attempt_number": {"type": "integer"},
        "finished_at": _nullable("string", format="date-time"),
        "grade": {"type": "number", "minimum": 0, "maximum": 100},
        "passed": {"type": "boolean"},
    }),
    "Cell": {
        **_object({"value": _nullable("number"), "hidden": {"type": "boolean"}}),
        "description": "A figure. A hidden one is about too few people to show, or is "
                       "withheld so that such a one cannot be worked out from a total "
                       "(small-cell protection); its value is then null. The key figures "
                       "of a report filtered by region, level, organisation or gender are "
                       "protected too.",
        "additionalProperties": False,
    },
    "Figures": _object({
        **{key: _ref("Cell") for key, _label in COLUMNS},
        "sessions": _nullable("integer"),
    }),
    "Report": _object({
        "filters": {"type": "object", "additionalProperties": {"type": "string"}},
        "threshold": {"type": "integer"},
        "exact": {"type": "boolean"},
        "totals": _ref("Figures"),
        "planned": _object({k: {"type": "integer"} for k in (
            "sessions_planned", "sessions_held", "cohorts_planned", "cohorts_held")}),
        "breakdown": {"oneOf": [{"type": "null"}, _object({
            "dimension": {"type": "string", "enum": list(DIMENSIONS)},
            "rows": {"type": "array", "items": _object(
                {"label": {"type": "string"}, "figures": _ref("Figures")})},
        })]},
    }),
    "Statement": {
        **_object({
            "id": {"type": "string", "format": "uuid"},
            "version": {"const": "1.0.3"},
            "actor": _object({
                "objectType": {"const": "Agent"},
                "account": _object({"homePage": {"type": "string", "format": "uri"},
                                    "name": {"type": "string"}}),
            }),
            "verb": _object({
                "id": {"type": "string", "format": "uri"},
                "display": {"type": "object", "additionalProperties": {"type": "string"}},
            }),
            "object": _object({
                "objectType": {"const": "Activity"},
                "id": {"type": "string", "format": "uri"},
                "definition": _object({
                    "type": {"type": "string", "format": "uri"},
                    "name": {"type": "object", "additionalProperties": {"type": "string"}},
                }),
            }),
            "result": _object({
                "score": _object({"scaled": {"type": "number", "minimum": -1, "maximum": 1},
                                  "raw": {"type": "number"}, "min": {"type": "number"},
                                  "max": {"type": "number"}}, required=["scaled"]),
                "success": {"type": "boolean"},
                "completion": {"type": "boolean"},
            }, required=["score", "completion"]),
            "context": {"type": "object"},
            "timestamp": DATE_TIME,
        }, required=["id", "version", "actor", "verb", "object", "timestamp"]),
        "description": "An xAPI 1.0.3 statement.",
    },
    "StatementResult": _object({
        "statements": {"type": "array", "items": _ref("Statement")},
        "more": {"type": "string", "description": "The URL of the next page, or empty."},
    }),
}


def _page_of(item: str) -> dict:
    return _object({
        "items": {"type": "array", "items": _ref(item)},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
        "total": {"type": "integer", "minimum": 0},
        "next": _nullable("string", format="uri"),
        "previous": _nullable("string", format="uri"),
    })


for _item in ("Cohort", "Session", "AttendanceRecord", "QuizResult"):
    SCHEMAS[f"{_item}Page"] = _page_of(_item)

PARAMETERS = {
    "page": {"name": "page", "in": "query", "description": "Page number, from 1.",
             "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}},
    "per_page": {"name": "per_page", "in": "query", "description": "Items per page.",
                 "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX,
                            "default": PER_PAGE_DEFAULT}},
    "cohort_id": {"name": "cohort_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}},
    "session_id": {"name": "session_id", "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1}},
    "quiz": {"name": "quiz", "in": "query", "description": "Only results of this quiz.",
             "schema": {"type": "integer", "minimum": 1}},
    "from": {"name": "from", "in": "query", "description": "First day (default 1 January).",
             "schema": {"type": "string", "format": "date"}},
    "to": {"name": "to", "in": "query", "description": "Last day (default today).",
           "schema": {"type": "string", "format": "date"}},
    "cohort": {"name": "cohort", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    "organisation": {"name": "organisation", "in": "query",
                     "schema": {"type": "integer", "minimum": 1}},
    "region": {"name": "region", "in": "query",
               "schema": {"type": "string", "enum": [r.value for r in Region]}},
    "level": {"name": "level", "in": "query",
              "schema": {"type": "string", "enum": [g.value for g in GovLevel]}},
    "gender": {"name": "gender", "in": "query",
               "schema": {"type": "string", "enum": [g.value for g in Gender]}},
    "dimension": {"name": "dimension", "in": "query",
                  "description": "Add one breakdown by this dimension.",
                  "schema": {"type": "string", "enum": list(DIMENSIONS)}},
    "exact": {"name": "exact", "in": "query",
              "description": "1: show small figures exactly (needs the reports:exact right).",
              "schema": {"type": "string", "enum": ["0", "1"]}},
}

ERRORS = {
    "400": "Unknown or out-of-range parameters.",
    "401": "No token, or a token that is unknown, tampered with, expired or revoked.",
    "403": "The user's role or the token's scopes do not allow this.",
    "404": "No such object, or not one the user may see.",
    "429": "Too many requests; try again later.",
}

# (path, operation id, summary, scope, parameters, response schema, role note)
OPERATIONS = (
    ("/cohorts", "listCohorts", "Cohorts the user may see", Scope.COHORTS,
     ("page", "per_page"), "CohortPage", "Trainers (their cohorts) and programme staff."),
    ("/cohorts/{cohort_id}", "getCohort", "One cohort", Scope.COHORTS,
     ("cohort_id",), "Cohort", "Trainers (their cohorts) and programme staff."),
    ("/cohorts/{cohort_id}/sessions", "listCohortSessions", "Seminar sessions of a cohort",
     Scope.COHORTS, ("cohort_id", "page", "per_page"), "SessionPage",
     "Trainers (their cohorts) and programme staff."),
    ("/cohorts/{cohort_id}/attendance", "listCohortAttendance",
     "Attendance records of a cohort", Scope.ATTENDANCE, ("cohort_id", "page", "per_page"),
     "AttendanceRecordPage", "Trainers (their cohorts) and programme staff."),
    ("/sessions/{session_id}/attendance", "listSessionAttendance",
     "Attendance records of one session", Scope.ATTENDANCE,
     ("session_id", "page", "per_page"), "AttendanceRecordPage",
     "Trainers (their cohorts) and programme staff."),
    ("/cohorts/{cohort_id}/quiz-results", "listCohortQuizResults",
     "Graded quiz attempts of a cohort's members", Scope.QUIZZES,
     ("cohort_id", "quiz", "page", "per_page"), "QuizResultPage",
     "Trainers (their cohorts) and programme staff."),
    ("/cohorts/{cohort_id}/xapi/statements", "listCohortStatements",
     "A cohort's attendance and quiz results as xAPI statements", Scope.XAPI,
     ("cohort_id", "page", "per_page"), "StatementResult",
     "Trainers (their cohorts) and programme staff."),
    ("/me/attendance", "listMyAttendance", "The official's own attendance records",
     Scope.ATTENDANCE, ("page", "per_page"), "AttendanceRecordPage", "Officials."),
    ("/me/quiz-results", "listMyQuizResults", "The official's own graded quiz attempts",
     Scope.QUIZZES, ("page", "per_page"), "QuizResultPage", "Officials."),
    ("/me/xapi/statements", "listMyStatements",
     "The official's own attendance and quiz results as xAPI statements", Scope.XAPI,
     ("page", "per_page"), "StatementResult", "Officials."),
    ("/reports/figures", "getReportFigures",
     "Report figures with the dashboard's filters", Scope.REPORTS,
     ("from", "to", "cohort", "region", "level", "organisation", "gender", "dimension",
      "exact"), "Report",
     "Trainers (their cohorts), programme staff, monitoring and evaluation officers. "
     "Figures about fewer people than the threshold are hidden unless exact=1 is asked "
     "for by someone allowed to see them."),
)


def _problem_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _operation(operation_id, summary, scope, parameters, schema, note) -> dict:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": f"Who may use it: {note} Token scope: {scope.value}.",
        "tags": [scope.value.split(":")[0]],
        "security": [{"bearerToken": [scope.value]}, {"browserSession": []}],
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
        "responses": {
            "200": {"description": "OK",
                    "content": {"application/json": {"schema": _ref(schema)}}},
            **{code: _problem_response(text) for code, text in ERRORS.items()},
        },
    }


@cache
def document() -> dict:
    """The whole OpenAPI document, as a dict ready for JSON."""
    paths = {}
    for path, operation_id, summary, scope, parameters, schema, note in OPERATIONS:
        paths[path] = {"get": _operation(operation_id, summary, scope, parameters, schema,
                                         note)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lms read API",
            "version": VERSION,
            "description": (
                "Read-only access to cohorts, seminar sessions, attendance, quiz results, "
                "report figures and xAPI statements of the training programme. Send a "
                "personal access token as Authorization: Bearer <token>; the API applies "
                "the same access rules as the web pages, and the token's scopes narrow them. "
                "Errors are problem details (RFC 9457). Lists are paginated with page and "
                f"per_page (at most {PER_PAGE_MAX})."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "A personal access token; scopes: "
                                + ", ".join(s.value for s in Scope)},
                "browserSession": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
