"""Personal access tokens: made and shown once, stored as a hash, scoped, expiring, revocable."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.api import tokens
from lms.api.models import ApiToken
from lms.audit import AuditEvent
from lms.extensions import db
from tests import factories
from tests.api.builders import bearer, get, make_token
from tests.cohorts import factories as cohort_factories


def test_a_token_is_stored_only_as_a_hash_with_a_short_prefix(app):
    staff = factories.make_user("staff")
    token, plain = tokens.create_token(staff, name="Warehouse", scopes=["cohorts:read"], days=30)
    assert plain.startswith("lms_") and len(plain) > 40
    assert token.token_hash == tokens.hash_token(plain) and plain not in token.token_hash
    assert plain.startswith(token.prefix) and len(token.prefix) == 12
    assert tokens.find_usable(plain) is token
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "api_token.created" in events


def test_a_token_needs_a_known_scope_and_a_sensible_life(app):
    staff = factories.make_user("staff")
    with pytest.raises(ValueError):
        tokens.create_token(staff, name="x", scopes=["everything"], days=30)
    with pytest.raises(ValueError):
        tokens.create_token(staff, name="x", scopes=[], days=30)
    with pytest.raises(ValueError):
        tokens.create_token(staff, name="x", scopes=["cohorts:read"], days=0)


def test_staff_create_a_token_see_it_once_and_revoke_it(client, app):
    staff = factories.make_user("staff")
    db.session.commit()
    factories.sign_in(client, staff)
    page = client.post("/api-tokens/", data={"name": "Data warehouse",
                                             "scopes": ["cohorts:read", "reports:read"],
                                             "days": "30"})
    text = page.get_data(as_text=True)
    token = db.session.scalar(sa.select(ApiToken))
    assert page.status_code == 200 and "shown only once" in text
    shown = text.split('id="created-token"')[1].split('value="')[1].split('"')[0]
    assert tokens.find_usable(shown).id == token.id
    assert token.scopes == ["cohorts:read", "reports:read"]

    listing = client.get("/api-tokens/").get_data(as_text=True)
    assert "Data warehouse" in listing and token.prefix in listing and shown not in listing
    system = app.test_client()  # another system, with the token and no session
    assert get(system, "/api/v1/cohorts", shown).status_code == 200

    client.post(f"/api-tokens/{token.id}/revoke")
    assert get(system, "/api/v1/cohorts", shown).status_code == 401
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert {"api_token.created", "api_token.revoked"} <= set(actions)
    assert "Revoked" in client.get("/api-tokens/").get_data(as_text=True)


def test_nobody_revokes_another_persons_token(client, app):
    owner, other = factories.make_user("staff"), factories.make_user("admin")
    make_token(owner)
    token = db.session.scalar(sa.select(ApiToken))
    factories.sign_in(client, other)
    assert client.post(f"/api-tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_officials_and_trainers_cannot_create_tokens(client, app):
    for role in ("official", "trainer"):
        user = factories.make_user(role)
        db.session.commit()
        factories.sign_in(client, user)
        assert client.get("/api-tokens/").status_code == 403


@pytest.mark.parametrize("spoil", ["tampered", "expired", "revoked", "unknown", "inactive"])
def test_a_bad_token_gets_401_problem_details(client, app, spoil):
    staff = factories.make_user("staff")
    plain = make_token(staff)
    token = db.session.scalar(sa.select(ApiToken))
    if spoil == "tampered":
        plain = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    elif spoil == "expired":
        token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    elif spoil == "revoked":
        tokens.revoke_token(token, revoked_by=staff)
    elif spoil == "unknown":
        plain = "not-a-token"
    else:
        staff.is_active_account = False
    db.session.commit()
    response = get(client, "/api/v1/cohorts", plain)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 401 and body["title"] and body["detail"] and body["type"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_without_the_endpoints_scope_is_refused(client, app):
    staff = factories.make_user("staff")
    plain = make_token(staff, scopes=["reports:read"])
    assert get(client, "/api/v1/reports/figures", plain).status_code == 200
    response = get(client, "/api/v1/cohorts", plain)
    assert response.status_code == 403 and "cohorts:read" in response.get_json()["detail"]


def test_a_token_follows_its_users_role_not_more(client, app):
    """Scopes narrow what the role allows; they never widen it."""
    admin = factories.make_user("admin")
    plain = make_token(admin)
    assert get(client, "/api/v1/cohorts", plain).status_code == 403
    assert get(client, "/api/v1/reports/figures", plain).status_code == 403


def test_a_token_does_not_open_the_web_pages(client, app):
    staff = factories.make_user("staff")
    plain = make_token(staff)
    response = client.get("/cohorts", headers=bearer(plain))
    assert response.status_code == 302 and "/login" in response.location


def test_a_session_with_a_bad_token_is_refused(client, app):
    staff = factories.make_user("staff")
    db.session.commit()
    factories.sign_in(client, staff)
    assert client.get("/api/v1/cohorts").status_code == 200
    assert client.get("/api/v1/cohorts", headers=bearer("lms_forged")).status_code == 401


def test_a_trainers_token_sees_only_their_cohorts(client, app):
    trainer = factories.make_user("trainer")
    mine = cohort_factories.make_cohort(trainers=[trainer])
    other = cohort_factories.make_cohort()
    plain = make_token(trainer)
    listed = get(client, "/api/v1/cohorts", plain).get_json()
    assert [c["id"] for c in listed["items"]] == [mine.id]
    assert get(client, f"/api/v1/cohorts/{other.id}", plain).status_code == 404
    assert get(client, f"/api/v1/cohorts/{mine.id}", plain).get_json()["trainers"] == [
        {"id": trainer.id, "full_name": trainer.full_name}]


def test_a_token_form_without_scopes_creates_nothing(client, app):
    staff = factories.make_user("staff")
    db.session.commit()
    factories.sign_in(client, staff)
    page = client.post("/api-tokens/", data={"name": "Nothing", "days": "400"})
    assert page.status_code == 200 and 'aria-invalid="true"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_the_api_also_answers_a_browser_session_without_scopes(client, app):
    """A signed-in person reads the API as they read the pages: their role decides."""
    trainer = factories.make_user("trainer")
    mine = cohort_factories.make_cohort(trainers=[trainer])
    db.session.commit()
    factories.sign_in(client, trainer)
    listed = client.get("/api/v1/cohorts").get_json()
    assert [c["id"] for c in listed["items"]] == [mine.id]
    assert client.get("/api/v1/me/attendance").status_code == 403


def test_anonymous_callers_get_401_not_the_login_page(client, app):
    response = client.get("/api/v1/cohorts")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
