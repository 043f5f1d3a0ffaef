"""Plan pages: drafting with colleagues, submitting, reviewing, follow-ups, the staff table."""

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
from lms.accounts.models import Organisation, User
from lms.cohorts.models import Cohort
from lms.cohorts.policy import is_member, own_cohorts
from lms.extensions import db
from lms.plans import policy, services, table
from lms.plans.forms import (
    CoAuthorForm,
    MilestoneForm,
    PlanTextForm,
    ReviewForm,
    StartPlanForm,
    progress_form_class,
)
from lms.plans.models import (
    COMMENT_TOPICS,
    SECTION_KEYS,
    SECTIONS,
    FollowUp,
    Plan,
    PlanStatus,
    PlanVersion,
    Progress,
)
from lms.reference import GovLevel, Region
from lms.security.permissions import Permission
from lms.security.policy import requires, signed_in
from lms.spreadsheets import XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes

bp = Blueprint("plans", __name__, url_prefix="/plans")


def _me() -> User:
    return current_user._get_current_object()


def _plan(plan_id: int, check) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    if not check(_me(), plan):
        abort(403)
    return plan


def _back(plan: Plan):
    return redirect(url_for("plans.show", plan_id=plan.id), code=303)


def _module_title(module) -> str:
    from flask_babel import get_locale

    from lms.cohorts.services import module_title

    return module_title(module, str(get_locale() or "en"))


def _refused(error: services.PlanError, plan: Plan):
    db.session.rollback()
    flash(str(error), "error")
    return _back(plan)


@bp.route("")
@requires(Permission.LEARNING_OWN)
def mine():
    """The official's plans, and the cohorts where their body has none yet."""
    me = _me()
    plans = list(db.session.scalars(policy.authored_plans(me, sa.select(Plan))
                                    .order_by(Plan.created_at.desc())))
    planned = {p.cohort_id for p in db.session.scalars(
        sa.select(Plan).where(Plan.organisation_id == me.organisation_id))}
    cohorts = [c for c in db.session.scalars(own_cohorts(me, sa.select(Cohort))
                                             .where(Cohort.is_archived.is_(False))
                                             .order_by(Cohort.starts_on.desc()))
               if c.id not in planned]
    return render_template("plans/mine.html", plans=plans, cohorts=cohorts,
                           follow_ups=services.pending_follow_ups(me))


@bp.route("/cohorts/<int:cohort_id>/new", methods=["GET", "POST"])
@requires(Permission.LEARNING_OWN)
def start(cohort_id: int):
    """Start the plan of one's organisation in a cohort."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not is_member(_me(), cohort.id):
        abort(404)
    form = StartPlanForm()
    if form.validate_on_submit():
        try:
            plan = services.start_plan(cohort, _me(), form.title.data)
        except services.PlanError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("plans.mine"), code=303)
        db.session.commit()
        flash(_("The plan is started. Write its sections and add milestones."), "success")
        return redirect(url_for("plans.edit", plan_id=plan.id), code=303)
    return render_template("plans/start.html", form=form, cohort=cohort)


@bp.route("/<int:plan_id>")
@signed_in
def show(plan_id: int):
    """The plan, its milestones and its history of versions and comments."""
    plan = _plan(plan_id, policy.can_view)
    versions = db.session.scalars(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id)
        .options(selectinload(PlanVersion.comments)).order_by(PlanVersion.number.desc())
    ).unique().all()
    author = policy.is_author(_me(), plan)
    co_author_form = None
    if author and plan.is_editable:
        co_author_form = CoAuthorForm()
        co_author_form.user_id.choices = [(u.id, u.full_name)
                                          for u in services.colleague_choices(plan)]
    return render_template(
        "plans/show.html", plan=plan, versions=versions, sections=SECTIONS,
        topics=dict(COMMENT_TOPICS), is_author=author,
        can_review=policy.can_review(_me(), plan) and plan.status == PlanStatus.SUBMITTED,
        milestone_form=MilestoneForm() if author and plan.is_editable else None,
        co_author_form=co_author_form, confirm=ConfirmForm(),
    )


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@requires(Permission.LEARNING_OWN)
def edit(plan_id: int):
    """Write the plan's title and sections, and choose the modules it refers to."""
    plan = _plan(plan_id, policy.is_author)
    if not plan.is_editable:
        flash(_("The plan is with the reviewer; it can be changed again once it is returned "
                "for revision."), "error")
        return _back(plan)
    form = PlanTextForm(obj=plan)
    form.see_also.choices = [(m.id, _module_title(m))
                             for m in services.see_also_modules()]
    if request.method == "GET":
        for key in SECTION_KEYS:
            section = plan.section(key)
            getattr(form, key).data = section.text_markdown if section else ""
        form.see_also.data = [link.module_id for link in plan.module_links]
    if form.validate_on_submit():
        try:
            services.save_text(plan, title=form.title.data,
                               texts={k: getattr(form, k).data or "" for k in SECTION_KEYS},
                               module_ids=form.see_also.data or [], actor=_me())
        except services.PlanError as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("plans/edit.html", form=form, plan=plan), 422
        db.session.commit()
        flash(_("The plan is saved."), "success")
        return _back(plan)
    status = 422 if form.errors else 200
    return render_template("plans/edit.html", form=form, plan=plan), status


