"""Personal data pages: an official's own data download, an administrator's anonymisation."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import User
from lms.db import now_utc
from lms.extensions import db
from lms.privacy import services
from lms.privacy.forms import AnonymiseForm
from lms.security.permissions import Permission
from lms.security.policy import requires

bp = Blueprint("privacy", __name__)


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/my/data")
@requires(Permission.LEARNING_OWN)
def my_data():
    """What the download holds, and the button to download it."""
    return render_template("privacy/my_data.html")


@bp.route("/my/data.json")
@requires(Permission.LEARNING_OWN)
def my_data_json():
    """All the personal data the system holds about the signed-in official, as JSON."""
    data = {"exported_at": now_utc().isoformat(), **services.personal_data(_me())}
    return Response(json.dumps(data, ensure_ascii=False, indent=2),
                    mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})


@bp.route("/admin/people/<int:user_id>/anonymise", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def anonymise(user_id: int):
    """Confirm, then remove a person's identity while their records keep counting."""
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    if person.id == _me().id:
        flash(_("You cannot anonymise your own account."), "error")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    form = AnonymiseForm()
    if services.is_anonymised(person):
        flash(_("This person is already anonymised."), "info")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    if form.validate_on_submit():
        services.anonymise(person, actor=_me())
        db.session.commit()
        flash(_("The person is anonymised."), "success")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    return render_template("privacy/anonymise.html", person=person, form=form)
