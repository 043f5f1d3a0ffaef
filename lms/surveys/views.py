"""Survey pages: opening a form for a cohort, answering it, results, exports, comparison."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.accounts.models import User
from lms.attendance.models import SeminarSession
from lms.cohorts import policy as cohorts_policy
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort
from lms.extensions import db
from lms.reports.charts import horizontal_bars
from lms.security.permissions import Permission
from lms.security.policy import requires
from lms.spreadsheets import XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes
from lms.surveys import figures, policy, services
from lms.surveys.forms import (
    QuestionForm,
    SurveyForm,
    TemplateForm,
    answer_form,
    posted_answers,
)
from lms.surveys.models import QuestionKind, Survey, SurveyTemplate

bp = Blueprint("surveys", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _language() -> str:
    return str(get_locale() or "en")


def _survey_for_staff(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    if not policy.can_see_results(_me(), survey):
        abort(403)
    return survey


@bp.route("/surveys")
@requires(Permission.ATTENDANCE_TAKE)
def index():
    """The feedback forms of the cohorts one may see, with their response rates."""
    visible = policy.visible_surveys(_me(), sa.select(Survey.id))
    templates = db.session.scalars(sa.select(SurveyTemplate).order_by(SurveyTemplate.name)).all()
    cohort_list = db.session.scalars(
        cohorts_policy.visible_cohorts(_me(), sa.select(Cohort))
        .where(Cohort.is_archived.is_(False)).order_by(Cohort.starts_on.desc())).all()
    return render_template("surveys/index.html", rates=figures.response_rates(visible),
                           templates=templates, cohorts=cohort_list)


@bp.route("/cohorts/<int:cohort_id>/surveys/new", methods=["GET", "POST"])
@requires(Permission.ATTENDANCE_TAKE)
def new(cohort_id: int):
    """Open a feedback form for a cohort or one of its sessions."""
    cohort = cohorts.load_cohort(cohort_id)
    if cohort is None:
        abort(404)
    if not policy.can_manage_cohort_surveys(_me(), cohort):
        abort(403)
    form = SurveyForm()
    templates = db.session.scalars(sa.select(SurveyTemplate).order_by(SurveyTemplate.name)).all()
    form.template_id.choices = [SelectChoice(t.id, t.name) for t in templates]
    sessions = db.session.scalars(sa.select(SeminarSession).where(
        SeminarSession.cohort_id == cohort.id).order_by(SeminarSession.starts_at)).all()
    form.session_id.choices = [SelectChoice(0, _("The whole cohort")),
                               *(SelectChoice(s.id, s.title) for s in sessions)]
    if request.method == "GET":
        form.opens_on.data = services.today()
        form.closes_on.data = cohort.ends_on if cohort.ends_on > services.today() else None
        form.title.data = _("Feedback on the seminar")
    if form.validate_on_submit():
        data = services.SurveyData(
            template_id=form.template_id.data, title=form.title.data.strip(),
            opens_on=form.opens_on.data, closes_on=form.closes_on.data,
            is_anonymous=form.is_anonymous.data, session_id=form.session_id.data or None)
        try:
            survey = services.open_survey(cohort, data, actor=_me())
        except services.SurveyRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("The feedback form is open."), "success")
            return redirect(url_for("surveys.results", survey_id=survey.id))
    return render_template("surveys/new.html", form=form, cohort=cohort)


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@requires(Permission.LEARNING_OWN)
def answer(survey_id: int):
    """An official answers a form once; a named form may be changed until it closes."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not policy.may_answer(_me(), survey):
        abort(404)
    questions = survey.template.questions
    responded = services.has_responded(survey, _me())
    mine = services.own_response(survey, _me())
    is_open = survey.is_open_on(services.today())
    may_submit = is_open and (mine is not None or not responded)
    initial = {f"q{k}": v for k, v in services.answers_by_question(mine).items()}
    form = answer_form(questions, _language(), data=None if request.method == "POST" else initial)
    if request.method == "POST":
        if not may_submit:
            flash(_("This form is closed; answers are no longer accepted.") if not is_open
                  else _("You have already answered this form. Anonymous answers cannot be "
                         "changed."), "error")
            return redirect(url_for("surveys.answer", survey_id=survey.id))
        if form.validate_on_submit():
            try:
                services.submit_response(survey, _me(), posted_answers(form, questions))
            except services.SurveyRefused as refusal:
                db.session.rollback()
                flash(str(refusal), "error")
            else:
                db.session.commit()
                flash(_("Thank you, your answers are saved."), "success")
                return redirect(url_for("site.home"))
        return render_template("surveys/answer.html", survey=survey, form=form,
                               responded=responded, mine=mine, may_submit=may_submit,
                               is_open=is_open), 422
    return render_template("surveys/answer.html", survey=survey, form=form, responded=responded,
                           mine=mine, may_submit=may_submit, is_open=is_open)


