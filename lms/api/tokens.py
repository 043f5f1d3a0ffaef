"""Creating, finding and revoking personal access tokens: plain functions that flush."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms import audit
from lms.api.models import ApiToken
from lms.db import now_utc
from lms.extensions import db
from lms.reference import Choice

TOKEN_START = "lms_"  # noqa: S105 (a marker that makes leaked tokens easy to spot)
PREFIX_LENGTH = 12  # "lms_" and 8 random characters
MAX_DAYS = 366


class Scope(Choice):
    COHORTS = "cohorts:read", _l("Cohorts and their sessions")
    ATTENDANCE = "attendance:read", _l("Attendance records")
    QUIZZES = "quizzes:read", _l("Quiz results")
    REPORTS = "reports:read", _l("Report figures")
    XAPI = "xapi:read", _l("xAPI statements")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, *, name: str, scopes, days: int) -> tuple[ApiToken, str]:
    """Make a token for `user`; the plain token is returned once and never stored."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_DAYS} days")
    wanted = sorted({Scope(s).value for s in scopes})
    if not wanted:
        raise ValueError("a token needs at least one scope")
    plain = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip(), prefix=plain[:PREFIX_LENGTH],
                     token_hash=hash_token(plain), scopes=wanted,
                     expires_at=now_utc() + dt.timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", actor=user, target=token, name=token.name,
                 scopes=wanted, expires_at=token.expires_at.isoformat())
    return token, plain


def revoke_token(token: ApiToken, *, revoked_by) -> None:
    """Stop a token working; revoking twice changes nothing."""
    if token.is_revoked:
        return
    token.revoked_at = now_utc()
    token.revoked_by_id = revoked_by.id
    audit.record("api_token.revoked", actor=revoked_by, target=token, name=token.name)
    db.session.flush()


def find_usable(plain: str) -> ApiToken | None:
    """The live token with this text, or None if it is unknown, tampered, expired or revoked."""
    if not plain.startswith(TOKEN_START) or len(plain) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


def tokens_of(user) -> list[ApiToken]:
    """A person's tokens, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))
