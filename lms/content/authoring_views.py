"""Trainers' pages: writing, translating, ordering, publishing and restoring modules."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms.accounts.forms import ConfirmForm
from lms.content import archive, attachments, authoring, versions
from lms.content.course_files import CourseFileError
from lms.content.forms import (
    AttachmentForm,
    ImportForm,
    LessonForm,
    ModuleSettingsForm,
    ModuleTextForm,
    NewLessonForm,
    NewModuleForm,
)
from lms.content.importing import export_module, import_module, load_module, source_from_dict
from lms.content.models import Attachment, Lesson, LessonTranslation, Module
from lms.content.rendering import render_markdown
from lms.extensions import db
from lms.reference import Language
from lms.security.permissions import Permission
from lms.security.policy import requires

bp = Blueprint("authoring", __name__, url_prefix="/authoring")

LANGUAGES = [lang.value for lang in Language]


def _me():
    return current_user._get_current_object()


def _module(module_id: int) -> Module:
    module = load_module(module_id)
    if module is None:
        abort(404)
    return module


def _language(language: str) -> str:
    if language not in LANGUAGES:
        abort(404)
    return language


@bp.route("/")
@requires(Permission.CONTENT_AUTHOR)
def index():
    """Every module with its status and the state of each translation."""
    modules = db.session.scalars(
        sa.select(Module)
        .order_by(Module.position, Module.id)
        .options(
            selectinload(Module.translations),
            # Only which languages each lesson has, not the texts.
            selectinload(Module.lessons).selectinload(Lesson.translations).load_only(
                LessonTranslation.lesson_id, LessonTranslation.language
            ),
        )
    ).all()
    rows = [(m, authoring.translation_statuses(m)) for m in modules]
    return render_template("content/authoring/index.html", rows=rows)


@bp.route("/modules/new", methods=["GET", "POST"])
@requires(Permission.CONTENT_AUTHOR)
def new_module():
    """Start a module as a draft."""
    form = NewModuleForm()
    if form.validate_on_submit():
        try:
            module = authoring.create_module(
                slug=form.slug.data.strip(), country=form.country.data, level=form.level.data,
                topics=form.topics.data, position=form.position.data,
                language=form.language.data, title=form.title.data,
                summary=form.summary.data or "", actor=_me(),
            )
        except authoring.AuthoringError as error:
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The module is created as a draft."), "success")
            return redirect(url_for("authoring.edit_module", module_id=module.id))
    return render_template("content/authoring/new_module.html", form=form)


@bp.route("/modules/<int:module_id>", methods=["GET", "POST"])
@requires(Permission.CONTENT_AUTHOR)
def edit_module(module_id: int):
    """A module's overview for its authors: settings, texts, lessons, files, publishing."""
    module = _module(module_id)
    form = ModuleSettingsForm(obj=module)
    if form.validate_on_submit():
        authoring.update_settings(module, country=form.country.data, level=form.level.data,
                                  topics=form.topics.data, position=form.position.data,
                                  actor=_me())
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("authoring.edit_module", module_id=module.id))
    files = db.session.scalars(
        sa.select(Attachment).where(Attachment.module_id == module.id).order_by(Attachment.filename)
    ).all()
    return render_template(
        "content/authoring/module.html", module=module, form=form, confirm=ConfirmForm(),
        statuses=authoring.translation_statuses(module), files=files,
        attachment_form=AttachmentForm(), languages=LANGUAGES,
    )


