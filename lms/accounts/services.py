"""Account actions as plain functions: they change the session and flush; the request commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from lms import audit
from lms.accounts.models import AccountLink, Organisation, User
from lms.db import now_utc
from lms.extensions import db

INVITATION = "invitation"
RESET = "reset"
PASSWORD_MIN = 10
PASSWORD_MAX = 128


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def email_taken(email: str, *, except_user: User | None = None) -> bool:
    query = sa.select(User.id).where(User.email == normalise_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) is not None


@dataclass(frozen=True)
class ProfileData:
    """What donors report on, as entered on a form or in an import."""

    full_name: str
    email: str
    organisation_id: int | None = None
    position: str | None = None
    gov_level: str | None = None
    region: str | None = None
    gender: str = "not-stated"
    language: str = "ru"


def _apply_profile(user: User, data: ProfileData) -> None:
    user.full_name = data.full_name.strip()
    user.email = normalise_email(data.email)
    user.organisation_id = data.organisation_id
    user.position = (data.position or "").strip() or None
    user.gov_level = data.gov_level or None
    user.region = data.region or None
    user.gender = data.gender
    user.language = data.language


def create_user(data: ProfileData, roles, *, created_by: User | None) -> tuple[User, str]:
    """Create an account without a password and an invitation link to set one."""
    user = User(session_version=1)
    _apply_profile(user, data)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    token = issue_link(user, INVITATION, created_by=created_by)
    audit.record("user.created", actor=created_by, target=user, roles=sorted(user.role_names))
    return user, token


def update_user(user: User, data: ProfileData, roles, *, changed_by: User) -> None:
    """Change a user's profile and roles; a role change is audited."""
    before = sorted(user.role_names)
    _apply_profile(user, data)
    user.set_roles(roles)
    after = sorted(user.role_names)
    if before != after:
        audit.record("user.roles_changed", actor=changed_by, target=user, old=before, new=after)
    audit.record("user.updated", actor=changed_by, target=user)
    db.session.flush()


def update_own_profile(user: User, *, full_name: str, position: str | None, gender: str,
                       language: str) -> None:
    """The fields a person may change about themselves."""
    user.full_name = full_name.strip()
    user.position = (position or "").strip() or None
    user.gender = gender
    user.language = language
    db.session.flush()


def set_active(user: User, active: bool, *, changed_by: User) -> None:
    """Deactivate (ending every open session) or reactivate an account."""
    if user.is_active_account == active:
        return
    user.is_active_account = active
    if not active:
        user.end_sessions()
    audit.record("user.activated" if active else "user.deactivated", actor=changed_by, target=user)
    db.session.flush()


def issue_link(user: User, purpose: str, *, created_by: User | None) -> str:
    """Make a one-time link token; earlier unused links of the same kind stop working."""
    now = now_utc()
    for link in db.session.scalars(
        sa.select(AccountLink).where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
    ):
        link.expires_at = now
    lifetime = (
        dt.timedelta(days=current_app.config["INVITATION_DAYS"])
        if purpose == INVITATION
        else dt.timedelta(hours=current_app.config["RESET_HOURS"])
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash_token(token),
            expires_at=now + lifetime,
            created_by_id=getattr(created_by, "id", None),
        )
    )
    if purpose == RESET:
        audit.record("user.reset_link_issued", actor=created_by, target=user)
    db.session.flush()
    return token


def find_link(token: str, purpose: str) -> AccountLink | None:
    """The link behind a token, used or not, or None when there is none."""
    return db.session.scalar(
        sa.select(AccountLink).where(
            AccountLink.token_hash == _hash_token(token), AccountLink.purpose == purpose
        )
    )


def use_link(link: AccountLink, password: str) -> User:
    """Set the password through a one-time link, which then stops working."""
    link.used_at = now_utc()
    user = link.user
    user.set_password(password)
    user.end_sessions()
    audit.record(f"user.{link.purpose}_used", actor=user, target=user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; both outcomes are audited."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        audit.record(
            "login.failed", actor=user, target=user, email=normalise_email(email)[:255]
        )
        return None
    if not user.is_active:
        audit.record("login.refused_inactive", actor=user, target=user)
        return None
    user.last_login_at = now_utc()
    audit.record("login.succeeded", actor=user, target=user)
    return user


def log_out(user: User) -> None:
    """End this user's sessions everywhere: any copy of the old cookie stops working."""
    user.end_sessions()
    audit.record("logout", actor=user, target=user)


def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.end_sessions()
    audit.record("user.password_changed", actor=user, target=user)
    db.session.flush()


def organisation_choices() -> list[tuple[int, str]]:
    query = sa.select(Organisation.id, Organisation.name).order_by(Organisation.name)
    return [(row.id, row.name) for row in db.session.execute(query)]
