"""Attendance actions as plain functions: they change the session and flush; the request commits.

Every change of a person's attendance, whoever makes it, writes an AttendanceChange row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from lms import audit
from lms.accounts.models import User
from lms.attendance import checkin
from lms.attendance.models import (
    Apology,
    AttendanceChange,
    AttendanceRecord,
    Decision,
    SeminarSession,
    Status,
    session_trainers,
)
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, CohortMember
from lms.content.models import Module
from lms.db import now_utc
from lms.extensions import db

NOTE_MAX = 255


def default_timezone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Minsk"


def default_grace_minutes() -> int:
    return int(current_app.config.get("CHECK_IN_GRACE_MINUTES", 10))


@dataclass(frozen=True)
class SessionData:
    title: str
    starts_local: dt.datetime  # naive, in `timezone`
    ends_local: dt.datetime
    timezone: str
    venue: str = ""
    city: str = ""
    online_url: str | None = None
    grace_minutes: int = 10
    module_ids: list[int] = field(default_factory=list)
    trainer_ids: list[int] = field(default_factory=list)


def to_utc(local: dt.datetime, zone: str) -> dt.datetime:
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def to_local(value: dt.datetime, zone: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(zone))


def save_session(session: SeminarSession | None, cohort: Cohort, data: SessionData, *,
                 actor: User) -> SeminarSession:
    """Schedule a session for a cohort (when `session` is None) or change one."""
    if session is None:
        session = SeminarSession(cohort_id=cohort.id, check_in_secret=checkin.new_secret())
        db.session.add(session)
    session.title = data.title.strip()
    session.timezone = data.timezone
    session.starts_at = to_utc(data.starts_local, data.timezone)
    session.ends_at = to_utc(data.ends_local, data.timezone)
    session.venue = data.venue.strip()
    session.city = data.city.strip()
    session.online_url = (data.online_url or "").strip() or None
    session.grace_minutes = data.grace_minutes
    session.modules = list(db.session.scalars(
        sa.select(Module).where(Module.id.in_(data.module_ids))
    )) if data.module_ids else []
    session.trainers = list(db.session.scalars(
        sa.select(User).where(User.id.in_(data.trainer_ids))
    )) if data.trainer_ids else []
    db.session.flush()
    audit.record("session.saved", actor=actor, target=session, cohort_id=cohort.id,
                 title=session.title)
    return session


def load_session(session_id: int) -> SeminarSession | None:
    """A session with its cohort (joined); pages load what else they show themselves."""
    return db.session.get(SeminarSession, session_id)


def _change(session_id: int, user_id: int, *, actor: User | None, source: str,
            old: AttendanceRecord | None, status: str, note: str,
            old_status: str | None = None, old_note: str = "") -> None:
    db.session.add(AttendanceChange(
        session_id=session_id, user_id=user_id, changed_by_id=getattr(actor, "id", None),
        source=source, old_status=old.status if old else old_status,
        old_note=old.note if old else old_note, new_status=status, new_note=note,
    ))


def records(session_id: int) -> dict[int, AttendanceRecord]:
    return {r.user_id: r for r in db.session.scalars(
        sa.select(AttendanceRecord).where(AttendanceRecord.session_id == session_id)
    )}


def set_attendance(session: SeminarSession, changes: dict[int, tuple[str, str]], *,
                   actor: User, source: str = "register") -> int:
    """Set status and note for several members at once; returns how many really changed.

    `changes` maps a member's user id to (status, note). People who are not members of the
    cohort are ignored; unchanged rows write nothing.
    """
    members = cohorts.member_ids(session.cohort_id)
    existing = records(session.id)
    changed = 0
    for user_id, (status, note) in changes.items():
        status = Status(status).value
        note = (note or "").strip()[:NOTE_MAX]
        if user_id not in members:
            continue
        record = existing.get(user_id)
        if record is not None and record.status == status and record.note == note:
            continue
        _change(session.id, user_id, actor=actor, source=source, old=record, status=status,
                note=note)
        if record is None:
            db.session.add(AttendanceRecord(session_id=session.id, user_id=user_id,
                                            status=status, note=note))
        else:
            record.status, record.note, record.updated_at = status, note, now_utc()
        changed += 1
    db.session.flush()
    return changed


def mark_all_present(session: SeminarSession, *, actor: User) -> int:
    """Mark every member who has no mark yet as present; existing marks stay."""
    existing = records(session.id)
    unmarked = cohorts.member_ids(session.cohort_id) - existing.keys()
    return set_attendance(session, dict.fromkeys(unmarked, (Status.PRESENT, "")), actor=actor)


class CheckInRefused(Exception):
    """Check-in is refused; the message says why, in the user's language."""


