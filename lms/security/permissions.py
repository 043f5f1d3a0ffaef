"""Every action a route can be guarded by, named `resource:action`."""

import enum

from flask_babel import lazy_gettext as _l

from lms.reference import Choice


class Role(Choice):
    OFFICIAL = "official", _l("Official")
    TRAINER = "trainer", _l("Trainer")
    STAFF = "staff", _l("Programme staff")
    ADMIN = "admin", _l("Administrator")
    # Monitoring and evaluation: reads reports with exact figures, small groups included.
    ANALYST = "analyst", _l("Monitoring and evaluation")


class Permission(enum.StrEnum):
    # Markers for routes that need no specific right.
    PUBLIC = "public"
    SIGNED_IN = "signed-in"

    # Officials: their own learning (progress, attempts, check-in, certificates).
    LEARNING_OWN = "learning:own"
    # Trainers.
    CONTENT_AUTHOR = "content:author"
    QUIZZES_AUTHOR = "quizzes:author"
    ATTENDANCE_TAKE = "attendance:take"
    # Trainers (their own cohorts) and programme staff (all).
    COHORTS_VIEW = "cohorts:view"
    QUIZZES_RESULTS = "quizzes:results"
    # Programme staff.
    COHORTS_MANAGE = "cohorts:manage"
    CERTIFICATES_MANAGE = "certificates:manage"
    REPORTS_READ = "reports:read"
    # Monitoring and evaluation officers.
    REPORTS_EXACT = "reports:exact"
    # Administrators.
    USERS_MANAGE = "users:manage"
    ORGANISATIONS_MANAGE = "organisations:manage"
    AUDIT_READ = "audit:read"
    # Administrators and programme staff: their own personal access tokens for the API.
    API_TOKENS = "api:tokens"
