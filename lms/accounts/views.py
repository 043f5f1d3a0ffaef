"""Signing in and out, one-time password links, and a person's own account pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.accounts import services
from lms.accounts.forms import ChangePasswordForm, LoginForm, NewPasswordForm, OwnProfileForm
from lms.extensions import db, limiter
from lms.security.policy import public, signed_in
from lms.urls import safe_next

bp = Blueprint("accounts", __name__)


def _login_failure_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))[:255]


def _login_failed(response) -> bool:
    # Only failed sign-ins count towards an account's lock-out; the view re-renders the
    # form with 200 on failure and redirects on success.
    return request.method == "POST" and response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    key_func=_login_failure_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
@public
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("site.home")))
        flash(_("The email or password is not correct, or the account is not active."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out here and everywhere else this account is signed in."""
    services.log_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"], defaults={"purpose": services.INVITATION})
@bp.route("/reset/<token>", methods=["GET", "POST"], defaults={"purpose": services.RESET})
@public
def use_link(token: str, purpose: str):
    """Set a password through a one-time invitation or reset link."""
    link = services.find_link(token, purpose)
    if link is None or not link.is_usable or not link.user.is_active:
        return render_template("accounts/link_invalid.html", purpose=purpose), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = services.use_link(link, form.password.data)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        login_user(user)
        flash(_("Your password is set. Welcome!"), "success")
        return redirect(url_for("site.home"))
    return render_template("accounts/set_password.html", form=form, link=link, purpose=purpose)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def profile():
    """See and change one's own profile."""
    user = current_user._get_current_object()
    form = OwnProfileForm(obj=user)
    if form.validate_on_submit():
        services.update_own_profile(
            user,
            full_name=form.full_name.data,
            position=form.position.data,
            gender=form.gender.data,
            language=form.language.data,
        )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Change one's own password; other sessions of this account end."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        services.change_password(user, form.password.data)
        db.session.commit()
        # The old cookie is now void; give this browser a fresh one.
        login_user(user)
        flash(_("Your password is changed. You were signed out everywhere else."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.app_errorhandler(429)
def too_many_attempts(error):
    """Rate limits answer with a page in the user's language, not a bare error."""
    if request.endpoint == "accounts.login":
        form = LoginForm(formdata=None, next=request.form.get("next", ""))
        flash(
            _("Too many attempts to sign in. Please wait a few minutes and try again."),
            "error",
        )
        return render_template("accounts/login.html", form=form), 429
    return render_template("errors/429.html"), 429
