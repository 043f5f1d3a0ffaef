"""Session pages: scheduling, the register, check-in, apologies, sign-in sheet, calendar."""

from __future__ import annotations

import re
from functools import lru_cache

import segno
from babel import Locale
from babel.dates import DateTimePattern, parse_pattern
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.accounts.models import User
from lms.attendance import checkin, documents, register_rows, services
from lms.attendance.forms import ApologyForm, CheckInForm, SessionForm
from lms.attendance.models import Apology, SeminarSession, Status
from lms.cohorts import policy
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.db import now_utc
from lms.extensions import db, limiter
from lms.security.permissions import Permission
from lms.security.policy import requires

bp = Blueprint("attendance", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _language() -> str:
    return str(get_locale() or "en")


@lru_cache(maxsize=64)
def _datetime_format(language: str, fmt: str) -> tuple[Locale, DateTimePattern, bool]:
    """A locale, a parsed pattern and whether it shows seconds: fixed data, parsed once."""
    pattern = parse_pattern(fmt)
    fields = re.findall(r"%\((\w+)\)s", pattern.format)
    return Locale.parse(language), pattern, any(f[0] in "sSA" for f in fields)


@bp.app_template_filter("session_time")
def session_time(value, zone: str, fmt: str = "d MMM y, HH:mm") -> str:
    """A time in the session's own zone, in the reader's language.

    Formatted once per distinct minute on a page: a register's trail repeats the minute of
    a bulk change on every row.
    """
    language = _language()
    if fmt in ("full", "long", "medium", "short"):
        from babel.dates import format_datetime

        return format_datetime(services.to_local(value, zone), fmt, locale=language)
    locale, pattern, shows_seconds = _datetime_format(language, fmt)
    local = services.to_local(value, zone)
    # Equal aware times in two zones compare equal: the zone is part of the key.
    key = (local if shows_seconds else local.replace(second=0, microsecond=0), zone, fmt,
           language)
    formatted = g.setdefault("session_times", {})
    if key not in formatted:
        formatted[key] = pattern.apply(local, locale)
    return formatted[key]


def status_labels() -> dict[str, str]:
    """Each status's label in the reader's language, translated once per request."""
    by_language = g.setdefault("status_labels", {})
    language = _language()
    if language not in by_language:
        by_language[language] = {s.value: s.label for s in Status}
    return by_language[language]


@bp.app_template_global()
def status_label(status: str) -> str:
    return status_labels()[Status(status).value]


def _session_for_trainer(session_id: int) -> SeminarSession:
    session = services.load_session(session_id)
    if session is None:
        abort(404)
    if not policy.can_take_attendance(_me(), session):
        abort(403)
    return session


def _session_for_official(session_id: int) -> SeminarSession:
    """A session of one of the official's cohorts; any other is not found."""
    session = db.session.get(SeminarSession, session_id)
    if session is None or not policy.is_member(_me(), session.cohort_id):
        abort(404)
    return session


def _form_choices(cohort: Cohort):
    modules = [(m.module_id, cohorts.module_title(m.module, _language())) for m in cohort.modules]
    return modules, cohorts.trainer_choices()


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@requires(Permission.ATTENDANCE_TAKE)
def new_session(cohort_id: int):
    """Schedule a session for a cohort."""
    cohort = cohorts.load_cohort(cohort_id)
    if cohort is None:
        abort(404)
    if not (policy.sees_every_cohort(_me()) or _me().id in cohort.trainer_ids):
        abort(403)
    modules, trainers = _form_choices(cohort)
    form = SessionForm(modules=modules, trainers=trainers)
    if request.method == "GET":
        form.timezone.data = services.default_timezone()
        form.grace_minutes.data = services.default_grace_minutes()
        form.trainers.data = sorted(cohort.trainer_ids)
    if form.validate_on_submit():
        session = services.save_session(None, cohort, _session_data(form), actor=_me())
        db.session.commit()
        flash(_("The session is scheduled."), "success")
        return redirect(url_for("attendance.register", session_id=session.id))
    return render_template("attendance/session_form.html", form=form, cohort=cohort,
                           session=None)


def _session_data(form: SessionForm) -> services.SessionData:
    return services.SessionData(
        title=form.title.data, starts_local=form.starts_local.data,
        ends_local=form.ends_local.data, timezone=form.timezone.data,
        venue=form.venue.data or "", city=form.city.data or "",
        online_url=form.online_url.data or None, grace_minutes=form.grace_minutes.data,
        module_ids=list(form.modules.data or []), trainer_ids=list(form.trainers.data or []),
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Permission.ATTENDANCE_TAKE)
def edit_session(session_id: int):
    """Change a session's time, place, modules or trainers."""
    session = _session_for_trainer(session_id)
    cohort = cohorts.load_cohort(session.cohort_id)
    modules, trainers = _form_choices(cohort)
    form = SessionForm(obj=session, modules=modules, trainers=trainers)
    if request.method == "GET":
        form.starts_local.data = services.to_local(session.starts_at, session.timezone)
        form.ends_local.data = services.to_local(session.ends_at, session.timezone)
        form.modules.data = [m.id for m in session.modules]
        form.trainers.data = [t.id for t in session.trainers]
    if form.validate_on_submit():
        services.save_session(session, cohort, _session_data(form), actor=_me())
        db.session.commit()
        flash(_("The session is saved."), "success")
        return redirect(url_for("attendance.register", session_id=session.id))
    return render_template("attendance/session_form.html", form=form, cohort=cohort,
                           session=session)


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
@requires(Permission.ATTENDANCE_TAKE)
def register(session_id: int):
    """The register: one row per member, with the trail of every change below."""
    session = _session_for_trainer(session_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("action") == "all-present":
            changed = services.mark_all_present(session, actor=_me())
        else:
            changed = services.set_attendance(session, _posted_marks(), actor=_me())
        db.session.commit()
        flash(_changes_saved(changed), "success")
        return redirect(url_for("attendance.register", session_id=session.id))
    data = services.register(session, _language())
    statuses = status_labels()
    rows = register_rows.member_rows(data.members, data.records, statuses,
                                     _register_row_labels())
    return render_template("attendance/register.html", session=session, data=data, form=form,
                           statuses=statuses, member_rows=rows)


def _register_row_labels() -> dict[str, str]:
    """The register's per-member labels, translated once per page rather than once per row.

    Each is filled in with a member's name, and the result escaped, as Jinja's `_()` would.
    """
    return {"attendance_of": _("Attendance of %(name)s"), "note_for": _("Note for %(name)s")}


def _changes_saved(n: int) -> str:
    return ngettext("%(num)d change saved.", "%(num)d changes saved.", n)


def _posted_marks() -> dict[int, tuple[str, str]]:
    """The register's rows as posted: status-<user id> and note-<user id>."""
    statuses = {s.value for s in Status}
    marks = {}
    for key, value in request.form.items():
        if key.startswith("status-") and key[7:].isdigit() and value in statuses:
            user_id = int(key[7:])
            marks[user_id] = (value, request.form.get(f"note-{user_id}", ""))
    return marks


@bp.route("/sessions/<int:session_id>/check-in/control", methods=["POST"])
@requires(Permission.ATTENDANCE_TAKE)
def control_check_in(session_id: int):
    """Open or close self check-in."""
    session = _session_for_trainer(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    is_open = request.form.get("open") == "1"
    services.open_check_in(session, is_open, actor=_me())
    db.session.commit()
    if is_open:
        return redirect(url_for("attendance.display_code", session_id=session.id))
    flash(_("Check-in is closed."), "success")
    return redirect(url_for("attendance.register", session_id=session.id))


@bp.route("/sessions/<int:session_id>/check-in/display")
@requires(Permission.ATTENDANCE_TAKE)
def display_code(session_id: int):
    """For the projector: the current code and a QR code; the page refreshes itself."""
    session = _session_for_trainer(session_id)
    code = checkin.current_code(session.id, session.check_in_secret)
    link = url_for("attendance.check_in", session=session.id, code=code, _external=True)
    qr_uri = segno.make(link, error="m").svg_data_uri(scale=8, border=2)
    page = render_template(
        "attendance/display.html", session=session, code=code, link=link,
        qr_uri=qr_uri,
        in_window=services.in_time_window(session, now_utc()), form=ConfirmForm(),
    )
    response = Response(page)
    # The page reloads itself when the code rotates; no script needed.
    response.headers["Refresh"] = str(min(checkin.seconds_left() + 1, 30))
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_in_key() -> str:
    return f"check-in:{getattr(current_user, 'id', request.remote_addr)}"


@bp.route("/check-in", methods=["GET", "POST"])
@requires(Permission.LEARNING_OWN)
@limiter.limit(lambda: current_app.config.get("CHECK_IN_FAILURES_PER_USER", "10 per 10 minutes"),
               key_func=_check_in_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 422)
def check_in():
    """Check in to a session with the code on the screen (typed, or from the QR code)."""
    form = CheckInForm()
    if request.method == "GET":
        form.code.data = request.args.get("code", "")[:12]
        form.session_id.data = request.args.get("session", "")[:12]
    if form.validate_on_submit():
        session_id = int(form.session_id.data) if (form.session_id.data or "").isdigit() else None
        try:
            session, record = services.check_in(_me(), form.code.data, session_id=session_id)
        except services.CheckInRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return render_template("attendance/check_in.html", form=form), 422
        db.session.commit()
        if record.status == Status.LATE:
            flash(_("You are checked in to “%(title)s” (late).", title=session.title), "warning")
        else:
            flash(_("You are checked in to “%(title)s”.", title=session.title), "success")
        return redirect(url_for("attendance.my_seminars"))
    return render_template("attendance/check_in.html", form=form), (
        422 if request.method == "POST" else 200)


@bp.route("/sessions/<int:session_id>/apology", methods=["GET", "POST"])
@requires(Permission.LEARNING_OWN)
def apology(session_id: int):
    """Tell the trainer in advance that you cannot come, and why."""
    session = _session_for_official(session_id)
    form = ApologyForm()
    if session.ends_at < now_utc():
        flash(_("This session is over."), "error")
        return redirect(url_for("attendance.my_seminars"))
    if form.validate_on_submit():
        try:
            services.send_apology(session, _me(), form.reason.data)
        except services.CheckInRefused as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("Your apology is sent to the trainer."), "success")
        return redirect(url_for("attendance.my_seminars"))
    return render_template("attendance/apology.html", session=session, form=form)


@bp.route("/sessions/<int:session_id>/apologies/<int:apology_id>", methods=["POST"])
@requires(Permission.ATTENDANCE_TAKE)
def decide_apology(session_id: int, apology_id: int):
    """Accept an apology (excused) or decline it."""
    session = _session_for_trainer(session_id)
    found = db.session.get(Apology, apology_id)
    if found is None or found.session_id != session.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    accepted = request.form.get("accept") == "1"
    services.decide_apology(session, found, accepted, actor=_me())
    db.session.commit()
    flash(_("The apology is accepted.") if accepted else _("The apology is declined."),
          "success")
    return redirect(url_for("attendance.register", session_id=session.id) + "#apologies")


@bp.route("/sessions/<int:session_id>/sign-in-sheet.pdf")
@requires(Permission.ATTENDANCE_TAKE)
def sign_in_sheet(session_id: int):
    """A printable sign-in sheet for when the network is down."""
    session = _session_for_trainer(session_id)
    body = documents.sign_in_sheet(session, cohorts.members(session.cohort_id))
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="sign-in-sheet-session-{session.id}.pdf"')
    return response


@bp.route("/my/seminars")
@requires(Permission.LEARNING_OWN)
def my_seminars():
    """An official's cohorts, modules with due dates and progress, sessions and attendance."""
    from lms.attendance.summary import official_summary

    return render_template("attendance/my_seminars.html",
                           summary=official_summary(_me(), full=True))


@bp.route("/my/sessions.ics")
@requires(Permission.LEARNING_OWN)
def my_calendar():
    """The official's upcoming sessions as an iCalendar file."""
    sessions = services.upcoming_sessions(_me())
    body = documents.calendar(sessions, host=request.host.split(":")[0] or "lms",
                              now=now_utc())
    response = Response(body, mimetype="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="my-sessions.ics"'
    return response

