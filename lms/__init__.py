"""lms: the training platform of an e-government capacity-building programme."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error handlers, CLI."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("LMS_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    _configure(app, config)
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_cli(app)
    return app


def _configure(app: Flask, config: dict | None) -> None:
    from lms import config as settings

    config = config or {}
    app.config.from_mapping(
        settings.from_environment(Path(app.instance_path), secret_key=config.get("SECRET_KEY"))
    )
    app.config.from_mapping(config)
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # Invitation links are written to the log, so it must show INFO messages.
    app.logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    import lms.models  # noqa: F401  (registers every table on the metadata)
    from lms.db import configure_sqlite
    from lms.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
    from lms.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "lms" / "translations"))
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    if app.config.get("QUERY_COUNT_HEADER"):
        from lms import query_count

        query_count.install(app)
    _init_login(app)


def _init_login(app: Flask) -> None:
    import sqlalchemy as sa
    from flask_babel import lazy_gettext as _l
    from sqlalchemy.orm import joinedload, lazyload

    from lms.accounts.models import User
    from lms.extensions import db, login_manager

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # "basic": a stolen cookie still needs the current session version to work.
    login_manager.session_protection = "basic"

    # One query: the roles come joined (every page checks permissions); the organisation,
    # which few pages show, is loaded when one asks for it. Built once: building a statement
    # costs more than running this one.
    by_id = (sa.select(User).where(User.id == sa.bindparam("user_id"))
             .options(joinedload(User.roles), lazyload(User.organisation)))

    @login_manager.user_loader
    def load_user(identity: str):
        user_id, _, version = identity.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.execute(by_id, {"user_id": int(user_id)}).unique().scalar_one_or_none()
        if user is None or not user.is_active or user.session_version != int(version):
            return None
        return user

    from lms.api.auth import load_user_from_token

    # API requests may carry a personal access token instead of a session cookie.
    login_manager.request_loader(load_user_from_token)


def _register_blueprints(app: Flask) -> None:
    from lms import site
    from lms.accounts import admin as accounts_admin
    from lms.accounts import views as accounts_views
    from lms.api import token_views as api_token_views
    from lms.api import views as api_views
    from lms.attendance import views as attendance_views
    from lms.certificates import views as certificates_views
    from lms.cohorts import views as cohorts_views
    from lms.content import authoring_views
    from lms.content import views as content_views
    from lms.plans import views as plans_views
    from lms.privacy import views as privacy_views
    from lms.quizzes import views as quizzes_views
    from lms.reports import views as reports_views
    from lms.security.headers import add_security_headers
    from lms.security.policy import check_request
    from lms.surveys import views as surveys_views
    from lms.template_helpers import register as register_template_helpers

    app.before_request(check_request)
    app.after_request(add_security_headers)
    app.register_blueprint(site.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(accounts_admin.bp)
    app.register_blueprint(content_views.bp)
    app.register_blueprint(authoring_views.bp)
    app.register_blueprint(cohorts_views.bp)
    app.register_blueprint(attendance_views.bp)
    app.register_blueprint(quizzes_views.bp)
    app.register_blueprint(reports_views.bp)
    app.register_blueprint(api_views.bp)
    app.register_blueprint(api_token_views.bp)
    app.register_blueprint(plans_views.bp)
    app.register_blueprint(surveys_views.bp)
    app.register_blueprint(certificates_views.bp)
    app.register_blueprint(privacy_views.bp)
    register_template_helpers(app)


def _register_error_handlers(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    from lms.site import handle_http_error, handle_server_error

    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)


def _register_cli(app: Flask) -> None:
    from lms.cli import register

    register(app)
