"""The home page each role lands on, the language switch, a health check, error pages."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from lms.accounts.forms import LanguageForm
from lms.accounts.models import User
from lms.api import problems
from lms.api.problems import is_api_request
from lms.content.catalogue import overall_progress
from lms.db import now_utc
from lms.extensions import db
from lms.i18n import remember_language
from lms.security.permissions import Permission
from lms.security.policy import can, public, signed_in
from lms.urls import safe_next

bp = Blueprint("site", __name__)


@bp.route("/")
@signed_in
def home():
    """One page with a section for each role the person holds."""
    user = current_user._get_current_object()
    sections = {
        "official": can(user, Permission.LEARNING_OWN),
        "trainer": can(user, Permission.CONTENT_AUTHOR),
        "staff": can(user, Permission.COHORTS_MANAGE),
        "analyst": can(user, Permission.REPORTS_EXACT),
        "admin": can(user, Permission.USERS_MANAGE),
    }
    counts = {}
    if sections["admin"]:
        counts = dict(
            db.session.execute(
                sa.select(User.is_active_account, sa.func.count(User.id)).group_by(
                    User.is_active_account
                )
            ).all()
        )
    language = str(get_locale())
    reading = overall_progress(user.id, language) if sections["official"] else None
    from lms.attendance.summary import home_data

    quizzes = (db.session.execute(_offered_quizzes_query(),
                                  {"now": now_utc(), "language": language}).all()
               if sections["official"] else [])

    from lms.plans.services import pending_follow_ups
    from lms.surveys.figures import open_surveys_for

    surveys = open_surveys_for(user) if sections["official"] else []
    return render_template("site/home.html", sections=sections, counts=counts, reading=reading,
                           language=language, seminars=home_data(user, sections),
                           quizzes=quizzes, surveys=surveys,
                           plan_follow_ups=pending_follow_ups(user) if sections["official"] else [])


@functools.cache
def _offered_quizzes_query() -> sa.Select:
    """The quizzes on offer, only what the list shows (link and title). Built once per
    process (building it costs more than running it); the time and language are parameters.
    """
    from lms.quizzes.models import Quiz
    from lms.quizzes.policy import available_quizzes_query

    return (available_quizzes_query(sa.bindparam("now"), sa.bindparam("language"))
            .with_only_columns(Quiz.id, Quiz.title))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; remembered for the account and for this browser."""
    form = LanguageForm()
    back = safe_next(form.next.data or request.referrer and _path(request.referrer),
                     url_for("site.home"))
    if not form.validate_on_submit():
        return redirect(back)
    if current_user.is_authenticated:
        current_user.language = form.language.data
        db.session.commit()
    return remember_language(redirect(back), form.language.data)


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/healthz")
@public
def health():
    """For load balancers: answers when the database does."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


def handle_http_error(error: HTTPException):
    """Every error page in the site's layout, saying nothing about internals."""
    if is_api_request():
        return problems.from_http_error(error)
    code = error.code or 500
    template = code if code in {400, 401, 403, 404, 405, 410, 413, 429} else "generic"
    return render_template(f"errors/{template}.html", error=error), code


def handle_server_error(error):
    db.session.rollback()
    if is_api_request():
        return problems.server_error()
    return render_template("errors/500.html"), 500
