"""Administrators' pages: user accounts, organisations and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
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

from lms import audit, mail
from lms.accounts import services
from lms.accounts.forms import ConfirmForm, OrganisationForm, UserForm
from lms.accounts.models import Organisation, User, UserRole
from lms.extensions import db
from lms.security.permissions import Permission, Role
from lms.security.policy import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _send_link(user: User, purpose: str, token: str) -> tuple[str, bool]:
    # Both link rules share one view; url_for picks the rule whose `purpose` default matches.
    base = current_app.config.get("PUBLIC_BASE_URL")
    path = url_for("accounts.use_link", token=token, purpose=purpose)
    url = base + path if base else url_for("accounts.use_link", token=token, purpose=purpose,
                                           _external=True)
    if purpose == services.INVITATION:
        subject = _("Your account on the e-government training platform")
        body = _("An account has been created for you. Set your password here: %(url)s", url=url)
    else:
        subject = _("Set a new password")
        body = _("Set a new password for your account here: %(url)s", url=url)
    return url, mail.send_link(user.email, subject, body)


def _get_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users")
@requires(Permission.USERS_MANAGE)
def users():
    """List accounts, with search by name or email and a role filter."""
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    page = request.args.get("page", 1, type=int)
    query = sa.select(User).order_by(User.full_name, User.id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern))
        )
    if role in {r.value for r in Role}:
        query = query.where(User.roles.any(UserRole.role == role))
    pagination = db.paginate(query, page=page, per_page=50, error_out=False)
    return render_template(
        "admin/users.html", pagination=pagination, q=q, role=role, roles=list(Role)
    )


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def new_user():
    """Create an account and show its invitation link."""
    form = UserForm()
    if request.method == "GET":
        form.roles.data = [Role.OFFICIAL.value]
    if form.validate_on_submit():
        user, token = services.create_user(
            form.profile_data(), form.roles.data, created_by=current_user._get_current_object()
        )
        db.session.commit()
        url, sent = _send_link(user, services.INVITATION, token)
        return render_template("admin/link_issued.html", user=user, url=url, sent=sent,
                               purpose=services.INVITATION)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def edit_user(user_id: int):
    """Edit a person's profile and roles."""
    user = _get_user(user_id)
    form = UserForm(obj=user, editing=user)
    if request.method == "GET":
        form.roles.data = sorted(user.role_names)
        form.organisation_id.data = str(user.organisation_id or "")
    if form.validate_on_submit():
        me = current_user._get_current_object()
        if user.id == me.id and Role.ADMIN.value not in form.roles.data:
            flash(_("You cannot remove your own administrator role."), "error")
        else:
            services.update_user(user, form.profile_data(), form.roles.data, changed_by=me)
            db.session.commit()
            flash(_("The account is saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, confirm=ConfirmForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def set_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = _get_user(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        services.set_active(user, active, changed_by=current_user._get_current_object())
        db.session.commit()
        flash(_("The account is active again.") if active else _("The account is deactivated."),
              "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def issue_link(user_id: int):
    """Make a new invitation (no password yet) or reset link (has one) for a person."""
    user = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    purpose = services.RESET if user.has_password else services.INVITATION
    token = services.issue_link(user, purpose, created_by=current_user._get_current_object())
    db.session.commit()
    url, sent = _send_link(user, purpose, token)
    return render_template("admin/link_issued.html", user=user, url=url, sent=sent,
                           purpose=purpose)


@bp.route("/organisations")
@requires(Permission.ORGANISATIONS_MANAGE)
def organisations():
    """List organisations with how many people belong to each."""
    members = (
        sa.select(User.organisation_id, sa.func.count(User.id).label("n"))
        .group_by(User.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Organisation, sa.func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return render_template("admin/organisations.html", rows=rows)


@bp.route("/organisations/new", methods=["GET", "POST"], defaults={"org_id": None})
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@requires(Permission.ORGANISATIONS_MANAGE)
def edit_organisation(org_id: int | None):
    """Create or edit an organisation."""
    organisation = db.get_or_404(Organisation, org_id) if org_id else None
    form = OrganisationForm(obj=organisation, editing=organisation)
    if form.validate_on_submit():
        if organisation is None:
            organisation = Organisation()
            db.session.add(organisation)
        organisation.name = form.name.data.strip()
        organisation.level = form.level.data
        organisation.region = form.region.data or None
        db.session.flush()
        audit.record("organisation.saved", actor=current_user._get_current_object(),
                     target=organisation, name=organisation.name)
        db.session.commit()
        flash(_("The organisation is saved."), "success")
        return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)


@bp.route("/audit")
@requires(Permission.AUDIT_READ)
def audit_log():
    """The audit log, newest first, filterable by action."""
    action = request.args.get("action", "").strip()[:80]
    page = request.args.get("page", 1, type=int)
    query = sa.select(audit.AuditEvent).order_by(audit.AuditEvent.id.desc())
    if action:
        query = query.where(audit.AuditEvent.action == action)
    pagination = db.paginate(query, page=page, per_page=100, error_out=False)
    targets = _target_names(pagination.items)
    actions = db.session.scalars(
        sa.select(audit.AuditEvent.action).distinct().order_by(audit.AuditEvent.action)
    ).all()
    return render_template("admin/audit.html", pagination=pagination, action=action,
                           actions=actions, targets=targets)


def _target_names(events) -> dict[int, str]:
    """Names of the users the events on this page are about, in one query."""
    ids = {e.target_id for e in events if e.target_type == "users" and e.target_id}
    if not ids:
        return {}
    query = sa.select(User.id, User.full_name).where(User.id.in_(ids))
    return dict(db.session.execute(query).all())
