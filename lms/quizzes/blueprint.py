"""The quizzes blueprint and what its pages share: template helpers, the module they belong to."""

from __future__ import annotations

import functools

from flask import Blueprint
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms.content.models import Module
from lms.content.rendering import render_markdown, sanitize_html
from lms.extensions import db
from lms.quizzes.forms import PURPOSE_LABELS
from lms.quizzes.question_types import QUESTION_TYPES

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


def language() -> str:
    return str(get_locale() or "en")


def module_or_404(module_id: int) -> Module:
    return db.get_or_404(Module, module_id)


def module_title(module: Module) -> str:
    translation = module.translation(language()) or module.translation(module.source_language)
    return translation.title if translation else module.slug
