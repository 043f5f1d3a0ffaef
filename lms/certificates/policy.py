"""Who may see which certificate: object checks in one place."""

from __future__ import annotations

from lms.certificates.models import Certificate
from lms.security.permissions import Permission
from lms.security.policy import can


def manages_certificates(user) -> bool:
    """Programme staff set rules and issue and revoke certificates for every cohort."""
    return can(user, Permission.CERTIFICATES_MANAGE)


def is_holder(user, certificate: Certificate) -> bool:
    """An official downloads only their own certificates (and only while they are valid)."""
    return (can(user, Permission.LEARNING_OWN) and certificate.user_id == user.id
            and not certificate.is_revoked)
