"""The audit log: who did what, to what, when. Written for security-relevant events."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, str80, timestamp
from lms.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[intpk]
    at: Mapped[timestamp] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str80] = mapped_column(index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))

    actor = relationship("User", lazy="joined", foreign_keys=[actor_id])


def record(action: str, *, actor=None, target=None, **details) -> AuditEvent:
    """Add an audit event to the session; the request's commit writes it."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
