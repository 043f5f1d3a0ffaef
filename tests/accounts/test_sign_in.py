"""Signing in and out, lock-out, and sessions that end when they should."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.audit import AuditEvent
from lms.extensions import db
from tests import factories


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_official_signs_in_and_lands_on_their_learning_page(client):
    factories.make_user("official", email="olga@example.org", full_name="Olga Hrynevich")
    response = factories.log_in(client, "Olga@Example.org ")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Welcome, Olga Hrynevich" in page
    assert "My learning" in page
    assert "User management" not in page
    assert "login.succeeded" in _actions()


def test_each_role_sees_its_own_home_sections(client):
    person = factories.make_user("trainer", "staff")
    factories.sign_in(client, person)
    page = client.get("/").get_data(as_text=True)
    assert "Authoring" in page and "Programme reports" in page
    assert "My learning" not in page and "User management" not in page


@pytest.mark.parametrize("email, password", [
    ("known@example.org", "wrong password"),
    ("nobody@example.org", factories.PASSWORD),
])
def test_wrong_password_and_unknown_user_get_the_same_message(client, email, password):
    factories.make_user(email="known@example.org")
    response = factories.log_in(client, email, password)
    assert response.status_code == 200
    assert "The email or password is not correct" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert "login.failed" in _actions()


def test_deactivated_account_cannot_sign_in(client):
    factories.make_user(email="gone@example.org", active=False)
    response = factories.log_in(client, "gone@example.org")
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_deactivation_ends_the_open_session(client, people):
    official = factories.make_user(email="o@example.org")
    factories.log_in(client, "o@example.org")
    assert client.get("/").status_code == 200
    admin_client = client.application.test_client()
    factories.sign_in(admin_client, people["admin"])
    admin_client.post(f"/admin/users/{official.id}/active", data={"active": "0"})
    assert client.get("/").status_code == 302


def test_logging_out_ends_the_session_even_for_a_replayed_cookie(client):
    factories.make_user(email="o@example.org")
    factories.log_in(client, "o@example.org")
    stolen = client.get_cookie("session").value
    client.post("/logout")
    assert client.get("/").status_code == 302
    thief = client.application.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_changing_password_ends_other_sessions_but_keeps_this_one(client):
    user = factories.make_user(email="o@example.org")
    laptop = client.application.test_client()
    factories.log_in(laptop, "o@example.org")
    factories.log_in(client, "o@example.org")
    new = "a new long password"
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "password": new, "confirm": new,
    })
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert laptop.get("/").status_code == 302
    assert user.check_password("a new long password")


def test_wrong_current_password_changes_nothing(client):
    user = factories.make_user(email="o@example.org")
    factories.sign_in(client, user)
    response = client.post("/account/password", data={
        "current": "not it", "password": "a new long password", "confirm": "a new long password",
    })
    assert "The current password is not correct" in response.get_data(as_text=True)
    assert user.check_password(factories.PASSWORD)


def test_repeated_failures_lock_the_account_for_a_while(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    with app.app_context():
        factories.make_user(email="target@example.org")
        db.session.commit()
        client = app.test_client()
        for _ in range(3):
            assert factories.log_in(client, "target@example.org", "guess").status_code == 200
        locked = factories.log_in(client, "target@example.org")  # even the right password
        assert locked.status_code == 429
        assert "Too many attempts" in locked.get_data(as_text=True)
        other = factories.log_in(app.test_client(), "someone-else@example.org", "guess")
        assert other.status_code == 200


def test_a_successful_sign_in_does_not_count_towards_lock_out(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="2 per 15 minutes")
    with app.app_context():
        factories.make_user(email="me@example.org")
        db.session.commit()
        for _ in range(4):
            client = app.test_client()
            assert factories.log_in(client, "me@example.org").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/account", "/account"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
def test_next_only_follows_paths_on_this_site(client, target, expected):
    factories.make_user(email="o@example.org")
    response = factories.log_in(client, "o@example.org", next=target)
    assert response.status_code == 302
    assert response.location == expected


def test_form_without_csrf_token_is_refused_and_changes_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.make_user(email="o@example.org")
        db.session.commit()
        client = app.test_client()
        factories.sign_in(client, user)
        response = client.post("/account", data={"full_name": "Changed", "gender": "male",
                                                 "language": "en"})
        assert response.status_code == 400
        assert "Nothing was saved" in response.get_data(as_text=True)
        db.session.refresh(user)
        assert user.full_name != "Changed"
