"""Attendance and quiz results as xAPI 1.0.3 statements, for a learning record store.

The actor is an account on this site (its id, never the email); verbs are ADL's; activity
ids are URLs on this site; statement ids are derived from the record, so exporting the same
record twice gives the same statement and a store keeps it once.
"""

from __future__ import annotations

import uuid

from flask import current_app, request

from lms.quizzes.models import GRADED, POST_TEST

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {name: ADL + name for name in ("attended", "passed", "failed", "scored")}
MEETING = "http://adlnet.gov/expapi/activities/meeting"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
COURSE = "http://adlnet.gov/expapi/activities/course"


def site_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root.rstrip("/")


def _statement_id(site: str, kind: str, record_id: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/xapi/{kind}/{record_id}"))


def _actor(site: str, user_id: int) -> dict:
    return {"objectType": "Agent", "account": {"homePage": site, "name": str(user_id)}}


def _verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _cohort_parent(site: str, cohort) -> dict:
    return {"contextActivities": {"parent": [{
        "objectType": "Activity", "id": f"{site}/cohorts/{cohort.id}",
        "definition": {"type": COURSE, "name": {"en-US": cohort.name}},
    }]}}


def attended(site: str, record, seminar) -> dict:
    """An official attended a seminar session (present or late)."""
    return {
        "id": _statement_id(site, "attendance", record.id),
        "version": VERSION,
        "actor": _actor(site, record.user_id),
        "verb": _verb("attended"),
        "object": {
            "objectType": "Activity",
            "id": f"{site}/sessions/{seminar.id}",
            "definition": {"type": MEETING, "name": {"en-US": seminar.title}},
        },
        "context": _cohort_parent(site, seminar.cohort),
        "timestamp": (record.checked_in_at or seminar.starts_at).isoformat(),
    }


def quiz_result(site: str, attempt, quiz) -> dict:
    """A graded attempt: passed or failed for graded quizzes and post-tests, else scored."""
    grade = float(attempt.grade)
    result: dict = {"score": {"scaled": round(min(max(grade / 100, 0.0), 1.0), 4)},
                    "completion": True}
    if attempt.max_score and attempt.score is not None:
        maximum = float(attempt.max_score)
        result["score"].update(min=0, max=maximum,
                               raw=round(min(max(float(attempt.score), 0.0), maximum), 4))
    if quiz.purpose in (GRADED, POST_TEST):
        success = grade >= quiz.pass_percent
        verb = "passed" if success else "failed"
        result["success"] = success
    else:
        verb = "scored"
    return {
        "id": _statement_id(site, "quiz", attempt.id),
        "version": VERSION,
        "actor": _actor(site, attempt.user_id),
        "verb": _verb(verb),
        "object": {
            "objectType": "Activity",
            "id": f"{site}/quizzes/{quiz.id}",
            "definition": {"type": ASSESSMENT, "name": {"en-US": quiz.title}},
        },
        "result": result,
        "timestamp": attempt.finished_at.isoformat(),
    }
