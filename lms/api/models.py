"""Personal access tokens: only a hash is stored, with a short prefix to recognise one by."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, now_utc, str80, timestamp, utc_datetime
from lms.extensions import db


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str80]
    # The first characters of the token, shown on the tokens page; not secret.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[timestamp]
    expires_at: Mapped[utc_datetime]
    revoked_at: Mapped[utc_datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    # The token's owner is needed on every authenticated request, so it comes in one query.
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= now_utc()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired
