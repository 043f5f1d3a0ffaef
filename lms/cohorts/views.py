"""Cohort pages: the list, members and progress, modules and quizzes, enrolment, imports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms.accounts.forms import ConfirmForm
from lms.accounts.models import User
from lms.attendance.views import status_labels
from lms.cohorts import exports, grid, imports, policy, services
from lms.cohorts.forms import CohortForm, ImportForm, ModuleAssignmentForm, QuizAssignmentForm
from lms.cohorts.models import Cohort, CohortImport, CohortTrainer
from lms.content.models import Module
from lms.extensions import db
from lms.quizzes.forms import PURPOSE_LABELS
from lms.quizzes.models import Quiz
from lms.security.permissions import Permission
from lms.security.policy import requires

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _me() -> User:
    return current_user._get_current_object()


def _cohort(cohort_id: int) -> Cohort:
    cohort = services.load_cohort(cohort_id)
    if cohort is None:
        abort(404)
    if not policy.can_view_cohort(_me(), cohort):
        abort(403)
    return cohort


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


@bp.app_template_global()
def module_title(module) -> str:
    return services.module_title(module, _language())


def _quiz_labels(module_titles: list[tuple[int, str]],
                 quizzes: list[services.QuizChoice]) -> list[tuple[int, str]]:
    """The published quizzes as "module: quiz (purpose)", each label translated once."""
    modules = dict(module_titles)
    purposes = {value: str(label) for value, label in PURPOSE_LABELS.items()}
    return [(q.id, f"{modules.get(q.module_id, '')}: {q.title} "
                   f"({purposes.get(q.purpose, q.purpose)})")
            for q in quizzes]


@bp.route("")
@requires(Permission.COHORTS_VIEW)
def index():
    """Cohorts this person may see: every cohort for staff, their own for trainers."""
    archived = request.args.get("archived") == "1"
    query = (
        sa.select(Cohort)
        .where(Cohort.is_archived.is_(archived))
        .options(selectinload(Cohort.trainers).joinedload(CohortTrainer.user))
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(policy.visible_cohorts(_me(), query), page=page,
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("cohorts/index.html", pagination=pagination, archived=archived,
                           can_manage=policy.sees_every_cohort(_me()))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.COHORTS_MANAGE)
def new():
    """Create a cohort."""
    form = CohortForm()
    if form.validate_on_submit():
        cohort = services.save_cohort(None, form.data_object(), actor=_me())
        db.session.commit()
        flash(_("The cohort is created."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@requires(Permission.COHORTS_MANAGE)
def edit(cohort_id: int):
    """Change a cohort's details and trainers."""
    cohort = _cohort(cohort_id)
    form = CohortForm(obj=cohort)
    if request.method == "GET":
        form.trainers.data = sorted(cohort.trainer_ids)
    if form.validate_on_submit():
        services.save_cohort(cohort, form.data_object(), actor=_me())
        db.session.commit()
        flash(_("The cohort is saved."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


@bp.route("/<int:cohort_id>/archive", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def archive(cohort_id: int):
    """Archive a cohort, or bring it back."""
    cohort = _cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    archived = request.form.get("archived") == "1"
    services.set_archived(cohort, archived, actor=_me())
    db.session.commit()
    flash(_("The cohort is archived.") if archived else _("The cohort is active again."),
          "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>")
@requires(Permission.COHORTS_VIEW)
def show(cohort_id: int):
    """Members with each person's attendance, module progress and quiz grades in one table."""
    # The cohort and its trainers as rows, in one query: the page loads the rest as the
    # columns it shows.
    cohort, trainers = services.cohort_with_trainers(cohort_id)
    if cohort is None:
        abort(404)
    if not policy.can_view_cohort(_me(), cohort, {t.id for t in trainers}):
        abort(403)
    can_manage = policy.sees_every_cohort(_me())
    data = services.overview(cohort, trainers, _language(), with_quiz_choices=can_manage)
    # Every staff form on the page (archive, assign, remove, unenrol) carries the same CSRF
    # field (Flask-WTF has one token a session): written once.
    csrf_field = ConfirmForm().hidden_tag("csrf_token")
    module_form = quiz_form = unenrol = None
    if can_manage:
        module_form = ModuleAssignmentForm()
        module_form.module_id.choices = data.module_titles
        quiz_form = QuizAssignmentForm()
        quiz_form.quiz_id.choices = _quiz_labels(data.module_titles, data.quiz_choices)
        unenrol = grid.Unenrol(url_for("cohorts.unenrol", cohort_id=cohort.id), _("Unenrol"),
                               csrf_field)
    return render_template("cohorts/show.html", cohort=cohort, data=data,
                           member_rows=grid.member_rows(data, status_labels(), unenrol),
                           module_form=module_form, quiz_form=quiz_form, csrf_field=csrf_field,
                           can_manage=can_manage)


@bp.route("/<int:cohort_id>/modules", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def assign_module(cohort_id: int):
    """Assign a module with a due date, or change the due date."""
    cohort = _cohort(cohort_id)
    form = ModuleAssignmentForm()
    form.module_id.choices = [(m_id, "") for m_id in db.session.scalars(sa.select(Module.id))]
    if form.validate_on_submit():
        module = db.session.get(Module, form.module_id.data)
        services.assign_module(cohort, module, form.due_on.data, actor=_me())
        db.session.commit()
        flash(_("The module is assigned."), "success")
    else:
        flash(_("Choose a module and a valid date."), "error")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id) + "#modules")


@bp.route("/<int:cohort_id>/modules/remove", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def unassign_module(cohort_id: int):
    """Take a module off the cohort."""
    cohort = _cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    module_id = request.form.get("module_id", type=int)
    if module_id:
        services.unassign_module(cohort, module_id, actor=_me())
        db.session.commit()
        flash(_("The module is no longer assigned."), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id) + "#modules")


@bp.route("/<int:cohort_id>/quizzes", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def assign_quiz(cohort_id: int):
    """Assign a published quiz with a due date, or change the due date."""
    cohort = _cohort(cohort_id)
    form = QuizAssignmentForm()
    form.quiz_id.choices = [(q_id, "") for q_id in db.session.scalars(
        sa.select(Quiz.id).where(Quiz.is_published.is_(True)))]
    if form.validate_on_submit():
        quiz = db.session.get(Quiz, form.quiz_id.data)
        services.assign_quiz(cohort, quiz, form.due_on.data, actor=_me())
        db.session.commit()
        flash(_("The quiz is assigned."), "success")
    else:
        flash(_("Choose a published quiz and a valid date."), "error")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id) + "#quizzes")


@bp.route("/<int:cohort_id>/quizzes/remove", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def unassign_quiz(cohort_id: int):
    """Take a quiz off the cohort (the officials' attempts stay)."""
    cohort = _cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    quiz_id = request.form.get("quiz_id", type=int)
    if quiz_id:
        services.unassign_quiz(cohort, quiz_id, actor=_me())
        db.session.commit()
        flash(_("The quiz is no longer assigned."), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id) + "#quizzes")


@bp.route("/<int:cohort_id>/enrol", methods=["GET", "POST"])
@requires(Permission.COHORTS_MANAGE)
def enrol(cohort_id: int):
    """Find officials by name or email and enrol them one by one."""
    cohort = _cohort(cohort_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        user = db.session.get(User, request.form.get("user_id", type=int) or 0)
        if user is None:
            flash(_("Choose a person to enrol."), "error")
        elif services.enrol(cohort, user, actor=_me()):
            db.session.commit()
            flash(_("%(name)s is enrolled.", name=user.full_name), "success")
        else:
            flash(_("%(name)s was already enrolled.", name=user.full_name), "info")
        return redirect(url_for("cohorts.enrol", cohort_id=cohort.id,
                                q=request.form.get("q", "")))
    q = request.args.get("q", "").strip()[:100]
    found = services.find_officials(q, exclude_cohort=cohort) if q else []
    return render_template("cohorts/enrol.html", cohort=cohort, q=q, found=found, form=form)


@bp.route("/<int:cohort_id>/unenrol", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def unenrol(cohort_id: int):
    """Take an official out of the cohort."""
    cohort = _cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, request.form.get("user_id", type=int) or 0)
    if user is not None:
        services.unenrol(cohort, user, actor=_me())
        db.session.commit()
        flash(_("%(name)s is no longer in the cohort.", name=user.full_name), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/import", methods=["GET", "POST"])
@requires(Permission.COHORTS_MANAGE)
def upload(cohort_id: int):
    """Upload an enrolment file; the preview comes next."""
    cohort = _cohort(cohort_id)
    form = ImportForm()
    if form.validate_on_submit():
        content = form.file.data.read(imports.max_bytes() + 1)
        stored = imports.store(cohort, form.file.data.filename or "", content, actor=_me())
        db.session.commit()
        return redirect(url_for("cohorts.import_preview", cohort_id=cohort.id,
                                import_id=stored.id))
    return render_template("cohorts/upload.html", cohort=cohort, form=form)


def _import(cohort: Cohort, import_id: int) -> CohortImport:
    stored = db.session.get(CohortImport, import_id)
    if stored is None or stored.cohort_id != cohort.id:
        abort(404)
    return stored


@bp.route("/<int:cohort_id>/import/<int:import_id>")
@requires(Permission.COHORTS_MANAGE)
def import_preview(cohort_id: int, import_id: int):
    """What the file would do: new accounts, updates, enrolments and problems per row."""
    cohort = _cohort(cohort_id)
    stored = _import(cohort, import_id)
    result = imports.preview(cohort, stored.filename, stored.content)
    return render_template("cohorts/import_preview.html", cohort=cohort, stored=stored,
                           result=result, form=ConfirmForm(), upload_form=ImportForm())


@bp.route("/<int:cohort_id>/import/<int:import_id>/apply", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def import_apply(cohort_id: int, import_id: int):
    """Apply a checked file, all or nothing, and show the new accounts' invitation links."""
    cohort = _cohort(cohort_id)
    stored = _import(cohort, import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if stored.applied_at is not None:
        flash(_("This file was already applied."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    result, invitations = imports.apply(cohort, stored, actor=_me())
    if not result.is_valid:
        db.session.rollback()
        flash(_("Nothing was changed: the file has problems."), "error")
        return redirect(url_for("cohorts.import_preview", cohort_id=cohort.id,
                                import_id=stored.id))
    db.session.commit()
    links = [(i.user, _invitation_url(i.token)) for i in invitations]
    for user, _url in links:
        current_app.logger.info("Invitation for %s: %s", user.email, _url)
    flash(_("The file is applied: %(new)s new accounts, %(enrolled)s people enrolled.",
            new=result.count("new"), enrolled=result.count("new") + result.count("enrol")),
          "success")
    return render_template("cohorts/import_done.html", cohort=cohort, result=result,
                           links=links, form=ConfirmForm())


def _invitation_url(token: str) -> str:
    return url_for("accounts.use_link", token=token, purpose="invitation", _external=True)


@bp.route("/<int:cohort_id>/invitations.csv", methods=["POST"])
@requires(Permission.COHORTS_MANAGE)
def invitations_csv(cohort_id: int):
    """The invitation links just shown, as a CSV file (they are not stored anywhere)."""
    cohort = _cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rows = [list(r) for r in zip(request.form.getlist("name"), request.form.getlist("email"),
                                 request.form.getlist("link"), strict=False)]
    body = exports.to_csv([_("Full name"), _("Email"), _("Invitation link")], rows)
    return _download(body, f"invitations-cohort-{cohort.id}.csv", "text/csv; charset=utf-8")


def _roster(cohort: Cohort) -> tuple[list[str], list[list]]:
    header = [_("Full name"), _("Email"), _("Organisation"), _("Position"),
              _("Level of government"), _("Region"), _("Gender"), _("Language")]
    rows = [[u.full_name, u.email, u.organisation.name if u.organisation else "",
             u.position or "", u.gov_level_label, u.region_label, u.gender_label, u.language]
            for u in services.members(cohort.id)]
    return header, rows


@bp.route("/<int:cohort_id>/roster.csv")
@requires(Permission.COHORTS_MANAGE)
def roster_csv(cohort_id: int):
    """The cohort's members as CSV."""
    cohort = _cohort(cohort_id)
    return _download(exports.to_csv(*_roster(cohort)), f"roster-cohort-{cohort.id}.csv",
                     "text/csv; charset=utf-8")


@bp.route("/<int:cohort_id>/roster.xlsx")
@requires(Permission.COHORTS_MANAGE)
def roster_xlsx(cohort_id: int):
    """The cohort's members as an Excel workbook."""
    cohort = _cohort(cohort_id)
    return _download(
        exports.to_xlsx(*_roster(cohort)), f"roster-cohort-{cohort.id}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
