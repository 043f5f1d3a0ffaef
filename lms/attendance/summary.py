"""What the home page and "My seminars" show each role, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.attendance.models import Apology, AttendanceRecord, SeminarSession
from lms.attendance.services import upcoming_sessions
from lms.cohorts import policy
from lms.cohorts.models import Cohort, CohortMember, CohortModule, CohortQuiz
from lms.content.models import Module
from lms.content.progress import ModuleProgress, module_progress
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.models import Quiz
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


@dataclass(frozen=True)
class HomeQuiz:
    quiz_id: int
    title: str
    due_on: dt.date | None


@dataclass(frozen=True)
class HomeCohort:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    # The assigned quizzes the official may take (a draft is the trainer's).
    quizzes: list[HomeQuiz]


@dataclass(frozen=True)
class HomeSession:
    title: str
    starts_at: dt.datetime
    timezone: str
    city: str | None


@dataclass
class OfficialHome:
    """What the home page shows of an official's cohorts; only the columns it shows."""

    cohorts: list[HomeCohort]
    # Only quizzes the official has started; a missing (user, quiz) pair is not started.
    standings: dict[tuple[int, int], QuizStanding]
    upcoming: list[HomeSession]


def official_home(user: User) -> OfficialHome:
    """The official's active cohorts with their quizzes and standings, and next sessions.

    Three queries, whatever the number of cohorts, quizzes and sessions.
    """
    rows = db.session.execute(_home_cohorts_query(), {"user_id": user.id}).all()
    cohorts: dict[int, HomeCohort] = {}
    for cohort_id, name, starts_on, ends_on, quiz_id, title, due_on in rows:
        cohort = cohorts.setdefault(cohort_id, HomeCohort(name, starts_on, ends_on, []))
        if title is not None:
            cohort.quizzes.append(HomeQuiz(quiz_id, title, due_on))
    quiz_ids = [q.quiz_id for c in cohorts.values() for q in c.quizzes]
    sessions = db.session.execute(_next_sessions_query(),
                                  {"user_id": user.id, "now": now_utc(), "limit": 5})
    return OfficialHome(list(cohorts.values()), quiz_standings([user.id], quiz_ids),
                        [HomeSession(*row) for row in sessions])


# The home page's statements are built once per process, with their SQLAlchemy cache keys:
# building them costs more than running them. Only their parameters change.


@functools.cache
def _home_cohorts_query() -> sa.Select:
    """Active cohorts of the official (as policy.own_cohorts), each with its published
    assigned quizzes."""
    mine = sa.select(CohortMember.cohort_id).where(CohortMember.user_id == sa.bindparam("user_id"))
    return (
        sa.select(Cohort.id, Cohort.name, Cohort.starts_on, Cohort.ends_on, CohortQuiz.quiz_id,
                  Quiz.title, CohortQuiz.due_on)
        .where(Cohort.id.in_(mine), Cohort.is_archived.is_(False))
        .outerjoin(CohortQuiz, CohortQuiz.cohort_id == Cohort.id)
        .outerjoin(Quiz, sa.and_(Quiz.id == CohortQuiz.quiz_id, Quiz.is_published.is_(True)))
        .order_by(Cohort.starts_on, Cohort.id, CohortQuiz.due_on, CohortQuiz.quiz_id)
    )


@functools.cache
def _next_sessions_query() -> sa.Select:
    """The official's sessions that have not ended, soonest first (as upcoming_sessions)."""
    return (
        sa.select(SeminarSession.title, SeminarSession.starts_at, SeminarSession.timezone,
                  SeminarSession.city)
        .join(CohortMember, CohortMember.cohort_id == SeminarSession.cohort_id)
        .join(Cohort, Cohort.id == SeminarSession.cohort_id)
        .where(CohortMember.user_id == sa.bindparam("user_id"),
               SeminarSession.ends_at >= sa.bindparam("now"), Cohort.is_archived.is_(False))
        .order_by(SeminarSession.starts_at)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


def home_data(user: User, sections: dict[str, bool]) -> dict:
    """The seminar parts of the home page for the sections this person sees."""
    return {
        "official": official_home(user) if sections.get("official") else None,
        "cohorts": trainer_cohorts(user) if sections.get("trainer") or sections.get("staff")
        else [],
    }