@bp.route("/<int:plan_id>/milestones", methods=["POST"])
@requires(Permission.LEARNING_OWN)
def add_milestone(plan_id: int):
    """Add a milestone with its date, responsible unit and indicator."""
    plan = _plan(plan_id, policy.is_author)
    form = MilestoneForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(f"{_('The milestone is not added:')} {' '.join(map(str, errors))}", "error")
        return _back(plan)
    try:
        services.add_milestone(plan, services.MilestoneData(
            form.title.data, form.due_on.data, form.responsible_unit.data,
            form.indicator.data or ""), actor=_me())
    except services.PlanError as error:
        return _refused(error, plan)
    db.session.commit()
    flash(_("The milestone is added."), "success")
    return _back(plan)


@bp.route("/<int:plan_id>/milestones/<int:milestone_id>/remove", methods=["POST"])
@requires(Permission.LEARNING_OWN)
def remove_milestone(plan_id: int, milestone_id: int):
    """Remove a milestone from the draft."""
    plan = _plan(plan_id, policy.is_author)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_milestone(plan, milestone_id, actor=_me())
    except services.PlanError as error:
        return _refused(error, plan)
    db.session.commit()
    flash(_("The milestone is removed."), "success")
    return _back(plan)


@bp.route("/<int:plan_id>/authors", methods=["POST"])
@requires(Permission.LEARNING_OWN)
def add_author(plan_id: int):
    """Add a colleague from the same organisation as a co-author."""
    plan = _plan(plan_id, policy.is_author)
    form = CoAuthorForm()
    form.user_id.choices = [(u.id, u.full_name) for u in services.colleague_choices(plan)]
    if not form.validate_on_submit():
        flash(_("Choose a colleague from your organisation enrolled in the cohort."), "error")
        return _back(plan)
    try:
        services.add_author(plan, db.session.get(User, form.user_id.data), actor=_me())
    except services.PlanError as error:
        return _refused(error, plan)
    db.session.commit()
    flash(_("The colleague is a co-author now."), "success")
    return _back(plan)


@bp.route("/<int:plan_id>/submit", methods=["POST"])
@requires(Permission.LEARNING_OWN)
def submit(plan_id: int):
    """Submit the plan for review; the submitted text is kept as a version."""
    plan = _plan(plan_id, policy.is_author)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        version = services.submit(plan, actor=_me())
    except services.PlanError as error:
        return _refused(error, plan)
    db.session.commit()
    flash(_("Version %(number)s is submitted for review.", number=version.number), "success")
    return _back(plan)