def open_check_in(session: SeminarSession, is_open: bool, *, actor: User) -> None:
    session.check_in_open = is_open
    if is_open:
        # A fresh secret: codes shown at an earlier opening stop working.
        session.check_in_secret = checkin.new_secret()
    audit.record("session.check_in_opened" if is_open else "session.check_in_closed",
                 actor=actor, target=session)
    db.session.flush()


def in_time_window(session: SeminarSession, now: dt.datetime) -> bool:
    return session.starts_at <= now <= session.ends_at


def check_in(user: User, code: str, *, session_id: int | None = None,
             now: dt.datetime | None = None) -> tuple[SeminarSession, AttendanceRecord]:
    """Check the signed-in official in with a code; refuse with a reason otherwise.

    Candidates are the sessions of the official's cohorts with check-in open (or the one
    session given); the code must be current for one of them, and the session in progress.
    Nothing is written on refusal.
    """
    now = now or now_utc()
    query = (
        sa.select(SeminarSession)
        .join(CohortMember, CohortMember.cohort_id == SeminarSession.cohort_id)
        .where(CohortMember.user_id == user.id)
    )
    if session_id is not None:
        query = query.where(SeminarSession.id == session_id)
    else:
        query = query.where(SeminarSession.check_in_open.is_(True))
    sessions = list(db.session.scalars(query))
    if session_id is not None and not sessions:
        raise CheckInRefused(_("You are not enrolled in this session's cohort."))
    timestamp = now.timestamp()
    matched = next((s for s in sessions
                    if checkin.is_valid(s.id, s.check_in_secret, code, timestamp)), None)
    if matched is None:
        if sessions and all(not s.check_in_open for s in sessions):
            raise CheckInRefused(_("Check-in for this session is not open."))
        raise CheckInRefused(_("The code is wrong or has expired. Check the code on the screen "
                               "and try again."))
    if not matched.check_in_open:
        raise CheckInRefused(_("Check-in for this session is not open."))
    if now < matched.starts_at:
        raise CheckInRefused(_("The session has not started yet."))
    if now > matched.ends_at:
        raise CheckInRefused(_("The session has ended."))
    late = now > matched.starts_at + dt.timedelta(minutes=matched.grace_minutes)
    status = Status.LATE.value if late else Status.PRESENT.value
    return matched, _record_check_in(matched, user, status, now)


def _record_check_in(session: SeminarSession, user: User, status: str,
                     now: dt.datetime) -> AttendanceRecord:
    record = db.session.scalar(
        sa.select(AttendanceRecord).where(AttendanceRecord.session_id == session.id,
                                          AttendanceRecord.user_id == user.id)
    )
    if record is not None:
        if record.checked_in_at is not None or record.status in (Status.PRESENT, Status.LATE):
            raise CheckInRefused(_("You are already checked in to this session."))
        _change(session.id, user.id, actor=user, source="check-in", old=record, status=status,
                note=record.note)
        record.status, record.checked_in_at, record.updated_at = status, now, now
        db.session.flush()
        return record
    record = AttendanceRecord(session_id=session.id, user_id=user.id, status=status,
                              checked_in_at=now, updated_at=now)
    # Two check-ins of one person at once: the unique constraint lets only one row in.
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise CheckInRefused(_("You are already checked in to this session.")) from None
    _change(session.id, user.id, actor=user, source="check-in", old=None, status=status,
            note="")
    db.session.flush()
    return record


def send_apology(session: SeminarSession, user: User, reason: str) -> Apology:
    """An official's apology in advance; sending again replaces a pending one's reason."""
    apology = db.session.scalar(
        sa.select(Apology).where(Apology.session_id == session.id, Apology.user_id == user.id)
    )
    if apology is None:
        apology = Apology(session_id=session.id, user_id=user.id, reason=reason.strip())
        db.session.add(apology)
    elif apology.decision == Decision.PENDING:
        apology.reason = reason.strip()
    else:
        raise CheckInRefused(_("Your apology was already answered."))
    db.session.flush()
    return apology


