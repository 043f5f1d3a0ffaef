"""Completion rules, who meets them, and issuing and revoking certificates (flush, not commit)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from lms import audit
from lms.accounts.models import User
from lms.attendance.models import AttendanceRecord, SeminarSession, Status
from lms.certificates.models import Certificate, CompletionRule
from lms.cohorts.models import Cohort, CohortMember
from lms.content.progress import module_progress
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.models import POST_TEST
from lms.quizzes.results import quiz_standings

ATTENDED = (Status.PRESENT.value, Status.LATE.value)
# No 0/O, 1/I/L: codes are read off paper and typed in.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 31**16 is about 2**79


class CertificateError(Exception):
    """A request the rules refuse; the message is shown to the user."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed ("abcd-efgh ...") in the stored form, or "" when it cannot be one."""
    code = re.sub(r"[\s\-]", "", text or "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


def find_by_code(text: str) -> Certificate | None:
    code = normalise_code(text)
    if not code:
        return None
    return db.session.scalar(sa.select(Certificate).filter_by(code=code))


# Rules -------------------------------------------------------------------------------------

def rule_for(cohort: Cohort) -> CompletionRule | None:
    return db.session.scalar(sa.select(CompletionRule).filter_by(cohort_id=cohort.id))


def save_rule(cohort: Cohort, *, min_attendance_percent: int | None, require_post_test: bool,
              require_modules: bool, actor: User) -> CompletionRule:
    rule = rule_for(cohort)
    if rule is None:
        rule = CompletionRule(cohort_id=cohort.id)
        db.session.add(rule)
    rule.min_attendance_percent = min_attendance_percent
    rule.require_post_test = require_post_test
    rule.require_modules = require_modules
    rule.updated_at = now_utc()
    rule.updated_by_id = actor.id
    audit.record("certificates.rules_saved", actor=actor, target=cohort,
                 min_attendance_percent=min_attendance_percent,
                 require_post_test=require_post_test, require_modules=require_modules)
    db.session.flush()
    return rule


@dataclass(frozen=True)
class Standing:
    """Where one official of a cohort stands against its completion rules."""

    user: User
    sessions_held: int
    sessions_attended: int
    attended_minutes: int
    post_tests_passed: int
    post_tests: int
    modules_done: int
    modules: int
    meets_rules: bool

    @property
    def attendance_percent(self) -> float:
        if not self.sessions_held:
            return 0.0
        return round(100 * self.sessions_attended / self.sessions_held, 1)


def cohort_members(cohort: Cohort) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id).order_by(User.full_name, User.id)
    ))


