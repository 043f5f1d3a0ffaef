"""An official's transcript: modules completed, sessions attended, quiz results, certificates."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from lms.accounts.models import User
from lms.attendance.models import AttendanceRecord, SeminarSession
from lms.certificates.models import Certificate
from lms.certificates.services import ATTENDED
from lms.content.models import LessonProgress, Module
from lms.content.progress import module_progress
from lms.extensions import db
from lms.quizzes.models import FINISHED, Attempt, Quiz


@dataclass(frozen=True)
class CompletedModule:
    module: Module
    completed_on: object  # the date the last lesson was read


@dataclass
class Transcript:
    user: User
    modules: list[CompletedModule]
    sessions: list[tuple[SeminarSession, AttendanceRecord]]
    attempts: list[Attempt]
    certificates: list[Certificate]

    @property
    def attended_minutes(self) -> int:
        return sum(int((s.ends_at - s.starts_at).total_seconds() // 60)
                   for s, _ in self.sessions)


def transcript(user: User) -> Transcript:
    """Everything on the transcript, in a fixed number of queries."""
    last_read = dict(db.session.execute(
        sa.select(LessonProgress.module_id, sa.func.max(LessonProgress.completed_at))
        .where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None))
        .group_by(LessonProgress.module_id)
    ).all())
    progress = module_progress([user.id], last_read)
    complete = [m for m in last_read if progress[(user.id, m)].is_complete]
    modules = list(db.session.scalars(
        sa.select(Module).where(Module.id.in_(complete))
        .options(selectinload(Module.translations)).order_by(Module.position, Module.id)
    )) if complete else []
    sessions = db.session.execute(
        sa.select(SeminarSession, AttendanceRecord)
        .join(AttendanceRecord, AttendanceRecord.session_id == SeminarSession.id)
        .where(AttendanceRecord.user_id == user.id, AttendanceRecord.status.in_(ATTENDED))
        .order_by(SeminarSession.starts_at)
    ).unique().all()
    attempts = list(db.session.scalars(
        sa.select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.state == FINISHED)
        .options(joinedload(Attempt.quiz).joinedload(Quiz.module)
                 .selectinload(Module.translations))
        .order_by(Attempt.finished_at, Attempt.id)
    ).unique())
    certificates = list(db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at)
    ))
    return Transcript(
        user,
        [CompletedModule(m, last_read[m.id].date()) for m in modules],
        [(s, r) for s, r in sessions],
        attempts,
        certificates,
    )
