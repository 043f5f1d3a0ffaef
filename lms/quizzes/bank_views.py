"""Trainers' pages for a module's question bank: browsing, writing and editing questions, GIFT
import and export."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.content.models import Module
from lms.extensions import db
from lms.quizzes import bank
from lms.quizzes.blueprint import bp, language, module_or_404, module_title
from lms.quizzes.forms import EditQuestionForm, GiftImportForm, QuestionForm
from lms.quizzes.gift import GiftError
from lms.quizzes.models import Question
from lms.security.permissions import Permission
from lms.security.policy import requires


@bp.route("/modules/<int:module_id>/bank")
@requires(Permission.QUIZZES_AUTHOR)
def bank_page(module_id: int):
    """A module's question bank by category."""
    module = module_or_404(module_id)
    questions = bank.bank_questions(module.id)
    categories = sorted({q.category.path for q in questions})
    tags = sorted({tag for q in questions for tag in q.tags})
    category, tag = request.args.get("category", ""), request.args.get("tag", "")
    shown = [q for q in questions if (not category or q.category.path == category)
             and (not tag or tag in q.tags)]
    return render_template("quizzes/bank.html", module=module, title=module_title(module),
                           questions=shown, categories=categories, tags=tags,
                           category=category, tag=tag)


@bp.route("/modules/<int:module_id>/import", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def import_gift(module_id: int):
    """Upload a GIFT file into the module's bank: all of it, or nothing."""
    module = module_or_404(module_id)
    form = GiftImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            result = bank.import_gift(module, form.file.data.read(), language(), current_user)
        except GiftError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("Imported questions: %(questions)d. Categories: %(categories)d.",
                    questions=result.questions, categories=result.categories), "success")
            return redirect(url_for("quizzes.bank_page", module_id=module.id))
    return render_template("quizzes/import.html", module=module, title=module_title(module),
                           form=form, problems=problems)


@bp.route("/modules/<int:module_id>/bank.gift")
@requires(Permission.QUIZZES_AUTHOR)
def export_gift(module_id: int):
    """Download the module's bank as a GIFT file."""
    module = module_or_404(module_id)
    return Response(bank.export_gift(module), mimetype="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{module.slug}-questions.gift"'})


@bp.route("/modules/<int:module_id>/questions/new", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def new_question(module_id: int):
    """Write a question in GIFT."""
    module = module_or_404(module_id)
    form = QuestionForm()
    problems = []
    if form.validate_on_submit():
        try:
            gift = bank.parse_single_question(form.gift.data)
        except GiftError as error:
            problems = error.problems
        else:
            bank.add_question(module, form.category.data.strip(), gift,
                              bank.parse_tags(form.tags.data or ""), language(), current_user)
            db.session.commit()
            flash(_("The question is in the bank."), "success")
            return redirect(url_for("quizzes.bank_page", module_id=module.id))
    return render_template("quizzes/question_form.html", module=module, form=form,
                           problems=problems, question=None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def edit_question(question_id: int):
    """Change a question; the change is saved as a new version."""
    question = db.get_or_404(Question, question_id)
    module = db.session.get(Module, question.module_id)
    # The category stays: moving a question would change what random places draw.
    form = EditQuestionForm()
    if request.method == "GET":
        form.gift.data = bank.question_as_gift(question)
        form.tags.data = ", ".join(question.tags)
    problems = []
    if form.validate_on_submit():
        try:
            gift = bank.parse_single_question(form.gift.data)
        except GiftError as error:
            problems = error.problems
        else:
            changed = bank.edit_question(question, gift, bank.parse_tags(form.tags.data or ""),
                                         current_user)
            db.session.commit()
            flash(_("Saved as version %(n)d. Attempts already made keep the version they "
                    "showed; regrade a quiz to apply the change to them.",
                    n=question.current_version.number) if changed
                  else _("Saved; the question itself did not change."), "success")
            return redirect(url_for("quizzes.bank_page", module_id=module.id))
    return render_template("quizzes/question_form.html", module=module, form=form,
                           problems=problems, question=question)
