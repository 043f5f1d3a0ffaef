"""Cohort actions as plain functions: they change the session and flush; the request commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms import audit
from lms.accounts.models import User, UserRole
from lms.cohorts.models import Cohort, CohortMember, CohortModule, CohortQuiz, CohortTrainer
from lms.cohorts.policy import is_member
from lms.content.models import Module
from lms.content.progress import ModuleProgress, module_progress
from lms.extensions import db
from lms.quizzes.models import Quiz
from lms.quizzes.results import QuizStanding, quiz_standings
from lms.security.permissions import Role


@dataclass(frozen=True)
class CohortData:
    name: str
    description: str
    gov_level: str
    region: str | None
    starts_on: dt.date
    ends_on: dt.date
    trainer_ids: list[int] = field(default_factory=list)


def save_cohort(cohort: Cohort | None, data: CohortData, *, actor: User) -> Cohort:
    """Create a cohort (when `cohort` is None) or change one, with its trainers."""
    if cohort is None:
        cohort = Cohort(created_by_id=actor.id)
        db.session.add(cohort)
    cohort.name = data.name.strip()
    cohort.description = data.description.strip()
    cohort.gov_level = data.gov_level
    cohort.region = data.region or None
    cohort.starts_on = data.starts_on
    cohort.ends_on = data.ends_on
    wanted = set(data.trainer_ids)
    cohort.trainers = [t for t in cohort.trainers if t.user_id in wanted] + [
        CohortTrainer(user_id=i) for i in sorted(wanted - cohort.trainer_ids)
    ]
    db.session.flush()
    audit.record("cohort.saved", actor=actor, target=cohort, name=cohort.name,
                 trainers=sorted(wanted))
    return cohort


def set_archived(cohort: Cohort, archived: bool, *, actor: User) -> None:
    cohort.is_archived = archived
    audit.record("cohort.archived" if archived else "cohort.restored", actor=actor, target=cohort)
    db.session.flush()


def trainer_choices() -> list[tuple[int, str]]:
    query = (
        sa.select(User.id, User.full_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.TRAINER.value, User.is_active_account.is_(True))
        .order_by(User.full_name)
    )
    return [(row.id, row.full_name) for row in db.session.execute(query)]


def member_ids(cohort_id: int) -> set[int]:
    return set(db.session.scalars(
        sa.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    ))


def enrol(cohort: Cohort, user: User, *, actor: User) -> bool:
    """Enrol an official; False when they already were."""
    if is_member(user, cohort.id):
        return False
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, enrolled_by_id=actor.id))
    audit.record("cohort.enrolled", actor=actor, target=user, cohort_id=cohort.id)
    db.session.flush()
    return True


def unenrol(cohort: Cohort, user: User, *, actor: User) -> None:
    db.session.execute(sa.delete(CohortMember).where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id
    ))
    audit.record("cohort.unenrolled", actor=actor, target=user, cohort_id=cohort.id)
    db.session.flush()


def find_officials(query_text: str, *, exclude_cohort: Cohort, limit: int = 20) -> list[User]:
    """Active officials whose name or email matches, who are not in the cohort yet."""
    text = query_text.strip()
    # SQLite's lower() knows only ASCII, so Cyrillic names are also tried as typed,
    # capitalised and title-cased.
    names = {f"%{v}%" for v in (text, text.lower(), text.capitalize(), text.title())}
    query = (
        sa.select(User)
        .where(
            User.is_active_account.is_(True),
            User.roles.any(UserRole.role == Role.OFFICIAL.value),
            sa.or_(sa.func.lower(User.full_name).like(f"%{text.lower()}%"),
                   User.email.like(f"%{text.lower()}%"),
                   *(User.full_name.like(n) for n in names)),
            User.id.not_in(
                sa.select(CohortMember.user_id).where(CohortMember.cohort_id == exclude_cohort.id)
            ),
        )
        .order_by(User.full_name)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def assign_module(cohort: Cohort, module: Module, due_on: dt.date | None, *, actor: User) -> None:
    """Assign a module to the cohort, or change its due date if it already is."""
    existing = next((m for m in cohort.modules if m.module_id == module.id), None)
    if existing is None:
        cohort.modules.append(CohortModule(module_id=module.id, due_on=due_on))
    else:
        existing.due_on = due_on
    audit.record("cohort.module_assigned", actor=actor, target=cohort, module_id=module.id,
                 due_on=due_on.isoformat() if due_on else None)
    db.session.flush()


def unassign_module(cohort: Cohort, module_id: int, *, actor: User) -> None:
    cohort.modules = [m for m in cohort.modules if m.module_id != module_id]
    audit.record("cohort.module_unassigned", actor=actor, target=cohort, module_id=module_id)
    db.session.flush()


def module_choices() -> list[Module]:
    return list(db.session.scalars(
        sa.select(Module).options(selectinload(Module.translations)).order_by(Module.position)
    ))


def module_title(module: Module, language: str) -> str:
    translation = module.translation(language) or module.translation(module.source_language)
    if translation is None and module.translations:
        translation = module.translations[0]
    return translation.title if translation else module.slug


def assign_quiz(cohort: Cohort, quiz: Quiz, due_on: dt.date | None, *, actor: User) -> None:
    """Assign a published quiz to the cohort, or change its due date if it already is."""
    if not quiz.is_published:
        # Officials may take only published quizzes (lms.quizzes.policy.may_take).
        raise ValueError("Only a published quiz can be assigned to a cohort.")
    existing = next((q for q in cohort.quizzes if q.quiz_id == quiz.id), None)
    if existing is None:
        cohort.quizzes.append(CohortQuiz(quiz_id=quiz.id, due_on=due_on))
    else:
        existing.due_on = due_on
    audit.record("cohort.quiz_assigned", actor=actor, target=cohort, quiz_id=quiz.id,
                 due_on=due_on.isoformat() if due_on else None)
    db.session.flush()


def unassign_quiz(cohort: Cohort, quiz_id: int, *, actor: User) -> None:
    cohort.quizzes = [q for q in cohort.quizzes if q.quiz_id != quiz_id]
    audit.record("cohort.quiz_unassigned", actor=actor, target=cohort, quiz_id=quiz_id)
    db.session.flush()


def quiz_choices() -> list[Quiz]:
    """Published quizzes, module by module, with their modules' titles loaded."""
    return list(db.session.scalars(
        sa.select(Quiz).join(Module, Module.id == Quiz.module_id)
        .where(Quiz.is_published.is_(True))
        .options(selectinload(Quiz.module).selectinload(Module.translations))
        .order_by(Module.position, Module.id, Quiz.title, Quiz.id)
    ))


