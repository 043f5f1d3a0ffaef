"""Trainers' pages for building quizzes: settings, pre-test and post-test pairs, questions,
essay grading and regrading."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from lms.content.models import Module
from lms.extensions import db
from lms.quizzes import bank, building, grading
from lms.quizzes.blueprint import bp, language, module_or_404, module_title
from lms.quizzes.forms import (
    ActionForm,
    AddQuestionForm,
    AddRandomForm,
    EssayGradeForm,
    QuizForm,
)
from lms.quizzes.models import (
    POST_TEST,
    PRE_TEST,
    Attempt,
    AttemptItem,
    Question,
    QuestionCategory,
    Quiz,
    QuizSlot,
)
from lms.quizzes.question_types import QUESTION_TYPES, question_type
from lms.security.permissions import Permission
from lms.security.policy import requires

# --- Trainers: building quizzes ----------------------------------------------------------


def _zone() -> ZoneInfo:
    """The time zone dates are shown and typed in (the programme's, Minsk by default)."""
    return ZoneInfo(str(get_timezone()))


def _quiz_settings(form: QuizForm) -> dict:
    def utc(value: dt.datetime | None) -> dt.datetime | None:
        return value.replace(tzinfo=_zone()).astimezone(dt.UTC) if value else None

    return {
        "title": form.title.data.strip(), "purpose": form.purpose.data,
        "is_published": form.is_published.data, "pass_percent": form.pass_percent.data,
        "attempts_allowed": form.attempts_allowed.data,
        "time_limit_minutes": form.time_limit_minutes.data,
        "opens_at": utc(form.opens_at.data), "closes_at": utc(form.closes_at.data),
        "shuffle_questions": form.shuffle_questions.data,
        "shuffle_answers": form.shuffle_answers.data,
        "review_answers": form.review_answers.data, "review_correct": form.review_correct.data,
        "review_feedback": form.review_feedback.data, "review_when": form.review_when.data,
        "paired_quiz_id": (form.paired_quiz_id.data or None)
        if form.purpose.data == PRE_TEST else None,
        "language": form.language.data or None,
    }


def _pair_choices(module_id: int, quiz: Quiz | None) -> list[SelectChoice]:
    post_tests = db.session.scalars(
        sa.select(Quiz).filter_by(module_id=module_id, purpose=POST_TEST).order_by(Quiz.id)
    )
    return [SelectChoice(0, _("None"))] + [SelectChoice(q.id, q.title) for q in post_tests
                                           if q is not quiz]


@bp.route("/modules/<int:module_id>/new", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def new_quiz(module_id: int):
    """Set up a quiz; its questions are chosen next."""
    module = module_or_404(module_id)
    form = QuizForm()
    form.paired_quiz_id.choices = _pair_choices(module.id, None)
    if form.validate_on_submit():
        quiz = building.create_quiz(module, _quiz_settings(form), current_user)
        db.session.commit()
        flash(_("The quiz is created. Now add its questions."), "success")
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))
    return render_template("quizzes/quiz_form.html", module=module, form=form, quiz=None,
                           title=module_title(module))


@bp.route("/modules/<int:module_id>/pair", methods=["POST"])
@requires(Permission.QUIZZES_AUTHOR)
def create_pair(module_id: int):
    """Create a published pre-test and post-test from the module's knowledge-check questions."""
    module = module_or_404(module_id)
    if ActionForm().validate_on_submit():
        try:
            pre, _post = building.create_pre_post_pair(module, current_user, language())
        except LookupError as missing:
            flash(_('The bank has no questions in the category "%(path)s".',
                    path=str(missing.args[0])), "error")
            return redirect(url_for("quizzes.bank_page", module_id=module.id))
        db.session.commit()
        flash(_("The pre-test and the post-test are created and published."), "success")
        return redirect(url_for("quizzes.edit_quiz", quiz_id=pre.id))
    return redirect(url_for("quizzes.bank_page", module_id=module.id))


def _building_forms(quiz: Quiz) -> tuple[AddQuestionForm, AddRandomForm]:
    question_form = AddQuestionForm(prefix="fixed")
    random_form = AddRandomForm(prefix="random")
    categories = db.session.scalars(
        sa.select(QuestionCategory).filter_by(module_id=quiz.module_id)
        .order_by(QuestionCategory.path)
    ).all()
    question_form.question_id.choices = [
        SelectChoice(q.id, f"{q.category.path}: "
                     f"{q.current_version.title or q.current_version.text[:60]}")
        for q in bank.bank_questions(quiz.module_id)
        if q.current_version and q.current_version.qtype in QUESTION_TYPES
    ]
    random_form.category_id.choices = [SelectChoice(c.id, c.path) for c in categories]
    return question_form, random_form


def _load_quiz(quiz_id: int) -> Quiz:
    quiz = db.session.scalar(
        sa.select(Quiz).filter_by(id=quiz_id).options(
            selectinload(Quiz.slots).selectinload(QuizSlot.question)
            .selectinload(Question.current_version),
            selectinload(Quiz.slots).selectinload(QuizSlot.category),
        )
    )
    if quiz is None:
        abort(404)
    return quiz


