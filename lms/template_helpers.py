"""What every template can use: the permission check, the language form, date formats."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from lms.accounts.forms import LanguageForm, role_label
from lms.security.permissions import Permission
from lms.security.policy import can


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    @app.context_processor
    def _globals():
        return {
            "Permission": Permission,
            "user_can": lambda permission: can(current_user, permission),
            "language_form": _language_form,
            "current_language": lambda: str(get_locale() or "en"),
            "role_label": role_label,
        }

    app.add_template_filter(lambda value: format_datetime(value, "medium") if value else "",
                            "datetime")
    app.add_template_filter(lambda value: format_date(value, "medium") if value else "", "date")


def _language_form() -> LanguageForm:
    form = LanguageForm(formdata=None)
    form.language.data = str(get_locale() or "en")
    form.next.data = request.full_path.rstrip("?") if request.method == "GET" else ""
    return form