def load_cohort(cohort_id: int) -> Cohort | None:
    """A cohort with its trainers, modules and quizzes (and titles), in a fixed few queries."""
    return db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            selectinload(Cohort.trainers),
            selectinload(Cohort.modules).selectinload(CohortModule.module)
            .selectinload(Module.translations),
            selectinload(Cohort.quizzes).selectinload(CohortQuiz.quiz).selectinload(Quiz.module)
            .selectinload(Module.translations),
        )
    )


def members(cohort_id: int) -> list[User]:
    """The cohort's officials with their organisations, by name, in one query."""
    return list(db.session.scalars(
        sa.select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(User.full_name, User.id)
    ).unique())


@dataclass
class Overview:
    """Everything the cohort page shows, loaded in a fixed number of queries."""

    cohort: Cohort
    members: list[User]
    sessions: list
    attendance: dict[tuple[int, int], str]
    progress: dict[tuple[int, int], ModuleProgress]
    # Only (member, quiz) pairs with an attempt; a missing pair has not been started.
    standings: dict[tuple[int, int], QuizStanding]


def overview(cohort: Cohort) -> Overview:
    from lms.attendance.models import AttendanceRecord, SeminarSession

    people = members(cohort.id)
    sessions = list(db.session.scalars(
        sa.select(SeminarSession).where(SeminarSession.cohort_id == cohort.id)
        .order_by(SeminarSession.starts_at)
    ))
    rows = db.session.execute(
        sa.select(AttendanceRecord.user_id, AttendanceRecord.session_id, AttendanceRecord.status)
        .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
        .where(SeminarSession.cohort_id == cohort.id)
    )
    attendance = {(u, s): status for u, s, status in rows}
    progress = module_progress([p.id for p in people], [m.module_id for m in cohort.modules])
    standings = quiz_standings([p.id for p in people], [q.quiz_id for q in cohort.quizzes])
    return Overview(cohort, people, sessions, attendance, progress, standings)