def decide_apology(session: SeminarSession, apology: Apology, accepted: bool, *,
                   actor: User) -> None:
    """Accept an apology (the person is marked excused) or decline it."""
    apology.decision = (Decision.ACCEPTED if accepted else Decision.DECLINED).value
    apology.decided_by_id = actor.id
    apology.decided_at = now_utc()
    if accepted:
        set_attendance(session, {apology.user_id: (Status.EXCUSED, apology.reason[:NOTE_MAX])},
                       actor=actor, source="apology")
    audit.record("session.apology_decided", actor=actor, target=session,
                 official_id=apology.user_id, decision=apology.decision)
    db.session.flush()


class RegisterMark(NamedTuple):
    status: str
    note: str


class RegisterChange(NamedTuple):
    at: dt.datetime
    changed_by_name: str | None
    official_name: str
    old_status: str | None
    old_note: str
    new_status: str
    new_note: str
    source: str


class RegisterApology(NamedTuple):
    id: int
    official_name: str
    reason: str
    decision: str


@dataclass
class Register:
    """What the register page shows, loaded in a fixed number of queries.

    Rows hold only the columns the page shows: full User objects would bring their roles and
    organisations in more queries, and the page has a row per member and per change.
    """

    session: SeminarSession
    trainer_names: list[str]
    module_titles: list[str]
    members: list[cohorts.MemberRow]
    records: dict[int, RegisterMark]
    changes: list[RegisterChange]
    apologies: list[RegisterApology]


TRAIL_ROWS = 200


def register(session: SeminarSession, language: str) -> Register:
    """The register of a session, in the same few queries however many members and changes."""
    params = {"session_id": session.id}
    queries = _register_queries()
    return Register(
        session=session,
        trainer_names=list(db.session.scalars(queries["trainers"], params)),
        module_titles=[title for _id, title in cohorts.module_titles(
            language, session_id=session.id)],
        members=cohorts.member_rows(session.cohort_id),
        records={user_id: RegisterMark(status, note)
                 for user_id, status, note in db.session.execute(queries["marks"], params)},
        changes=[RegisterChange(*row) for row in db.session.execute(queries["changes"], params)],
        apologies=[RegisterApology(*row)
                   for row in db.session.execute(queries["apologies"], params)],
    )


@cache
def _register_queries() -> dict[str, sa.Select]:
    """The register's statements, built once: building them costs more than running them."""
    session_id = sa.bindparam("session_id")
    official, changer = aliased(User, name="official"), aliased(User, name="changer")
    return {
        "trainers": sa.select(User.full_name)
        .join(session_trainers, session_trainers.c.user_id == User.id)
        .where(session_trainers.c.session_id == session_id)
        .order_by(User.full_name),
        "marks": sa.select(AttendanceRecord.user_id, AttendanceRecord.status,
                           AttendanceRecord.note)
        .where(AttendanceRecord.session_id == session_id),
        "changes": sa.select(AttendanceChange.at, changer.full_name, official.full_name,
                             AttendanceChange.old_status, AttendanceChange.old_note,
                             AttendanceChange.new_status, AttendanceChange.new_note,
                             AttendanceChange.source)
        .join(official, official.id == AttendanceChange.user_id)
        .outerjoin(changer, changer.id == AttendanceChange.changed_by_id)
        .where(AttendanceChange.session_id == session_id)
        .order_by(AttendanceChange.id.desc()).limit(TRAIL_ROWS),
        "apologies": sa.select(Apology.id, official.full_name, Apology.reason, Apology.decision)
        .join(official, official.id == Apology.user_id)
        .where(Apology.session_id == session_id)
        .order_by(Apology.created_at),
    }


def upcoming_sessions(user: User, *, now: dt.datetime | None = None, limit: int = 50):
    """The official's sessions that have not ended, soonest first, in one query."""
    now = now or now_utc()
    return list(db.session.scalars(
        sa.select(SeminarSession)
        .join(CohortMember, CohortMember.cohort_id == SeminarSession.cohort_id)
        .join(Cohort, Cohort.id == SeminarSession.cohort_id)
        .where(CohortMember.user_id == user.id, SeminarSession.ends_at >= now,
               Cohort.is_archived.is_(False))
        .order_by(SeminarSession.starts_at)
        .limit(limit)
    ).unique())