@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def edit_quiz(quiz_id: int):
    """A quiz's settings and questions."""
    quiz = _load_quiz(quiz_id)
    module = db.session.get(Module, quiz.module_id)
    form = QuizForm(obj=quiz if request.method == "GET" else None)
    form.paired_quiz_id.choices = _pair_choices(module.id, quiz)
    if request.method == "GET":
        form.paired_quiz_id.data = quiz.paired_quiz_id or 0
        for field in (form.opens_at, form.closes_at):
            field.data = field.data.astimezone(_zone()).replace(tzinfo=None) if field.data \
                else None
    if form.validate_on_submit():
        building.update_quiz(quiz, _quiz_settings(form), current_user)
        db.session.commit()
        flash(_("The quiz settings are saved."), "success")
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))
    question_form, random_form = _building_forms(quiz)
    return render_template("quizzes/quiz_form.html", module=module, form=form, quiz=quiz,
                           title=module_title(module), question_form=question_form,
                           random_form=random_form, action_form=ActionForm(),
                           locked=building.has_attempts(quiz))


def _change_questions(quiz: Quiz, change, done: str):
    """Apply a change to a quiz's questions, unless attempts have locked them; back to the quiz."""
    try:
        change()
    except building.QuizLocked:
        flash(_("Someone has attempted this quiz: its questions can no longer change."),
              "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))


@bp.route("/<int:quiz_id>/slots/question", methods=["POST"])
@requires(Permission.QUIZZES_AUTHOR)
def add_question_slot(quiz_id: int):
    """Add a fixed question from the bank."""
    quiz = _load_quiz(quiz_id)
    form, _random = _building_forms(quiz)
    if not form.validate_on_submit():
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))
    question = db.session.get(Question, form.question_id.data)
    return _change_questions(
        quiz, lambda: building.add_question(quiz, question, float(form.marks.data)),
        _("The question is added."))


@bp.route("/<int:quiz_id>/slots/random", methods=["POST"])
@requires(Permission.QUIZZES_AUTHOR)
def add_random_slot(quiz_id: int):
    """Add places filled with random questions of a category."""
    quiz = _load_quiz(quiz_id)
    _fixed, form = _building_forms(quiz)
    if not form.validate_on_submit():
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))
    category = db.session.get(QuestionCategory, form.category_id.data)
    return _change_questions(
        quiz, lambda: building.add_random(quiz, category, form.count.data,
                                          float(form.marks.data)),
        _("The random questions are added."))


@bp.route("/<int:quiz_id>/slots/<int:slot_id>/remove", methods=["POST"])
@requires(Permission.QUIZZES_AUTHOR)
def remove_slot(quiz_id: int, slot_id: int):
    """Take a question out of the quiz (it stays in the bank)."""
    quiz = _load_quiz(quiz_id)
    slot = next((s for s in quiz.slots if s.id == slot_id), None)
    if slot is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))
    return _change_questions(quiz, lambda: building.remove_slot(quiz, slot),
                             _("The question is removed from the quiz."))


# --- Trainers: grading and regrading -----------------------------------------------------


@bp.route("/<int:quiz_id>/grading")
@requires(Permission.QUIZZES_AUTHOR)
def grading_queue(quiz_id: int):
    """Essay answers waiting for a trainer."""
    quiz = db.get_or_404(Quiz, quiz_id)
    items = grading.grading_queue(quiz)
    forms = {item.id: EssayGradeForm(prefix=f"item-{item.id}", formdata=None) for item in items}
    return render_template("quizzes/grading.html", quiz=quiz, items=items, forms=forms)


@bp.route("/items/<int:item_id>/grade", methods=["POST"])
@requires(Permission.QUIZZES_AUTHOR)
def grade_essay(item_id: int):
    """Score an essay answer with a comment."""
    item = db.get_or_404(AttemptItem, item_id)
    attempt = db.session.get(Attempt, item.attempt_id)
    form = EssayGradeForm(prefix=f"item-{item.id}")
    is_essay = question_type(item.version.qtype).is_manual
    if form.validate_on_submit() and is_essay and attempt.is_finished \
            and form.score.data <= item.marks:
        grading.grade_essay(item, float(form.score.data), form.comment.data or "", current_user)
        db.session.commit()
        flash(_("The essay is graded."), "success")
    else:
        flash(_("Give a score between 0 and %(marks)s.", marks=f"{item.marks:g}"), "error")
    return redirect(url_for("quizzes.grading_queue", quiz_id=attempt.quiz_id))


@bp.route("/<int:quiz_id>/regrade", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def regrade(quiz_id: int):
    """Show what grading answers again with the current question versions would change."""
    quiz = db.get_or_404(Quiz, quiz_id)
    form = ActionForm()
    if form.validate_on_submit():
        changes = grading.apply_regrade(quiz, current_user)
        db.session.commit()
        flash(_("%(n)d answers were graded again.", n=len(changes)), "success")
        return redirect(url_for("quizzes.results", quiz_id=quiz.id))
    return render_template("quizzes/regrade.html", quiz=quiz, form=form,
                           changes=grading.preview_regrade(quiz))