@bp.route("/modules/<int:module_id>/text/<language>", methods=["GET", "POST"])
@requires(Permission.CONTENT_AUTHOR)
def module_text(module_id: int, language: str):
    """Write or translate a module's title, summary, objectives, introduction and sources."""
    module = _module(module_id)
    language = _language(language)
    translation = module.translation(language)
    form = ModuleTextForm()
    if request.method == "GET" and translation is not None:
        form.title.data = translation.title
        form.summary.data = translation.summary
        form.objectives.data = "\n".join(translation.objectives)
        form.intro.data = translation.intro_markdown
        form.sources.data = authoring.format_sources(translation.sources)
    if form.validate_on_submit():
        try:
            authoring.save_module_text(
                module, language, title=form.title.data, summary=form.summary.data or "",
                intro=form.intro.data or "",
                objectives=[o.strip() for o in (form.objectives.data or "").splitlines()
                            if o.strip()],
                sources=authoring.parse_sources(form.sources.data or ""),
                up_to_date=form.up_to_date.data, actor=_me(),
            )
        except authoring.AuthoringError as error:
            form.sources.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("authoring.edit_module", module_id=module.id))
    original = module.translation(module.source_language)
    return render_template("content/authoring/module_text.html", module=module, form=form,
                           language=language, original=original)


def _lesson_preview(form, module: Module):
    if form.preview.data:
        return render_markdown(form.body.data or "").html
    return None


@bp.route("/modules/<int:module_id>/lessons/new/<language>", methods=["GET", "POST"])
@requires(Permission.CONTENT_AUTHOR)
def new_lesson(module_id: int, language: str):
    """Add a lesson at the end of the module."""
    module = _module(module_id)
    language = _language(language)
    form = NewLessonForm()
    preview = None
    if form.validate_on_submit():
        preview = _lesson_preview(form, module)
        if preview is None:
            try:
                authoring.add_lesson(module, language, slug=form.slug.data.strip(),
                                     title=form.title.data, kind=form.kind.data,
                                     body=form.body.data or "", actor=_me())
            except authoring.AuthoringError as error:
                form.body.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The lesson is added."), "success")
                return redirect(url_for("authoring.edit_module", module_id=module.id))
    return render_template("content/authoring/lesson.html", module=module, form=form,
                           language=language, lesson=None, preview=preview, original=None)


@bp.route("/lessons/<int:lesson_id>/<language>", methods=["GET", "POST"])
@requires(Permission.CONTENT_AUTHOR)
def edit_lesson(lesson_id: int, language: str):
    """Edit or translate a lesson, with a preview rendered on the server."""
    lesson = db.get_or_404(Lesson, lesson_id)
    module = _module(lesson.module_id)
    lesson = next(item for item in module.lessons if item.id == lesson_id)
    language = _language(language)
    text = lesson.translation(language)
    form = LessonForm()
    if request.method == "GET":
        form.kind.data = lesson.kind
        if text is not None:
            form.title.data, form.body.data = text.title, text.body_markdown
    preview = None
    if form.validate_on_submit():
        preview = _lesson_preview(form, module)
        if preview is None:
            try:
                authoring.save_lesson_text(lesson, language, title=form.title.data,
                                           kind=form.kind.data, body=form.body.data or "",
                                           up_to_date=form.up_to_date.data, actor=_me())
            except authoring.AuthoringError as error:
                form.body.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The lesson is saved."), "success")
                return redirect(url_for("authoring.edit_module", module_id=module.id))
    original = None
    if language != module.source_language:
        original = lesson.translation(module.source_language)
    return render_template("content/authoring/lesson.html", module=module, form=form,
                           language=language, lesson=lesson, preview=preview, original=original)


