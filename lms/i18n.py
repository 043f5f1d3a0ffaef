"""Which language each page is shown in, and the switch between English, Russian, Belarusian."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user

LANGUAGE_COOKIE = "lms_language"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The signed-in user's choice, else this browser's, else the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line, background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def remember_language(response, language: str):
    """Keep the choice in a long-lived cookie so it outlives the session."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
