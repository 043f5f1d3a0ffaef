"""Tokens for API tests, and a client that sends one."""

from __future__ import annotations

from lms.api import tokens
from lms.extensions import db

ALL_SCOPES = tuple(s.value for s in tokens.Scope)


def make_token(user, scopes=ALL_SCOPES, days: int = 30, name: str = "Test") -> str:
    """A token for `user` (even one whose role may not create tokens), committed."""
    _token, plain = tokens.create_token(user, name=name, scopes=scopes, days=days)
    db.session.commit()
    return plain


def bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def get(client, url: str, plain: str, **kwargs):
    return client.get(url, headers=bearer(plain), **kwargs)
