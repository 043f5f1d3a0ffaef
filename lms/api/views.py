"""The read-only JSON API under /api/v1: every view declares its permission and token scope.

The central guard (`check_request`) runs first with the token's user, then `check_token`
requires the scope; object checks use the same policy functions as the web pages.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms.api import openapi, queries, serializers, xapi
from lms.api.auth import check_token, needs_scope
from lms.api.pagination import (
    check_arguments,
    envelope,
    int_argument,
    page_arguments,
    paginate,
)
from lms.api.problems import InvalidParameters, from_http_error
from lms.api.tokens import Scope
from lms.attendance.models import AttendanceRecord, SeminarSession
from lms.cohorts.models import Cohort
from lms.cohorts.policy import can_view_cohort, visible_cohorts
from lms.db import now_utc
from lms.extensions import db, limiter
from lms.quizzes.models import Attempt
from lms.reports import dashboard
from lms.reports.filters import ReportFilters
from lms.reports.policy import report_cohorts
from lms.reports.queries import DIMENSIONS
from lms.reports.queries import Scope as ReportScope
from lms.security.permissions import Permission
from lms.security.policy import can, public, requires

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(check_token)
bp.register_error_handler(InvalidParameters, from_http_error)
# The sign-in pages answer 429 with their own page for the whole app; the API answers JSON.
bp.register_error_handler(429, from_http_error)

PAGING = ("page", "per_page")
# Report periods are limited to dates the programme can have, so date arithmetic never fails.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _rate_key() -> str:
    token = getattr(request, "authorization", None)
    return f"token:{token.token[:12]}" if token and token.token else request.remote_addr or ""


limiter.limit(lambda: current_app.config.get("API_RATE_LIMIT", "600 per minute"),
              key_func=_rate_key)(bp)


def _page(query, serialize):
    page, per_page = page_arguments()
    rows, total = paginate(query, page, per_page)
    return jsonify(envelope([serialize(*row) for row in rows], total, page, per_page))


def _cohort_or_404(cohort_id: int) -> Cohort:
    """A cohort the user may see; others answer 404, as if they did not exist."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_view_cohort(current_user, cohort):
        abort(404, description="There is no such cohort, or it is not yours to see.")
    return cohort


@bp.route("/cohorts")
@requires(Permission.COHORTS_VIEW)
@needs_scope(Scope.COHORTS)
def cohorts():
    """The cohorts the user may see, newest first."""
    check_arguments(PAGING)
    query = queries.cohorts(lambda q: visible_cohorts(current_user, q))
    return _page(query, serializers.cohort)


@bp.route("/cohorts/<int:cohort_id>")
@requires(Permission.COHORTS_VIEW)
@needs_scope(Scope.COHORTS)
def cohort(cohort_id: int):
    """One cohort with its trainers."""
    check_arguments(())
    return jsonify(serializers.cohort(_cohort_or_404(cohort_id)))


@bp.route("/cohorts/<int:cohort_id>/sessions")
@requires(Permission.COHORTS_VIEW)
@needs_scope(Scope.COHORTS)
def cohort_sessions(cohort_id: int):
    """The seminar sessions of a cohort, in time order."""
    check_arguments(PAGING)
    _cohort_or_404(cohort_id)
    return _page(queries.sessions(cohort_id), serializers.session)


@bp.route("/cohorts/<int:cohort_id>/attendance")
@requires(Permission.COHORTS_VIEW)
@needs_scope(Scope.ATTENDANCE)
def cohort_attendance(cohort_id: int):
    """Attendance records of every session of a cohort."""
    check_arguments(PAGING)
    _cohort_or_404(cohort_id)
    return _page(queries.attendance(cohort_id=cohort_id), serializers.attendance_record)


@bp.route("/sessions/<int:session_id>/attendance")
@requires(Permission.COHORTS_VIEW)
@needs_scope(Scope.ATTENDANCE)
def session_attendance(session_id: int):
    """Attendance records of one session."""
    check_arguments(PAGING)
    seminar = db.session.get(SeminarSession, session_id)
    if seminar is None or not can_view_cohort(current_user, seminar.cohort):
        abort(404, description="There is no such session, or it is not yours to see.")
    return _page(queries.attendance(session_id=session_id), serializers.attendance_record)


@bp.route("/cohorts/<int:cohort_id>/quiz-results")
@requires(Permission.QUIZZES_RESULTS)
@needs_scope(Scope.QUIZZES)
def cohort_quiz_results(cohort_id: int):
    """Graded attempts of the cohort's members, optionally at one quiz."""
    check_arguments((*PAGING, "quiz"))
    quiz_id = int_argument("quiz", default=None, low=1, high=2**31 - 1)
    _cohort_or_404(cohort_id)
    return _page(queries.quiz_results(cohort_id=cohort_id, quiz_id=quiz_id),
                 serializers.quiz_result)


