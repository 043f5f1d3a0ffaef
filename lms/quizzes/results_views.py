"""Trainers' and programme staff's pages: the quizzes of every module and their results."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms.content.models import Module
from lms.extensions import db
from lms.quizzes import attempts as attempt_service
from lms.quizzes.blueprint import bp, module_title
from lms.quizzes.forms import ActionForm
from lms.quizzes.item_analysis import item_analysis
from lms.quizzes.models import PRE_TEST, Quiz
from lms.quizzes.results import gain_by_cohort, knowledge_gain, quiz_attempts, summarise
from lms.security.permissions import Permission
from lms.security.policy import requires


@bp.route("/")
@requires(Permission.QUIZZES_RESULTS)
def index():
    """Every module with its quizzes."""
    modules = db.session.scalars(
        sa.select(Module).options(selectinload(Module.translations))
        .order_by(Module.position, Module.slug)
    ).all()
    quizzes = db.session.scalars(sa.select(Quiz).order_by(Quiz.module_id, Quiz.id)).all()
    by_module: dict[int, list[Quiz]] = {}
    for quiz in quizzes:
        by_module.setdefault(quiz.module_id, []).append(quiz)
    return render_template("quizzes/index.html", modules=modules, by_module=by_module,
                           module_title=module_title, form=ActionForm())


@bp.route("/<int:quiz_id>/results")
@requires(Permission.QUIZZES_RESULTS)
def results(quiz_id: int):
    """Attempts, grades and pass rate of a quiz."""
    quiz = db.get_or_404(Quiz, quiz_id)
    # Attempts past their deadline were closed by the clock, not by this page: record it.
    if attempt_service.close_overdue(quiz_id=quiz.id):
        db.session.commit()
    attempts = quiz_attempts(quiz)
    return render_template("quizzes/results.html", quiz=quiz, attempts=attempts,
                           summary=summarise(quiz, attempts))


@bp.route("/<int:quiz_id>/analysis")
@requires(Permission.QUIZZES_RESULTS)
def analysis(quiz_id: int):
    """Item analysis: facility, discrimination and the answers chosen, per question."""
    quiz = db.get_or_404(Quiz, quiz_id)
    return render_template("quizzes/analysis.html", quiz=quiz, statistics=item_analysis(quiz))


@bp.route("/<int:quiz_id>/gain")
@requires(Permission.QUIZZES_RESULTS)
def gain(quiz_id: int):
    """Knowledge gain from a pre-test to its paired post-test."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if quiz.purpose != PRE_TEST or quiz.paired_quiz_id is None:
        abort(404)
    report = knowledge_gain(quiz)
    return render_template("quizzes/gain.html", quiz=quiz, report=report,
                           cohorts=gain_by_cohort(report, current_user))
