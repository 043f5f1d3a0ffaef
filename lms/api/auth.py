"""Bearer tokens: who a request is, and whether its token's scopes cover the endpoint.

The token is turned into its user by Flask-Login's request loader, so the same request guard
(`check_request`) and the same object-level policies as the web pages decide what it sees;
the token's scopes only narrow that further.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, g, request

from lms.api.tokens import Scope, find_usable

F = TypeVar("F", bound=Callable)
SCOPE_ATTR = "lms_api_scope"


def bearer(req) -> str | None:
    """The token in `Authorization: Bearer <token>`, or None if the header is absent."""
    header = req.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer":
        return None
    return value.strip()


def load_user_from_token(req):
    """Flask-Login's request loader: the user of a live token, for API requests only."""
    if req.blueprint != "api":
        return None
    plain = bearer(req)
    if not plain:
        return None
    token = find_usable(plain)
    if token is None:
        return None
    g.api_token = token
    return token.user


def needs_scope(scope: Scope) -> Callable[[F], F]:
    """Declare the token scope an API view needs, next to its permission."""

    def decorate(view: F) -> F:
        setattr(view, SCOPE_ATTR, scope)
        return view

    return decorate


def check_token():
    """Before each API request, after the central guard: a sent token must be the one used,
    and it must hold the endpoint's scope."""
    sent = "Authorization" in request.headers
    token = g.get("api_token")
    if sent and token is None:
        # Unknown, tampered, expired or revoked (or sent alongside a browser session).
        abort(401, description="The access token is not valid, has expired or was revoked.")
    if token is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    scope = getattr(view, SCOPE_ATTR, None)
    if scope is not None and scope.value not in token.scopes:
        abort(403, description=f"The access token lacks the scope {scope.value}.")
    return None
