"""Officials' pages for taking a quiz: its rules, starting, answering, saving, submitting and
reviewing an attempt; and the full attempt report for trainers and staff."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from lms.db import now_utc
from lms.extensions import csrf, db
from lms.quizzes import attempts as attempt_service
from lms.quizzes.blueprint import bp
from lms.quizzes.forms import ActionForm, AttemptForm
from lms.quizzes.models import Attempt, AttemptItem, Quiz
from lms.quizzes.policy import Review, may_take, owns_attempt, review_for
from lms.quizzes.question_types import question_type
from lms.security.permissions import Permission
from lms.security.policy import requires


@bp.route("/<int:quiz_id>")
@requires(Permission.LEARNING_OWN)
def quiz_page(quiz_id: int):
    """A quiz's rules and the official's attempts at it."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not may_take(quiz):
        abort(404)
    attempts = attempt_service.attempts_of(quiz, current_user)
    used = len(attempts)
    can_start = attempt_service.is_open(quiz, now_utc()) and (
        not quiz.attempts_allowed or used < quiz.attempts_allowed
        or any(not a.is_finished for a in attempts))
    return render_template("quizzes/quiz.html", quiz=quiz, attempts=attempts,
                           can_start=can_start, form=ActionForm(),
                           question_count=len(quiz.slots))


