"""The one place that decides what each role may do, and the guard every request passes.

Every view declares one permission with `@requires(...)` (or `@public`); the guard in
`check_request` runs before each request and refuses any endpoint that declares none, so a
new route is closed until someone states who may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from lms.security.permissions import Permission, Role

F = TypeVar("F", bound=Callable)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICIAL: frozenset({Permission.LEARNING_OWN}),
    Role.TRAINER: frozenset(
        {
            Permission.CONTENT_AUTHOR,
            Permission.QUIZZES_AUTHOR,
            Permission.QUIZZES_RESULTS,
            Permission.ATTENDANCE_TAKE,
            Permission.COHORTS_VIEW,
            # Limited to their own cohorts.
            Permission.REPORTS_READ,
        }
    ),
    Role.STAFF: frozenset(
        {
            Permission.COHORTS_MANAGE,
            Permission.CERTIFICATES_MANAGE,
            Permission.API_TOKENS,
            Permission.COHORTS_VIEW,
            Permission.ATTENDANCE_TAKE,
            Permission.QUIZZES_RESULTS,
            Permission.REPORTS_READ,
            Permission.ORGANISATIONS_MANAGE,
        }
    ),
    Role.ANALYST: frozenset({Permission.REPORTS_READ, Permission.REPORTS_EXACT}),
    Role.ADMIN: frozenset(
        {Permission.USERS_MANAGE, Permission.ORGANISATIONS_MANAGE, Permission.AUDIT_READ,
         Permission.API_TOKENS}
    ),
}

PERMISSION_ATTR = "lms_permission"


def permissions_for(roles: Iterable[Role | str]) -> frozenset[Permission]:
    """All permissions that a set of roles grants together."""
    granted: set[Permission] = {Permission.SIGNED_IN}
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(granted)


def can(user, permission: Permission) -> bool:
    """Whether `user` (possibly anonymous) holds `permission`."""
    if permission is Permission.PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    return permission in permissions_for(user.role_names)


def requires(permission: Permission) -> Callable[[F], F]:
    """Declare the permission a view needs; the request guard enforces it."""

    def decorate(view: F) -> F:
        setattr(view, PERMISSION_ATTR, permission)
        return view

    return decorate


public = requires(Permission.PUBLIC)
signed_in = requires(Permission.SIGNED_IN)


def declared_permission(endpoint: str | None) -> Permission | None:
    """The permission the view behind `endpoint` declared, or None."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Permission.PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, PERMISSION_ATTR, None)


def check_request():
    """Before each request: let it through, send to the login page, or refuse with 403."""
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    permission = declared_permission(request.endpoint)
    if permission is None:
        current_app.logger.error("Endpoint %s declares no permission", request.endpoint)
        abort(403)
    if permission is Permission.PUBLIC:
        return None
    if not current_user.is_authenticated:
        # The API answers 401 (as problem details), never with the login page.
        if request.method == "GET" and request.blueprint != "api":
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        abort(401)
    if not can(current_user, permission):
        abort(403)
    return None