@bp.route("/preview", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def preview():
    """The sanitised HTML of some Markdown, for the editor's live preview."""
    text = request.form.get("body", "")[:100_000]
    return render_markdown(text).html, 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.route("/lessons/<int:lesson_id>/move", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def move_lesson(lesson_id: int):
    """Move a lesson one place up or down."""
    lesson = db.get_or_404(Lesson, lesson_id)
    module = _module(lesson.module_id)
    lesson = next(item for item in module.lessons if item.id == lesson_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    authoring.move_lesson(lesson, -1 if request.form.get("direction") == "up" else 1,
                          actor=_me())
    db.session.commit()
    return redirect(url_for("authoring.edit_module", module_id=module.id) + "#lessons")


@bp.route("/lessons/<int:lesson_id>/delete", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def delete_lesson(lesson_id: int):
    """Delete a lesson (in every language)."""
    lesson = db.get_or_404(Lesson, lesson_id)
    module = _module(lesson.module_id)
    lesson = next(item for item in module.lessons if item.id == lesson_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        authoring.delete_lesson(lesson, actor=_me())
    except authoring.AuthoringError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The lesson is deleted."), "success")
    return redirect(url_for("authoring.edit_module", module_id=module.id) + "#lessons")


@bp.route("/modules/<int:module_id>/status", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def set_status(module_id: int):
    """Publish or unpublish a module."""
    module = _module(module_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    publish = request.form.get("publish") == "1"
    try:
        authoring.set_published(module, publish, actor=_me())
    except authoring.AuthoringError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The module is published.") if publish else _("The module is now a draft."),
              "success")
    return redirect(url_for("authoring.edit_module", module_id=module.id))


@bp.route("/modules/<int:module_id>/history")
@requires(Permission.CONTENT_AUTHOR)
def history(module_id: int):
    """The saved versions of a module."""
    module = _module(module_id)
    return render_template("content/authoring/history.html", module=module,
                           versions=versions.version_list(module.id), confirm=ConfirmForm())


@bp.route("/modules/<int:module_id>/compare")
@requires(Permission.CONTENT_AUTHOR)
def compare(module_id: int):
    """What changed between two versions, file by file."""
    module = _module(module_id)
    old = versions.get_version(module.id, request.args.get("a", 0, type=int))
    new = versions.get_version(module.id, request.args.get("b", 0, type=int))
    if old is None or new is None:
        flash(_("Choose two versions to compare."), "error")
        return redirect(url_for("authoring.history", module_id=module.id))
    diffs = versions.compare(source_from_dict(old.snapshot), source_from_dict(new.snapshot))
    return render_template("content/authoring/compare.html", module=module, old=old, new=new,
                           diffs=diffs)


@bp.route("/modules/<int:module_id>/restore/<int:number>", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def restore(module_id: int, number: int):
    """Make an old version the current one (kept as a new version)."""
    module = _module(module_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        authoring.restore_version(module, number, actor=_me())
    except authoring.AuthoringError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Version %(n)s is restored.", n=number), "success")
    return redirect(url_for("authoring.history", module_id=module.id))


@bp.route("/modules/<int:module_id>/attachments", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def add_attachment(module_id: int):
    """Attach a file to a module."""
    module = _module(module_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            attachments.add_attachment(module, upload.filename or "", upload.read(), actor=_me())
        except attachments.AttachmentError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The file is attached."), "success")
    else:
        for error in form.file.errors:
            flash(str(error), "error")
    return redirect(url_for("authoring.edit_module", module_id=module.id) + "#files")


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@requires(Permission.CONTENT_AUTHOR)
def delete_attachment(attachment_id: int):
    """Remove a file from a module."""
    item = db.get_or_404(Attachment, attachment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    module_id = item.module_id
    path = attachments.remove_attachment(item, actor=_me())
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("The file is removed."), "success")
    return redirect(url_for("authoring.edit_module", module_id=module_id) + "#files")


@bp.route("/modules/<int:module_id>/export")
@requires(Permission.CONTENT_AUTHOR)
def export(module_id: int):
    """Download the module as a .zip of its courses/ folder."""
    module = _module(module_id)
    data = archive.module_zip(export_module(module))
    return data, 200, {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{module.slug}.zip"',
    }


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.CONTENT_AUTHOR)
def import_zip():
    """Upload a module .zip: checked whole, then created or updated as one change."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            source = archive.read_module_zip(form.file.data.read())
        except CourseFileError as error:
            problems = error.problems
        else:
            outcome = import_module(source, actor=_me())
            db.session.commit()
            messages = {
                "created": _("The module is imported as a new draft."),
                "updated": _("The module is updated from the file."),
                "unchanged": _("The file holds nothing new: the module is unchanged."),
            }
            flash(messages[outcome.status], "success")
            return redirect(url_for("authoring.edit_module", module_id=outcome.module.id))
    return render_template("content/authoring/import.html", form=form, problems=problems)
