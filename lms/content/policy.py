"""Who may see which module: published ones for everyone signed in, drafts for authors."""

from __future__ import annotations

from lms.content.models import Module
from lms.security.permissions import Permission
from lms.security.policy import can


def can_read(user, module: Module) -> bool:
    return module.is_published or can(user, Permission.CONTENT_AUTHOR)
