"""Language switching, security headers, error pages and configuration safety."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.config import ConfigError
from lms.i18n import LANGUAGE_COOKIE
from lms.security.permissions import Permission
from tests import factories


def test_language_chosen_before_sign_in_is_remembered_by_the_browser(client):
    response = client.post("/language", data={"language": "ru", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert client.get_cookie(LANGUAGE_COOKIE).value == "ru"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ru">' in page


def test_language_choice_is_kept_on_the_account(client):
    user = factories.make_user(language="en")
    factories.sign_in(client, user)
    client.post("/language", data={"language": "be", "next": "/"})
    assert user.language == "be"
    other_browser = client.application.test_client()
    factories.sign_in(other_browser, user)
    assert '<html lang="be">' in other_browser.get("/").get_data(as_text=True)


def test_browser_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/login", headers={"Accept-Language": "be,ru;q=0.8"})
    assert '<html lang="be">' in page.get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"language": "xx", "next": "/login"})
    assert client.get_cookie(LANGUAGE_COOKIE) is None


def test_pages_carry_security_headers_and_forbid_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)


def test_session_cookie_is_http_only(client):
    factories.make_user(email="o@example.org")
    response = factories.log_in(client, "o@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_server_error_page_reveals_nothing_internal(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    boom.lms_permission = Permission.PUBLIC
    with app.app_context():
        response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_not_found_page_is_in_the_site_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("LMS_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").exists()


def test_postgres_urls_use_psycopg_3(monkeypatch, tmp_path):
    from lms.config import from_environment

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/lms")
    assert from_environment(tmp_path, "k")["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@db/lms"
    )


def test_health_check_answers(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_links_in_messages_use_the_public_address_when_configured(make_app):
    from tests.accounts.test_user_admin import _new_user_form

    app = make_app(PUBLIC_BASE_URL="https://lms.example.by")
    with app.app_context():
        admin = factories.make_user("admin")
        from lms.extensions import db

        db.session.commit()
        client = app.test_client()
        factories.sign_in(client, admin)
        page = client.post("/admin/users/new", data=_new_user_form()).get_data(as_text=True)
        assert 'value="https://lms.example.by/invitation/' in page


def test_behind_a_trusted_proxy_the_visitors_address_is_recorded(make_app):
    import sqlalchemy as sa

    from lms.audit import AuditEvent
    from lms.extensions import db

    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        factories.make_user(email="o@example.org")
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "o@example.org", "password": factories.PASSWORD},
                    headers={"X-Forwarded-For": "203.0.113.7"})
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action ==
                                                              "login.succeeded"))
        assert event.ip_address == "203.0.113.7"
