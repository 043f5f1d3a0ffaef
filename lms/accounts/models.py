"""Accounts: users, their roles, their organisations and one-time links."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from lms.db import intpk, now_utc, str80, str200, str255, timestamp, utc_datetime
from lms.extensions import db
from lms.reference import Gender, GovLevel, Language, Region
from lms.security.permissions import Role

NAME_MAX = 200


class Organisation(db.Model):
    """A state body an official works for, e.g. an oblast executive committee."""

    __tablename__ = "organisations"

    id: Mapped[intpk]
    name: Mapped[str255] = mapped_column(unique=True)
    level: Mapped[str] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[timestamp]

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"

    @property
    def level_label(self) -> str:
        return GovLevel(self.level).label

    @property
    def region_label(self) -> str:
        return Region(self.region).label if self.region else ""


class UserRole(db.Model):
    """One role held by one user; a user may hold several."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class User(UserMixin, db.Model):
    """A person with an account: official, trainer, programme staff or administrator."""

    __tablename__ = "users"

    id: Mapped[intpk]
    email: Mapped[str255] = mapped_column(unique=True)
    full_name: Mapped[str200]
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[str | None] = mapped_column(sa.String(NAME_MAX))
    gov_level: Mapped[str | None] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(20))
    gender: Mapped[str] = mapped_column(sa.String(20), default=Gender.NOT_STATED.value)
    language: Mapped[str] = mapped_column(sa.String(5), default=Language.RU.value)
    # Bumped on logout, password change and deactivation: every cookie issued before
    # carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[timestamp]
    last_login_at: Mapped[utc_datetime | None]

    # Roles are read on every request, so they come with the user in one query.
    roles: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"

    # Flask-Login asks `is_active`; the column has a different name so the two never clash.
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    def set_roles(self, roles) -> None:
        wanted = {Role(r).value for r in roles}
        self.roles = [r for r in self.roles if r.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - self.role_names)
        ]

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt with a random salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(
            self.password_hash, password
        )

    def end_sessions(self) -> None:
        self.session_version += 1

    @property
    def gender_label(self) -> str:
        return Gender(self.gender).label

    @property
    def region_label(self) -> str:
        return Region(self.region).label if self.region else ""

    @property
    def gov_level_label(self) -> str:
        return GovLevel(self.gov_level).label if self.gov_level else ""


class AccountLink(db.Model):
    """A one-time link to set a password: an invitation or a reset.

    Only a hash of the token is stored, so a copy of the database cannot be used to sign in.
    """

    __tablename__ = "account_links"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str80]  # "invitation" or "reset"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[timestamp]
    expires_at: Mapped[utc_datetime]
    used_at: Mapped[utc_datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > now_utc()