@bp.route("/<int:quiz_id>/start", methods=["POST"])
@requires(Permission.LEARNING_OWN)
def start(quiz_id: int):
    """Start an attempt, or go back to the one in progress."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not may_take(quiz):
        abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("quizzes.quiz_page", quiz_id=quiz.id))
    try:
        attempt = attempt_service.start_attempt(quiz, current_user._get_current_object())
    except attempt_service.AttemptRefused as refusal:
        db.session.commit()
        flash(str(refusal), "error")
        return redirect(url_for("quizzes.quiz_page", quiz_id=quiz_id))
    # Read before the commit, which would expire it and cost a query.
    attempt_id = attempt.id
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


def _own_attempt(attempt_id: int, *, with_quiz: bool = False) -> Attempt:
    attempt = db.session.execute(_attempt_query(with_quiz),
                                 {"attempt_id": attempt_id}).scalar_one_or_none()
    # Someone else's attempt answers exactly like a missing one.
    if attempt is None or not owns_attempt(current_user, attempt):
        abort(404)
    return attempt


@functools.cache
def _attempt_query(with_quiz: bool) -> sa.Select:
    """An attempt by id, with its quiz for the pages that show it. Built once per process:
    building a statement costs more than running this one."""
    query = sa.select(Attempt).where(Attempt.id == sa.bindparam("attempt_id"))
    return query.options(joinedload(Attempt.quiz)) if with_quiz else query


def _render_attempt(attempt: Attempt, items: list[AttemptItem], form: AttemptForm,
                    posted=None, status: int = 200):
    form.sequence.data = str(attempt.save_sequence + 1)
    versions = attempt_service.item_versions(items)
    views = []
    for item in items:
        version = versions[item.id]
        kind = question_type(version.qtype)
        if posted is not None and item.id in posted:
            values = posted[item.id]
        else:
            values = kind.form_values(item.layout, item.response)
        selected = kind.selected(version, item.layout, item.response) \
            if version.qtype == "matching" else {}
        views.append({"item": item, "version": version, "options":
                      kind.options(version, item.layout), "values": values,
                      "selected": selected,
                      "pairs": kind.pairs(version) if version.qtype == "matching" else []})
    if posted is not None:
        # Matching values come back as one display index per left item, in order.
        for view in views:
            if view["version"].qtype == "matching" and view["item"].id in posted:
                view["selected"] = dict(zip([p.position for p in view["pairs"]],
                                            posted[view["item"].id], strict=False))
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz,
                           views=views, form=form), status


@bp.route("/attempts/<int:attempt_id>")
@requires(Permission.LEARNING_OWN)
def attempt(attempt_id: int):
    """The questions of an attempt in progress, with the answers saved so far."""
    attempt = _own_attempt(attempt_id, with_quiz=True)
    # An attempt left open past its deadline is closed by the clock, not by this page.
    if attempt_service.close_if_overdue(attempt):
        db.session.commit()
        flash(_("The time limit has passed: the attempt was graded with the answers saved."),
              "info")
    if attempt.is_finished:
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    return _render_attempt(attempt, attempt_service.load_items(attempt), AttemptForm())


def _sequence(form: AttemptForm) -> int:
    raw = form.sequence.data or ""
    return int(raw) if raw.isdigit() else 0


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


# The CSRF check is made below by the form, so that a page that outlived its token is shown
# again with the official's answers instead of an error page that loses them.
@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@csrf.exempt
@requires(Permission.LEARNING_OWN)
def save(attempt_id: int):
    """Keep the answers given so far (the autosave script and the Save button)."""
    attempt = _own_attempt(attempt_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(saved=False, reason="expired"), 400
        flash(_("The page expired before your answers were sent. They are shown again: "
                "save or submit them once more."), "error")
        return _render_expired(attempt, form)
    saved = attempt_service.save_answers(attempt, _sequence(form),
                                         attempt_service.shown_answers(request.form))
    # Read before the commit, which would expire it and cost a query.
    sequence = attempt.save_sequence
    db.session.commit()
    if _wants_json():
        if saved:
            return jsonify(saved=True, sequence=sequence)
        return jsonify(saved=False, reason="finished" if attempt.is_finished else "stale"), 409
    # A save that was kept held the attempt in progress until the commit.
    if saved:
        flash(_("Your answers are saved."), "success")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    if attempt.is_finished:
        flash(_("This attempt is already finished."), "info")
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    flash(_("This page was out of date, so it did not replace newer answers. Here are the "
            "answers saved last."), "error")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@csrf.exempt
@requires(Permission.LEARNING_OWN)
def submit(attempt_id: int):
    """Finish the attempt and have it graded."""
    attempt = _own_attempt(attempt_id)
    form = AttemptForm()
    if not form.validate_on_submit():
        flash(_("The page expired before your answers were sent. They are shown again: "
                "submit them once more."), "error")
        return _render_expired(attempt, form)
    finished = attempt_service.finish_attempt(attempt, sequence=_sequence(form),
                                              answers=attempt_service.shown_answers(request.form))
    db.session.commit()
    if finished:
        flash(_("Your attempt is submitted."), "success")
    else:
        flash(_("This attempt was already submitted."), "info")
    return redirect(url_for("quizzes.review", attempt_id=attempt_id))


def _render_expired(attempt: Attempt, form: AttemptForm):
    """The attempt again with the answers the expired page sent, for the official to resend."""
    items = attempt_service.load_items(attempt)
    return _render_attempt(attempt, items, form, status=400,
                           posted=attempt_service.answers_from_form(items, request.form))


@bp.route("/attempts/<int:attempt_id>/review")
@requires(Permission.LEARNING_OWN)
def review(attempt_id: int):
    """The grade of a finished attempt and what the quiz lets the official review."""
    attempt = _own_attempt(attempt_id, with_quiz=True)
    # An attempt left open past its deadline is closed by the clock, not by this page.
    if not attempt.is_finished and attempt_service.close_if_overdue(attempt):
        db.session.commit()
    if not attempt.is_finished:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz,
                           rows=_review_rows(attempt), shown=review_for(attempt, now_utc()),
                           for_trainer=False)


def _review_rows(attempt: Attempt) -> list[dict]:
    items = attempt_service.load_items(attempt)
    versions = attempt_service.item_versions(items)
    rows = []
    for item in items:
        version = versions[item.id]
        kind = question_type(version.qtype)
        rows.append({
            "item": item, "version": version,
            "given": kind.describe(version, item.layout, item.response),
            "right": kind.right_answer(version),
            "feedback": kind.feedback(version, item.response),
        })
    return rows


@bp.route("/attempts/<int:attempt_id>/report")
@requires(Permission.QUIZZES_RESULTS)
def attempt_report(attempt_id: int):
    """A finished attempt in full, for trainers and programme staff."""
    attempt = db.get_or_404(Attempt, attempt_id)
    if not attempt.is_finished:
        abort(404)
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz,
                           rows=_review_rows(attempt), for_trainer=True,
                           shown=Review(allowed=True, answers=True, correct=True, feedback=True))
