"""What the home page and "My seminars" show each role, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.attendance.models import Apology, AttendanceRecord, SeminarSession
from lms.attendance.services import upcoming_sessions
from lms.cohorts import policy
from lms.cohorts.models import Cohort, CohortModule, CohortQuiz
from lms.content.models import Module
from lms.content.progress import ModuleProgress, module_progress
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.policy import may_take
from lms.quizzes.results import QuizStanding, quiz_standings


@dataclass
class OfficialSummary:
    cohorts: list[Cohort]
    progress: dict[tuple[int, int], ModuleProgress]
    # Only quizzes the official has started; a missing (user, quiz) pair is not started.
    standings: dict[tuple[int, int], QuizStanding]
    upcoming: list[SeminarSession]
    past: list[tuple[SeminarSession, AttendanceRecord | None]]
    apologies: dict[int, Apology]

    def quizzes_of(self, cohort: Cohort) -> list[CohortQuiz]:
        """The cohort's assigned quizzes the official may take (a draft is the trainer's)."""
        return [q for q in cohort.quizzes if may_take(q.quiz)]


def official_summary(user: User, *, full: bool = False) -> OfficialSummary:
    """The official's active cohorts with their modules, quizzes and progress, and sessions."""
    cohorts = list(db.session.scalars(
        policy.own_cohorts(user, sa.select(Cohort))
        .where(Cohort.is_archived.is_(False))
        .options(selectinload(Cohort.modules).selectinload(CohortModule.module)
                 .selectinload(Module.translations),
                 # Each assignment's quiz comes joined to it (CohortQuiz.quiz is lazy="joined").
                 selectinload(Cohort.quizzes))
        .order_by(Cohort.starts_on)
    ))
    module_ids = [m.module_id for c in cohorts for m in c.modules]
    progress = module_progress([user.id], module_ids)
    standings = quiz_standings([user.id], [q.quiz_id for c in cohorts for q in c.quizzes])
    upcoming = upcoming_sessions(user, limit=50 if full else 5)
    past, apologies = [], {}
    if full:
        now = now_utc()
        rows = db.session.execute(
            policy.own_cohorts(user, sa.select(SeminarSession, AttendanceRecord)
                               .join(Cohort, Cohort.id == SeminarSession.cohort_id))
            .outerjoin(AttendanceRecord, sa.and_(AttendanceRecord.session_id == SeminarSession.id,
                                                 AttendanceRecord.user_id == user.id))
            .where(SeminarSession.starts_at <= now)
            .order_by(SeminarSession.starts_at.desc())
        ).unique().all()
        past = [(s, r) for s, r in rows]
        apologies = {a.session_id: a for a in db.session.scalars(
            sa.select(Apology).where(Apology.user_id == user.id)
        ).unique()}
    return OfficialSummary(cohorts, progress, standings, upcoming, past, apologies)


def trainer_cohorts(user: User, limit: int = 20) -> list[Cohort]:
    """Active cohorts this trainer (or staff member) may see, newest first, in one query."""
    return list(db.session.scalars(
        policy.visible_cohorts(user, sa.select(Cohort))
        .where(Cohort.is_archived.is_(False))
        .order_by(Cohort.starts_on.desc())
        .limit(limit)
    ))


def home_data(user: User, sections: dict[str, bool]) -> dict:
    """The seminar parts of the home page for the sections this person sees."""
    return {
        "official": official_summary(user) if sections.get("official") else None,
        "cohorts": trainer_cohorts(user) if sections.get("trainer") or sections.get("staff")
        else [],
    }
