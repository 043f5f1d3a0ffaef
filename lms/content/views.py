"""Officials' pages: the module catalogue, a module, a lesson, marking lessons read."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from lms.content import attachments, catalogue
from lms.content.catalogue import CatalogueFilters
from lms.content.models import Attachment
from lms.content.policy import can_read
from lms.content.progress import mark_complete
from lms.extensions import db
from lms.reference import Language
from lms.security.permissions import Permission
from lms.security.policy import requires, signed_in

bp = Blueprint("content", __name__)


def _reading_language() -> str:
    """The reader may ask for another language with ?lang=; else the interface language."""
    wanted = request.args.get("lang", "")
    return wanted if wanted in {lang.value for lang in Language} else str(get_locale())


def _module_or_404(slug: str, *, titles_only: bool = False):
    module = catalogue.find_module(slug, titles_only=titles_only)
    if module is None or not can_read(current_user, module):
        abort(404)
    return module


@bp.route("/modules")
@signed_in
def modules():
    """The module catalogue, with filters and search."""
    filters = CatalogueFilters.from_args(request.args)
    language = str(get_locale())
    entries = catalogue.catalogue(filters, language, current_user.id)
    return render_template(
        "content/catalogue.html", entries=entries, filters=filters,
        topics=catalogue.topics_in_use(), countries=catalogue.COUNTRIES,
        levels=catalogue.LEVELS, language=language,
    )


@bp.route("/modules/<slug>")
@signed_in
def module(slug: str):
    """A module: introduction, objectives, lessons with progress, sources, files."""
    module = _module_or_404(slug)
    view = catalogue.module_view(module, _reading_language(), current_user.id)
    return render_template("content/module.html", view=view)


@bp.route("/modules/<slug>/lessons/<lesson_slug>")
@signed_in
def lesson(slug: str, lesson_slug: str):
    """One lesson, with its contents, previous/next and the button to mark it read."""
    module = _module_or_404(slug, titles_only=True)
    view = catalogue.lesson_view(module, lesson_slug, _reading_language(), current_user.id)
    if view is None:
        abort(404)
    return render_template("content/lesson.html", view=view)


@bp.route("/modules/<slug>/lessons/<lesson_slug>/read", methods=["POST"])
@requires(Permission.LEARNING_OWN)
def mark_read(slug: str, lesson_slug: str):
    """Mark a lesson read and go on to the next one (or back to the module at the end)."""
    module = _module_or_404(slug, titles_only=True)
    language = request.form.get("lang", "")
    view = catalogue.lesson_view(module, lesson_slug, str(get_locale()), current_user.id)
    if view is None:
        abort(404)
    mark_complete(current_user.id, view.lesson)
    db.session.commit()
    args = {"lang": language} if language in {lang.value for lang in Language} else {}
    if view.next is not None:
        return redirect(url_for("content.lesson", slug=slug,
                                lesson_slug=view.next.lesson.slug, **args))
    return redirect(url_for("content.module", slug=slug, **args))


@bp.route("/modules/<slug>/files/<int:attachment_id>")
@signed_in
def attachment(slug: str, attachment_id: int):
    """Download a file attached to a module."""
    module = _module_or_404(slug)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.module_id != module.id:
        abort(404)
    path = attachments.folder() / item.stored_name
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=item.content_type, as_attachment=True,
                     download_name=item.filename)
