"""Small builders for test data, and helpers to sign in as someone."""

from __future__ import annotations

import itertools
from functools import cache

from werkzeug.security import generate_password_hash

from lms.accounts.models import Organisation, User
from lms.extensions import db
from lms.security.permissions import Role

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    # Hashing is deliberately slow; tests share one hash of the one test password.
    return generate_password_hash(PASSWORD)


def make_organisation(name: str | None = None, level="local", region="grodno") -> Organisation:
    organisation = Organisation(
        name=name or f"Executive committee {next(_counter)}", level=level, region=region
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_user(*roles: Role | str, email: str | None = None, full_name: str | None = None,
              password: bool = True, active: bool = True, **profile) -> User:
    n = next(_counter)
    user = User(
        email=email or f"person{n}@example.org",
        full_name=full_name or f"Person {n}",
        password_hash=_password_hash() if password else None,
        is_active_account=active,
        session_version=1,
        **{"language": "en", **profile},
    )
    user.set_roles(roles or [Role.OFFICIAL])
    db.session.add(user)
    db.session.flush()
    return user


def people_in_every_role() -> dict[str, User]:
    people = {role.value: make_user(role, email=f"{role.value}@example.org") for role in Role}
    db.session.commit()
    return people


def sign_in(client, user: User) -> None:
    """Put the user's session into the client's cookie without the slow password check."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def log_in(client, email: str, password: str = PASSWORD, **extra):
    """Sign in through the real login form."""
    return client.post("/login", data={"email": email, "password": password, **extra})
