"""Every model module, imported in one place so the metadata (and Alembic) sees them all."""

from lms.accounts.models import AccountLink, Organisation, User, UserRole  # noqa: F401
from lms.audit import AuditEvent  # noqa: F401
from lms.content.models import (  # noqa: F401
    Attachment,
    Lesson,
    LessonProgress,
    LessonTranslation,
    Module,
    ModuleTranslation,
    ModuleVersion,
)