def _attendance(cohort: Cohort, user_ids: list[int], now: dt.datetime):
    """Sessions held, and per official the sessions attended and their minutes, in two queries."""
    held = db.session.scalar(
        sa.select(sa.func.count(SeminarSession.id))
        .where(SeminarSession.cohort_id == cohort.id, SeminarSession.starts_at <= now)
    ) or 0
    attended: dict[int, tuple[int, int]] = {}
    if user_ids:
        rows = db.session.execute(
            sa.select(AttendanceRecord.user_id, SeminarSession.starts_at, SeminarSession.ends_at)
            .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
            .where(SeminarSession.cohort_id == cohort.id, SeminarSession.starts_at <= now,
                   AttendanceRecord.user_id.in_(user_ids),
                   AttendanceRecord.status.in_(ATTENDED))
        )
        for user_id, starts, ends in rows:
            count, minutes = attended.get(user_id, (0, 0))
            attended[user_id] = (count + 1, minutes + int((ends - starts).total_seconds() // 60))
    return held, attended


def standings(cohort: Cohort, rule: CompletionRule | None, *, now: dt.datetime | None = None,
              members: list[User] | None = None) -> list[Standing]:
    """Every member's standing against the rules, in a fixed number of queries."""
    now = now or now_utc()
    members = cohort_members(cohort) if members is None else members
    ids = [m.id for m in members]
    held, attended = _attendance(cohort, ids, now)
    post_tests = [q.quiz_id for q in cohort.quizzes if q.quiz.purpose == POST_TEST]
    quizzes = quiz_standings(ids, post_tests)
    module_ids = [m.module_id for m in cohort.modules]
    progress = module_progress(ids, module_ids)
    result = []
    for user in members:
        count, minutes = attended.get(user.id, (0, 0))
        passed = sum(1 for q in post_tests if (s := quizzes.get((user.id, q))) and s.passed)
        done = sum(1 for m in module_ids if progress[(user.id, m)].is_complete)
        meets = rule is not None and not rule.is_empty
        if meets and rule.min_attendance_percent is not None:
            meets = held > 0 and 100 * count >= rule.min_attendance_percent * held
        if meets and rule.require_post_test:
            meets = bool(post_tests) and passed == len(post_tests)
        if meets and rule.require_modules:
            meets = done == len(module_ids)
        result.append(Standing(user, held, count, minutes, passed, len(post_tests), done,
                               len(module_ids), meets))
    return result


# Issuing and revoking ----------------------------------------------------------------------

def certificates_of(cohort: Cohort) -> list[Certificate]:
    return list(db.session.scalars(
        sa.select(Certificate).filter_by(cohort_id=cohort.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ))


def _valid_certificate(cohort_id: int, user_id: int) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.cohort_id == cohort_id, Certificate.user_id == user_id,
        Certificate.revoked_at.is_(None)))


def _issue(cohort: Cohort, user: User, minutes: int, *, actor: User | None,
           reason: str) -> Certificate:
    certificate = Certificate(
        cohort_id=cohort.id, user_id=user.id, code=new_code(), issued_at=now_utc(),
        is_automatic=not reason, issued_by_id=actor.id if actor else None,
        issue_reason=reason, training_minutes=minutes,
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record("certificates.issued", actor=actor, target=certificate, cohort_id=cohort.id,
                 holder_id=user.id, automatic=not reason, reason=reason)
    return certificate


def issue_due_certificates(cohort: Cohort, *, actor: User | None = None,
                           now: dt.datetime | None = None) -> list[Certificate]:
    """Issue a certificate to every member who meets the rules and has none for the cohort.

    Idempotent: running it again issues nothing new. A revoked certificate is a decision, so
    its holder is not issued a new one automatically (staff can issue one by hand).
    """
    rule = rule_for(cohort)
    if rule is None or rule.is_empty:
        return []
    already = set(db.session.scalars(
        sa.select(Certificate.user_id).filter_by(cohort_id=cohort.id)))
    issued = []
    for standing in standings(cohort, rule, now=now):
        if standing.meets_rules and standing.user.id not in already:
            issued.append(_issue(cohort, standing.user, standing.attended_minutes,
                                 actor=actor, reason=""))
    return issued


def issue_by_hand(cohort: Cohort, user: User, reason: str, *, actor: User,
                  now: dt.datetime | None = None) -> Certificate:
    """Issue a certificate whatever the rules say, with the reason recorded."""
    from flask_babel import gettext as _

    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Give the reason for issuing the certificate by hand."))
    if not db.session.scalar(sa.select(CohortMember.id).filter_by(cohort_id=cohort.id,
                                                                  user_id=user.id)):
        raise CertificateError(_("This person is not a member of the cohort."))
    if _valid_certificate(cohort.id, user.id) is not None:
        raise CertificateError(_("This person already holds a valid certificate for the cohort."))
    _, attended = _attendance(cohort, [user.id], now or now_utc())
    return _issue(cohort, user, attended.get(user.id, (0, 0))[1], actor=actor, reason=reason)


def revoke(certificate: Certificate, reason: str, *, actor: User) -> None:
    from flask_babel import gettext as _

    reason = reason.strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking the certificate."))
    if certificate.is_revoked:
        raise CertificateError(_("The certificate is already revoked."))
    certificate.revoked_at = now_utc()
    certificate.revoked_by_id = actor.id
    certificate.revoke_reason = reason
    audit.record("certificates.revoked", actor=actor, target=certificate,
                 holder_id=certificate.user_id, reason=reason)
    db.session.flush()


def issue_for_all_cohorts(now: dt.datetime | None = None) -> dict[Cohort, int]:
    """Run `issue_due_certificates` for every active cohort with rules (the CLI command)."""
    cohorts = db.session.scalars(
        sa.select(Cohort).join(CompletionRule, CompletionRule.cohort_id == Cohort.id)
        .where(Cohort.is_archived.is_(False)).order_by(Cohort.id))
    return {cohort: len(issue_due_certificates(cohort, now=now)) for cohort in cohorts}