def _charts(survey: Survey, results, language: str) -> dict:
    """An SVG bar chart for every rating and choice question."""
    charts = {}
    for question in survey.template.questions:
        result = results.get(question.id)
        counts = result.counts if result else {}
        if question.kind == QuestionKind.RATING:
            rows = [(str(r), counts.get(r, 0), str(counts.get(r, 0))) for r in range(1, 6)]
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            rows = [(o.text(language), counts.get(o.id, 0), str(counts.get(o.id, 0)))
                    for o in question.options]
        else:
            continue
        charts[question.id] = horizontal_bars(
            question.text(language), rows,
            _("Number of answers for each choice; the table below shows the same figures."))
    return charts


@bp.route("/surveys/<int:survey_id>/results")
@requires(Permission.ATTENDANCE_TAKE)
def results(survey_id: int):
    """Response rate, who has (not) responded, and the answers question by question."""
    survey = _survey_for_staff(survey_id)
    language = _language()
    rate = figures.response_rates(sa.select(sa.literal(survey.id)))[0]
    responded, missing = figures.respondent_lists(survey)
    answers = figures.question_results(survey)
    return render_template("surveys/results.html", survey=survey, rate=rate,
                           responded=responded, missing=missing, answers=answers,
                           charts=_charts(survey, answers, language), language=language)


@bp.route("/surveys/<int:survey_id>/answers.<extension>")
@requires(Permission.ATTENDANCE_TAKE)
def export(survey_id: int, extension: str):
    """Every response as a CSV or XLSX file (anonymous forms without names or dates)."""
    survey = _survey_for_staff(survey_id)
    header, rows = figures.response_table(survey, _language())
    name = f"survey-{survey.id}-answers.{extension}"
    if extension == "csv":
        response = Response(csv_bytes(header, rows), mimetype="text/csv; charset=utf-8")
    elif extension == "xlsx":
        response = Response(xlsx_bytes([Sheet(_("Answers"), header, rows,
                                              notes=[survey.title, survey.cohort.name])]),
                            mimetype=XLSX_CONTENT_TYPE)
    else:
        abort(404)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/survey-templates/<int:template_id>")
@requires(Permission.ATTENDANCE_TAKE)
def template(template_id: int):
    """A template's questions, and its forms' average ratings cohort by cohort."""
    found = db.session.get(SurveyTemplate, template_id)
    if found is None:
        abort(404)
    visible = policy.visible_surveys(_me(), sa.select(Survey.id)).where(
        Survey.template_id == found.id)
    rates = figures.response_rates(visible)
    averages = figures.rating_averages([r.survey_id for r in rates])
    return render_template("surveys/template.html", template=found, rates=rates,
                           averages=averages, language=_language(), form=QuestionForm())


@bp.route("/survey-templates/new", methods=["GET", "POST"])
@requires(Permission.ATTENDANCE_TAKE)
def new_template():
    """Start a reusable template; questions are added on its page."""
    form = TemplateForm()
    if form.validate_on_submit():
        created = services.create_template(form.name.data.strip(), [], actor=_me())
        db.session.commit()
        flash(_("The template is created. Add its questions."), "success")
        return redirect(url_for("surveys.template", template_id=created.id))
    return render_template("surveys/new_template.html", form=form)


@bp.route("/survey-templates/<int:template_id>/questions", methods=["POST"])
@requires(Permission.ATTENDANCE_TAKE)
def add_question(template_id: int):
    """Add a question, in up to three languages, to a template no form uses yet."""
    found = db.session.get(SurveyTemplate, template_id)
    if found is None:
        abort(404)
    form = QuestionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("surveys.template", template_id=found.id) + "#add-question")
    spec = services.QuestionSpec(
        kind=form.kind.data, required=form.is_required.data,
        texts=(form.text_en.data.strip(), (form.text_ru.data or "").strip(),
               (form.text_be.data or "").strip()),
        options=form.options())
    try:
        services.add_question(found, spec)
    except services.SurveyRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(_("The question is added."), "success")
    return redirect(url_for("surveys.template", template_id=found.id) + "#add-question")
