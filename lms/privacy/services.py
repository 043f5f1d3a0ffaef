"""An official's personal data as JSON, and anonymising a person who leaves the programme."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms import audit
from lms.accounts.models import AccountLink, User
from lms.attendance.models import Apology, AttendanceRecord, SeminarSession
from lms.audit import AuditEvent
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort, CohortMember, CohortTrainer
from lms.content.models import Lesson, LessonProgress
from lms.extensions import db
from lms.quizzes.models import Attempt, AttemptItem, QuestionVersion


def _time(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(user: User) -> dict:
    """Everything the system holds about `user`, theirs only, in a fixed number of queries."""
    cohorts = db.session.execute(
        sa.select(Cohort, CohortMember.enrolled_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id).order_by(Cohort.starts_on)
    ).all()
    trained = db.session.scalars(
        sa.select(Cohort).join(CohortTrainer, CohortTrainer.cohort_id == Cohort.id)
        .where(CohortTrainer.user_id == user.id).order_by(Cohort.starts_on)
    ).all()
    attendance = db.session.execute(
        sa.select(AttendanceRecord, SeminarSession)
        .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
        .where(AttendanceRecord.user_id == user.id).order_by(SeminarSession.starts_at)
    ).unique().all()
    apologies = db.session.scalars(
        sa.select(Apology).where(Apology.user_id == user.id).order_by(Apology.created_at)
    ).unique().all()
    progress = db.session.execute(
        sa.select(LessonProgress, Lesson.slug)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user.id).order_by(LessonProgress.first_viewed_at)
    ).all()
    attempts = db.session.scalars(
        sa.select(Attempt).where(Attempt.user_id == user.id)
        .options(selectinload(Attempt.quiz),
                 selectinload(Attempt.items).selectinload(AttemptItem.version)
                 .selectinload(QuestionVersion.choices))
        .order_by(Attempt.started_at)
    ).all()
    certificates = db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at)
    ).all()
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(sa.or_(AuditEvent.actor_id == user.id,
                      sa.and_(AuditEvent.target_type == User.__tablename__,
                              AuditEvent.target_id == user.id),
                      AuditEvent.details["holder_id"].as_integer() == user.id))
        .order_by(AuditEvent.at)
    ).unique().all()
    organisation = user.organisation
    return {
        "profile": {
            "id": user.id, "full_name": user.full_name, "email": user.email,
            "position": user.position, "gender": user.gender, "gov_level": user.gov_level,
            "region": user.region, "language": user.language,
            "active": user.is_active_account, "created_at": _time(user.created_at),
            "last_login_at": _time(user.last_login_at),
        },
        "organisation": None if organisation is None else {
            "id": organisation.id, "name": organisation.name, "level": organisation.level,
            "region": organisation.region,
        },
        "roles": sorted(user.role_names),
        "cohorts": [{"id": c.id, "name": c.name, "starts_on": _time(c.starts_on),
                     "ends_on": _time(c.ends_on), "enrolled_at": _time(enrolled)}
                    for c, enrolled in cohorts],
        "cohorts_trained": [{"id": c.id, "name": c.name} for c in trained],
        "attendance": [{"session_id": s.id, "session": s.title, "cohort_id": s.cohort_id,
                        "starts_at": _time(s.starts_at), "ends_at": _time(s.ends_at),
                        "status": r.status, "note": r.note,
                        "checked_in_at": _time(r.checked_in_at)} for r, s in attendance],
        "apologies": [{"session_id": a.session_id, "reason": a.reason,
                       "created_at": _time(a.created_at), "decision": a.decision,
                       "decided_at": _time(a.decided_at)} for a in apologies],
        "progress": [{"module_id": p.module_id, "lesson": slug,
                      "first_viewed_at": _time(p.first_viewed_at),
                      "last_viewed_at": _time(p.last_viewed_at),
                      "completed_at": _time(p.completed_at)} for p, slug in progress],
        "quiz_attempts": [{
            "quiz_id": a.quiz_id, "quiz": a.quiz.title, "number": a.number, "state": a.state,
            "started_at": _time(a.started_at), "finished_at": _time(a.finished_at),
            "score": a.score, "max_score": a.max_score, "grade": a.grade,
            "answers": [{"question": i.version.title or i.version.text[:200],
                         "response": i.response, "score": i.score, "marks": i.marks,
                         "comment": i.comment} for i in a.items],
        } for a in attempts],
        "certificates": [{"cohort_id": c.cohort_id, "cohort": c.cohort.name,
                          "code": c.code, "issued_at": _time(c.issued_at),
                          "hours": c.hours, "revoked_at": _time(c.revoked_at),
                          "revoke_reason": c.revoke_reason} for c in certificates],
        "audit_events": [{"at": _time(e.at), "action": e.action,
                          "by_this_person": e.actor_id == user.id,
                          "target_type": e.target_type, "target_id": e.target_id,
                          "ip_address": e.ip_address}
                         for e in events],
    }


def anonymised_name(user_id: int) -> str:
    return f"Anonymised person #{user_id}"


def anonymise(user: User, *, actor: User) -> None:
    """Remove a person's identity but keep every row that counts in reports.

    Name, email (also where a failed login recorded it), position, password, one-time links
    and free text they wrote to explain an absence go; the account is deactivated and its
    sessions end. Attendance, attempts, progress, memberships, certificates, gender, level,
    region and organisation stay, so every figure in the reports stays the same.
    """
    user.full_name = anonymised_name(user.id)
    # .invalid is reserved and never delivered (RFC 2606); the id keeps it unique.
    user.email = f"anonymised-{user.id}@anonymised.invalid"
    user.position = None
    user.password_hash = None
    user.is_active_account = False
    user.end_sessions()
    db.session.execute(sa.delete(AccountLink).where(AccountLink.user_id == user.id))
    db.session.execute(sa.update(Apology).where(Apology.user_id == user.id).values(reason=""))
    # A failed login keeps the address typed; the events themselves stay for security.
    for event in db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.target_type == User.__tablename__, AuditEvent.target_id == user.id)):
        if "email" in (event.details or {}):
            event.details = {k: v for k, v in event.details.items() if k != "email"}
    audit.record("privacy.anonymised", actor=actor, target=user)
    db.session.flush()


def is_anonymised(user: User) -> bool:
    return user.email == f"anonymised-{user.id}@anonymised.invalid"