@bp.route("/me/attendance")
@requires(Permission.LEARNING_OWN)
@needs_scope(Scope.ATTENDANCE)
def my_attendance():
    """The official's own attendance records."""
    check_arguments(PAGING)
    return _page(queries.attendance(user_id=current_user.id), serializers.attendance_record)


@bp.route("/me/quiz-results")
@requires(Permission.LEARNING_OWN)
@needs_scope(Scope.QUIZZES)
def my_quiz_results():
    """The official's own graded attempts."""
    check_arguments(PAGING)
    return _page(queries.quiz_results(user_id=current_user.id), serializers.quiz_result)


@bp.route("/reports/figures")
@requires(Permission.REPORTS_READ)
@needs_scope(Scope.REPORTS)
def report_figures():
    """The dashboard's figures with its filters: totals and at most one breakdown."""
    check_arguments(("from", "to", "cohort", "region", "level", "organisation", "gender",
                     "dimension", "exact"))
    filter_args = {k: v for k, v in request.args.items() if k not in ("dimension", "exact")}
    filters, errors = ReportFilters.parse(filter_args, strict=True)
    problems = [{"name": e.key, "detail": str(e)} for e in errors]
    for key, value in (("from", filters.date_from), ("to", filters.date_to)):
        if not EARLIEST <= value <= LATEST:
            problems.append({"name": key, "detail": f"must be from {EARLIEST} to {LATEST}"})
    dimension = request.args.get("dimension") or None
    if dimension is not None and dimension not in DIMENSIONS:
        problems.append({"name": "dimension", "detail": f"one of {', '.join(DIMENSIONS)}"})
    if request.args.get("exact", "0") not in ("0", "1"):
        problems.append({"name": "exact", "detail": "0 or 1"})
    if problems:
        raise InvalidParameters(problems)
    exact = request.args.get("exact") == "1" and can(current_user, Permission.REPORTS_EXACT)
    scope = ReportScope(filters, report_cohorts(current_user), now_utc())
    report = dashboard.build_report(scope, threshold=current_app.config["REPORT_MIN_CELL"],
                                    exact=exact, dimensions=(dimension,) if dimension else (),
                                    with_evaluation=False)
    breakdown = report.breakdowns[0] if report.breakdowns else None
    return jsonify(serializers.report(report, filters, breakdown))


def _statements(events):
    """A page of (kind, id, at) rows as statements, loaded with one query per kind."""
    page, per_page = page_arguments()
    rows, total = paginate(events, page, per_page)
    ids = {"attendance": [r.id for r in rows if r.kind == "attendance"],
           "quiz": [r.id for r in rows if r.kind == "quiz"]}
    site = xapi.site_url()
    made = {}
    if ids["attendance"]:
        for record, seminar in db.session.execute(
            sa.select(AttendanceRecord, SeminarSession)
            .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
            .where(AttendanceRecord.id.in_(ids["attendance"]))
        ):
            made[("attendance", record.id)] = xapi.attended(site, record, seminar)
    if ids["quiz"]:
        for attempt in db.session.scalars(
            sa.select(Attempt).options(selectinload(Attempt.quiz))
            .where(Attempt.id.in_(ids["quiz"]))
        ):
            made[("quiz", attempt.id)] = xapi.quiz_result(site, attempt, attempt.quiz)
    # xAPI's StatementResult: the next page's URL in `more`, empty on the last page.
    more = envelope([], total, page, per_page)["next"] or ""
    return jsonify({"statements": [made[(r.kind, r.id)] for r in rows], "more": more})


@bp.route("/cohorts/<int:cohort_id>/xapi/statements")
@requires(Permission.COHORTS_VIEW)
@needs_scope(Scope.XAPI)
def cohort_statements(cohort_id: int):
    """A cohort's attendance and quiz results as xAPI statements."""
    check_arguments(PAGING)
    _cohort_or_404(cohort_id)
    return _statements(queries.learning_events(cohort_id=cohort_id))


@bp.route("/me/xapi/statements")
@requires(Permission.LEARNING_OWN)
@needs_scope(Scope.XAPI)
def my_statements():
    """The official's own attendance and quiz results as xAPI statements."""
    check_arguments(PAGING)
    return _statements(queries.learning_events(user_id=current_user.id))


@bp.route("/openapi.json")
@public
def openapi_document():
    """The OpenAPI document that describes this API."""
    return jsonify(openapi.document())


@bp.route("/docs")
@public
def docs():
    """The API's documentation as a page, read from the OpenAPI document."""
    doc = openapi.document()
    return render_template("api/docs.html", doc=doc, parameters=doc["components"]["parameters"],
                           scopes=[s.value for s in Scope])
