"""The "API tokens" page: administrators and programme staff create and revoke their own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.api import tokens
from lms.api.forms import RevokeForm, TokenForm
from lms.api.models import ApiToken
from lms.extensions import db
from lms.security.permissions import Permission
from lms.security.policy import requires

bp = Blueprint("api_tokens", __name__, url_prefix="/api-tokens")


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.API_TOKENS)
def index():
    """The user's tokens, and a form to create one; a new token is shown this once."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        # The choices limit scopes to known values, so the service's own checks never fail.
        token, created = tokens.create_token(current_user, name=form.name.data,
                                             scopes=form.scopes.data, days=form.days.data)
        db.session.commit()
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
        form = TokenForm(formdata=None)
    return render_template("api/tokens.html", form=form, created=created,
                           tokens=tokens.tokens_of(current_user), revoke_form=RevokeForm(),
                           scope_labels={s.value: s.label for s in tokens.Scope})


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.API_TOKENS)
def revoke(token_id: int):
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if RevokeForm().validate_on_submit():
        tokens.revoke_token(token, revoked_by=current_user)
        db.session.commit()
        flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
