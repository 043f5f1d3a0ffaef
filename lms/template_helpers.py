"""What every template can use: the permission check, the language form, date formats,
and translations looked up once per language."""

from __future__ import annotations

import html
from dataclasses import dataclass

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import SelectChoice
from wtforms.i18n import messages_path as wtforms_messages

from lms.accounts.forms import role_label
from lms.reference import Language
from lms.security.permissions import Permission
from lms.security.policy import can


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    _install_gettext(app)
    app.before_request(_share_wtforms_catalogue)
    @app.context_processor
    def _globals():
        return {
            "Permission": Permission,
            "user_can": lambda permission: can(current_user, permission),
            "language_form": _language_form,
            "current_language": lambda: str(get_locale() or "en"),
            "role_label": role_label,
        }

    app.add_template_global(options, "options")
    app.add_template_filter(lambda value: format_datetime(value, "medium") if value else "",
                            "datetime")
    app.add_template_filter(lambda value: format_date(value, "medium") if value else "", "date")


def options(choices, selected=None) -> Markup:
    """<option> elements for (value, label) pairs, values and labels escaped.

    For long lists (a report's filter may offer thousands of cohorts), where a loop in the
    template, or Markup's own formatting, costs tens of milliseconds.
    """
    parts = []
    for value, label in choices:
        mark = " selected" if value == selected else ""
        parts.append(f'<option value="{html.escape(str(value))}"{mark}>'
                     f'{html.escape(str(label))}</option>')
    return Markup("".join(parts))  # noqa: S704 -- every value and label escaped above


@dataclass(frozen=True)
class _LanguageField:
    choices: list[SelectChoice]
    data: str


@dataclass(frozen=True)
class LanguageSwitch:
    """The fields of LanguageForm as the header's language switch draws them.

    Every page has the switch: it is drawn from these few values rather than by building
    a form object each time. The markup is the form's (lms.accounts.forms.LanguageForm),
    which reads what the switch posts.
    """

    csrf_token: Markup | str
    next: Markup
    language: _LanguageField


# Hidden fields carry no id: ids must be unique on a page, and every page has the switch.
_HIDDEN = Markup('<input name="{name}" type="hidden" value="{value}">')


def _language_form() -> LanguageSwitch:
    token = ""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        token = _HIDDEN.format(name=name, value=generate_csrf())
    path = request.full_path.rstrip("?") if request.method == "GET" else ""
    return LanguageSwitch(
        csrf_token=token,
        next=_HIDDEN.format(name="next", value=path),
        language=_LanguageField(Language.choices(), str(get_locale() or "en")),
    )


# --- Translations ------------------------------------------------------------------------
#
# A page calls gettext dozens of times. Flask-Babel finds the translations anew on each call
# (domain, request context, locale: some 20 µs); they depend on the locale only, so the
# templates look them up by locale. Flask-WTF reads the wtforms message catalogue from disk
# for every request that builds a form; the files never change, so each language's is read
# once per process. Neither holds anything of a user.


def _install_gettext(app: Flask) -> None:
    by_locale: dict[str, Translations | NullTranslations] = {}

    def translations() -> Translations | NullTranslations:
        key = str(get_locale())
        found = by_locale.get(key)
        if found is None:
            found = by_locale[key] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


_WTFORMS_CATALOGUES: dict[str, Translations | NullTranslations] = {}


class _WtformsCatalogue:
    """The wtforms messages in the request's language, found when a form first needs them."""

    def __init__(self) -> None:
        self._catalogue: Translations | NullTranslations | None = None

    def _get(self) -> Translations | NullTranslations:
        if self._catalogue is None:
            locale = get_locale()
            key = str(locale)
            if key not in _WTFORMS_CATALOGUES:
                _WTFORMS_CATALOGUES[key] = Translations.load(wtforms_messages(), [locale],
                                                             domain="wtforms")
            self._catalogue = _WTFORMS_CATALOGUES[key]
        return self._catalogue

    def ugettext(self, string: str) -> str:
        return self._get().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._get().ungettext(singular, plural, n)


def _share_wtforms_catalogue() -> None:
    # Flask-WTF looks here before reading the catalogue itself (flask_wtf.i18n).
    request.wtforms_translations = _WtformsCatalogue()