@bp.route("/reviews")
@requires(Permission.ATTENDANCE_TAKE)
def reviews():
    """Plans of the cohorts this trainer trains (every plan for staff), waiting ones first."""
    waiting = sa.case((Plan.status == PlanStatus.SUBMITTED.value, 0), else_=1)
    query = policy.reviewable_plans(_me(), sa.select(Plan)).order_by(
        waiting, Plan.updated_at.desc())
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(query, page=page, per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    return render_template("plans/reviews.html", pagination=pagination)


@bp.route("/<int:plan_id>/review", methods=["GET", "POST"])
@requires(Permission.ATTENDANCE_TAKE)
def review(plan_id: int):
    """Comment on each section of the submitted version; accept or return it."""
    plan = _plan(plan_id, policy.can_review)
    if plan.status != PlanStatus.SUBMITTED:
        flash(_("Only a submitted plan can be reviewed."), "error")
        return _back(plan)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review(plan, decision=PlanStatus(form.decision.data), reviewer=_me(),
                            comments={key: getattr(form, f"comment_{key}").data or ""
                                      for key, _label in COMMENT_TOPICS})
        except services.PlanError as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("plans/review.html", form=form, plan=plan,
                                   version=services.latest_version(plan), sections=SECTIONS), 422
        db.session.commit()
        flash(_("The plan is accepted.") if plan.status == PlanStatus.ACCEPTED
              else _("The plan is returned for revision."), "success")
        return _back(plan)
    status = 422 if form.errors else 200
    return render_template("plans/review.html", form=form, plan=plan,
                           version=services.latest_version(plan), sections=SECTIONS), status


@bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@requires(Permission.LEARNING_OWN)
def follow_up(follow_up_id: int):
    """Report how far each milestone has come."""
    item = db.session.get(FollowUp, follow_up_id)
    if item is None:
        abort(404)
    if not policy.is_author(_me(), item.plan):
        abort(403)
    milestones = item.plan.milestones
    form = progress_form_class(milestones)()
    if request.method == "GET":
        for report in item.reports:
            getattr(form, f"status_{report.milestone_id}").data = report.status
            getattr(form, f"comment_{report.milestone_id}").data = report.comment
    if form.validate_on_submit():
        progress = {m.id: (getattr(form, f"status_{m.id}").data,
                           getattr(form, f"comment_{m.id}").data or "") for m in milestones}
        try:
            services.report_progress(item, progress, actor=_me())
        except services.PlanError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Thank you: the progress report is sent."), "success")
            return _back(item.plan)
    status = 422 if form.errors else 200
    return render_template("plans/follow_up.html", form=form, item=item,
                           milestones=milestones), status


def _filters() -> table.TableFilters:
    args = request.args
    status = args.get("status") or None
    region = args.get("region") or None
    level = args.get("level") or None
    return table.TableFilters(
        organisation_id=args.get("organisation_id", type=int) or None,
        region=region if region in {r.value for r in Region} else None,
        level=level if level in {g.value for g in GovLevel} else None,
        status=status if status in {s.value for s in PlanStatus} else None,
        cohort_id=args.get("cohort_id", type=int) or None,
    )


@bp.route("/table")
@requires(Permission.COHORTS_MANAGE)
def programme_table():
    """Every plan by organisation, region and level, with status and milestone progress."""
    filters = _filters()
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(table.plans_query(filters), page=page,
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    plans = list(pagination.items)
    progress = table.progress_of([p.id for p in plans])
    return render_template(
        "plans/table.html", pagination=pagination, plans=plans, progress=progress,
        filters=filters, statuses=list(PlanStatus), progress_statuses=list(Progress),
        regions=list(Region), levels=list(GovLevel),
        organisations=db.session.scalars(sa.select(Organisation).where(
            Organisation.id.in_(sa.select(Plan.organisation_id))).order_by(Organisation.name)),
        cohorts=db.session.scalars(sa.select(Cohort).where(
            Cohort.id.in_(sa.select(Plan.cohort_id))).order_by(Cohort.starts_on.desc())),
    )


@bp.route("/table.<extension>")
@requires(Permission.COHORTS_MANAGE)
def export(extension: str):
    """The filtered table as CSV or XLSX."""
    if extension not in ("csv", "xlsx"):
        abort(404)
    plans = list(db.session.scalars(table.plans_query(_filters())).unique())
    rows = table.rows(plans, table.progress_of([p.id for p in plans]))
    if extension == "csv":
        body, mimetype = csv_bytes(table.header(), rows), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes([Sheet(_("Implementation plans"), table.header(), rows)])
        mimetype = XLSX_CONTENT_TYPE
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=implementation-plans.{extension}"})

