"""Models as plain JSON-ready dicts, shaped as the OpenAPI document describes them."""

from __future__ import annotations

import datetime as dt

from lms.quizzes.models import Quiz
from lms.reports.dashboard import COLUMNS, Figures
from lms.reports.suppression import Cell


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def cohort(c) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "description": c.description or "",
        "gov_level": c.gov_level,
        "region": c.region,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "is_archived": c.is_archived,
        "trainers": [{"id": t.user_id, "full_name": t.user.full_name}
                     for t in sorted(c.trainers, key=lambda t: t.user_id)],
    }


def session(s) -> dict:
    return {
        "id": s.id,
        "cohort_id": s.cohort_id,
        "title": s.title,
        "starts_at": _time(s.starts_at),
        "ends_at": _time(s.ends_at),
        "timezone": s.timezone,
        "venue": s.venue,
        "city": s.city,
        "online_url": s.online_url,
        "module_ids": [m.id for m in s.modules],
    }


def attendance_record(record, seminar, full_name: str) -> dict:
    return {
        "id": record.id,
        "session_id": record.session_id,
        "cohort_id": seminar.cohort_id,
        "official": {"id": record.user_id, "full_name": full_name},
        "status": record.status,
        "checked_in_at": _time(record.checked_in_at),
        "updated_at": _time(record.updated_at),
    }


def quiz_result(attempt, quiz: Quiz, full_name: str) -> dict:
    return {
        "attempt_id": attempt.id,
        "official": {"id": attempt.user_id, "full_name": full_name},
        "quiz": {"id": quiz.id, "title": quiz.title, "purpose": quiz.purpose,
                 "pass_percent": quiz.pass_percent},
        "attempt_number": attempt.number,
        "finished_at": _time(attempt.finished_at),
        "grade": round(float(attempt.grade), 2),
        "passed": attempt.grade >= quiz.pass_percent,
    }


def cell(c: Cell) -> dict:
    """A figure; a protected one carries no value (nor the number of people behind it)."""
    if c.hidden:
        return {"value": None, "hidden": True}
    value = c.value
    if value is not None and not isinstance(value, int):
        value = float(value)
    return {"value": value, "hidden": False}


def figures(f: Figures) -> dict:
    return {**{key: cell(getattr(f, key)) for key, _label in COLUMNS}, "sessions": f.sessions}


def report(r, filters, breakdown) -> dict:
    return {
        "filters": filters.to_args(),
        "threshold": r.threshold,
        "exact": r.exact,
        "totals": figures(r.totals),
        "planned": r.planned,
        "breakdown": None if breakdown is None else {
            "dimension": breakdown.dimension,
            "rows": [{"label": name, "figures": figures(f)} for name, f in breakdown.rows],
        },
    }
