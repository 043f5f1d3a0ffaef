"""Every action a route can be guarded by, named `resource:action`."""

import enum


class Role(enum.StrEnum):
    OFFICIAL = "official"
    TRAINER = "trainer"
    STAFF = "staff"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    # Markers for routes that need no specific right.
    PUBLIC = "public"
    SIGNED_IN = "signed-in"

    USERS_MANAGE = "users:manage"
    ORGANISATIONS_MANAGE = "organisations:manage"
    AUDIT_READ = "audit:read"
    LEARNING_OWN = "learning:own"
    AUTHORING_WORK = "authoring:work"
    REPORTS_READ = "reports:read"
