"""Quiz pages: the trainer's bank and quiz building, results, and the official's attempts."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from lms.content.models import Module
from lms.content.rendering import render_markdown, sanitize_html
from lms.db import now_utc
from lms.extensions import csrf, db
from lms.quizzes import attempts as attempt_service
from lms.quizzes import bank, building, grading
from lms.quizzes.forms import (
    PURPOSE_LABELS,
    ActionForm,
    AddQuestionForm,
    AddRandomForm,
    AttemptForm,
    EditQuestionForm,
    EssayGradeForm,
    GiftImportForm,
    QuestionForm,
    QuizForm,
)
from lms.quizzes.gift import GiftError
from lms.quizzes.item_analysis import item_analysis
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
from lms.quizzes.policy import Review, may_take, owns_attempt, review_for
from lms.quizzes.question_types import QUESTION_TYPES, question_type
from lms.quizzes.results import gain_by_cohort, knowledge_gain, quiz_attempts, summarise
from lms.security.permissions import Permission
from lms.security.policy import requires

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.app_template_filter("quiz_text")
@functools.lru_cache(maxsize=4096)
def quiz_text(text: str, text_format: str = "moodle") -> Markup:
    """Question and feedback text as safe HTML, whatever format it was written in.

    Kept for later pages of this process: the result depends on the two arguments only, and
    an attempt page shows the same question texts to everyone taking the quiz.
    """
    if text_format == "markdown":
        return Markup(render_markdown(text).html)  # noqa: S704 - sanitised by nh3
    if text_format == "plain":
        return Markup("<br>").join(escape(text).split("\n"))
    return Markup(sanitize_html(text.replace("\n", "<br>")))  # noqa: S704 - sanitised by nh3


@bp.app_context_processor
def _labels():
    return {"purpose_label": lambda p: PURPOSE_LABELS.get(p, p),
            "qtype_label": lambda t: QUESTION_TYPES[t].label if t in QUESTION_TYPES
            else _("Description")}


def _language() -> str:
    return str(get_locale() or "en")


def _module_or_404(module_id: int) -> Module:
    return db.get_or_404(Module, module_id)


def _module_title(module: Module) -> str:
    translation = module.translation(_language()) or module.translation(module.source_language)
    return translation.title if translation else module.slug


# --- Trainers: the question bank ---------------------------------------------------------


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
                           module_title=_module_title, form=ActionForm())


@bp.route("/modules/<int:module_id>/bank")
@requires(Permission.QUIZZES_AUTHOR)
def bank_page(module_id: int):
    """A module's question bank by category."""
    module = _module_or_404(module_id)
    questions = bank.bank_questions(module.id)
    categories = sorted({q.category.path for q in questions})
    tags = sorted({tag for q in questions for tag in q.tags})
    category, tag = request.args.get("category", ""), request.args.get("tag", "")
    shown = [q for q in questions if (not category or q.category.path == category)
             and (not tag or tag in q.tags)]
    return render_template("quizzes/bank.html", module=module, title=_module_title(module),
                           questions=shown, categories=categories, tags=tags,
                           category=category, tag=tag)


@bp.route("/modules/<int:module_id>/import", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def import_gift(module_id: int):
    """Upload a GIFT file into the module's bank: all of it, or nothing."""
    module = _module_or_404(module_id)
    form = GiftImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            result = bank.import_gift(module, form.file.data.read(), _language(), current_user)
        except GiftError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("Imported questions: %(questions)d. Categories: %(categories)d.",
                    questions=result.questions, categories=result.categories), "success")
            return redirect(url_for("quizzes.bank_page", module_id=module.id))
    return render_template("quizzes/import.html", module=module, title=_module_title(module),
                           form=form, problems=problems)


@bp.route("/modules/<int:module_id>/bank.gift")
@requires(Permission.QUIZZES_AUTHOR)
def export_gift(module_id: int):
    """Download the module's bank as a GIFT file."""
    module = _module_or_404(module_id)
    return Response(bank.export_gift(module), mimetype="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{module.slug}-questions.gift"'})


@bp.route("/modules/<int:module_id>/questions/new", methods=["GET", "POST"])
@requires(Permission.QUIZZES_AUTHOR)
def new_question(module_id: int):
    """Write a question in GIFT."""
    module = _module_or_404(module_id)
    form = QuestionForm()
    problems = []
    if form.validate_on_submit():
        try:
            gift = bank.parse_single_question(form.gift.data)
        except GiftError as error:
            problems = error.problems
        else:
            bank.add_question(module, form.category.data.strip(), gift,
                              bank.parse_tags(form.tags.data or ""), _language(), current_user)
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
    module = _module_or_404(module_id)
    form = QuizForm()
    form.paired_quiz_id.choices = _pair_choices(module.id, None)
    if form.validate_on_submit():
        quiz = building.create_quiz(module, _quiz_settings(form), current_user)
        db.session.commit()
        flash(_("The quiz is created. Now add its questions."), "success")
        return redirect(url_for("quizzes.edit_quiz", quiz_id=quiz.id))
    return render_template("quizzes/quiz_form.html", module=module, form=form, quiz=None,
                           title=_module_title(module))


@bp.route("/modules/<int:module_id>/pair", methods=["POST"])
@requires(Permission.QUIZZES_AUTHOR)
def create_pair(module_id: int):
    """Create a published pre-test and post-test from the module's knowledge-check questions."""
    module = _module_or_404(module_id)
    if ActionForm().validate_on_submit():
        try:
            pre, _post = building.create_pre_post_pair(module, current_user, _language())
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
                           title=_module_title(module), question_form=question_form,
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


# --- Trainers and staff: results ---------------------------------------------------------


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


# --- Officials: taking a quiz ------------------------------------------------------------


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
