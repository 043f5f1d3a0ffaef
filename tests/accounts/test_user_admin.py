"""An administrator manages accounts, roles and invitation links."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.extensions import db
from tests import factories


def _new_user_form(**changes) -> dict:
    form = {
        "full_name": "Nasta Lapko",
        "email": "nasta@example.org",
        "roles": ["official"],
        "organisation_id": "",
        "position": "Deputy head",
        "gov_level": "local",
        "region": "mogilev",
        "gender": "female",
        "language": "be",
    }
    form.update(changes)
    return form


def _link_path(page: str) -> str:
    return re.search(r'value="http://localhost(/(?:invitation|reset)/[^"]+)"', page).group(1)


def test_admin_creates_an_official_who_sets_a_password_through_the_invitation(client, people):
    organisation = factories.make_organisation("Mahilieu District Executive Committee")
    factories.sign_in(client, people["admin"])
    response = client.post("/admin/users/new",
                           data=_new_user_form(organisation_id=str(organisation.id)))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Invitation for Nasta Lapko" in page
    user = db.session.scalar(sa.select(User).where(User.email == "nasta@example.org"))
    assert user.organisation.name == "Mahilieu District Executive Committee"
    assert user.region == "mogilev" and user.gender == "female" and not user.has_password

    link = _link_path(page)
    newcomer = client.application.test_client()
    assert newcomer.get(link).status_code == 200
    chosen = "my own password"
    response = newcomer.post(link, data={"password": chosen, "confirm": chosen})
    assert response.status_code == 302
    assert newcomer.get("/").status_code == 200
    # The link works once.
    assert client.application.test_client().get(link).status_code == 410


def test_expired_invitation_is_refused(client, people):
    import datetime as dt

    from lms.accounts import services
    from lms.accounts.models import AccountLink

    user = factories.make_user(password=False)
    token = services.issue_link(user, services.INVITATION, created_by=people["admin"])
    link = db.session.scalar(sa.select(AccountLink).where(AccountLink.user_id == user.id))
    link.expires_at = link.created_at - dt.timedelta(seconds=1)
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410
    assert "can no longer be used" in response.get_data(as_text=True)
    assert client.get("/invitation/not-a-real-token").status_code == 410


def test_a_new_invitation_voids_the_previous_one(client, people):
    from lms.accounts import services

    user = factories.make_user(password=False)
    first = services.issue_link(user, services.INVITATION, created_by=None)
    second = services.issue_link(user, services.INVITATION, created_by=None)
    assert client.get(f"/invitation/{first}").status_code == 410
    assert client.get(f"/invitation/{second}").status_code == 200


def test_duplicate_malformed_and_overlong_input_is_refused_and_nothing_is_created(client, people):
    factories.make_user(email="taken@example.org")
    factories.sign_in(client, people["admin"])
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    cases = [
        (_new_user_form(email="Taken@example.org"), "Another account already uses this email"),
        (_new_user_form(email="not-an-email"), "Enter a valid email address"),
        (_new_user_form(full_name="x" * 201), "Field cannot be longer than 200 characters"),
        (_new_user_form(roles=[]), "Choose at least one role"),
    ]
    for data, message in cases:
        response = client.post("/admin/users/new", data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_role_change_and_deactivation_are_audited(client, people):
    person = factories.make_user("official")
    factories.sign_in(client, people["admin"])
    data = _new_user_form(email=person.email, full_name=person.full_name,
                          roles=["official", "trainer"])
    assert client.post(f"/admin/users/{person.id}", data=data).status_code == 302
    client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    events = {e.action: e for e in db.session.scalars(sa.select(AuditEvent))}
    assert events["user.roles_changed"].details == {"old": ["official"],
                                                    "new": ["official", "trainer"]}
    assert events["user.roles_changed"].actor_id == people["admin"].id
    assert events["user.deactivated"].target_id == person.id
    assert not db.session.get(User, person.id).is_active
    audit_page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.roles_changed" in audit_page and person.full_name in audit_page


def test_admin_cannot_lock_themselves_out(client, people):
    admin = people["admin"]
    factories.sign_in(client, admin)
    data = _new_user_form(email=admin.email, full_name=admin.full_name, roles=["official"])
    page = client.post(f"/admin/users/{admin.id}", data=data).get_data(as_text=True)
    assert "cannot remove your own administrator role" in page
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert db.session.get(User, admin.id).is_active


def test_reset_link_for_a_person_with_a_password(client, people):
    person = factories.make_user(email="forgetful@example.org")
    factories.sign_in(client, people["admin"])
    page = client.post(f"/admin/users/{person.id}/link").get_data(as_text=True)
    assert "Password reset for" in page
    link = _link_path(page)
    assert link.startswith("/reset/")
    other = client.application.test_client()
    other.post(link, data={"password": "brand new password", "confirm": "brand new password"})
    assert db.session.get(User, person.id).check_password("brand new password")


def test_user_list_searches_by_name_and_filters_by_role(client, people):
    factories.make_user("trainer", full_name="Ales Trainer")
    factories.make_user("official", full_name="Ales Official")
    factories.sign_in(client, people["admin"])
    page = client.get("/admin/users?q=ales&role=trainer").get_data(as_text=True)
    assert "Ales Trainer" in page and "Ales Official" not in page


def test_staff_manage_organisations(client, people):
    factories.sign_in(client, people["staff"])
    response = client.post("/admin/organisations/new", data={
        "name": "Hrodna City Executive Committee", "level": "local", "region": "grodno"})
    assert response.status_code == 302
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "Hrodna City Executive Committee" in page
    duplicate = client.post("/admin/organisations/new", data={
        "name": "Hrodna City Executive Committee", "level": "local", "region": "grodno"})
    assert "already exists" in duplicate.get_data(as_text=True)
