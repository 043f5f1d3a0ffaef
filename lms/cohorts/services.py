"""Cohort actions as plain functions: they change the session and flush; the request commits."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import lazyload, load_only, selectinload

from lms import audit
from lms.accounts.models import Organisation, User, UserRole
from lms.cohorts.models import Cohort, CohortMember, CohortModule, CohortQuiz, CohortTrainer
from lms.cohorts.policy import is_member
from lms.content.models import Module, ModuleTranslation
from lms.content.progress import ModuleProgress
from lms.extensions import db
from lms.quizzes.models import Quiz
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


def module_titles(language: str, *, session_id: int | None = None) -> list[tuple[int, str]]:
    """Modules' ids and titles in `language`, in module order, in one query: every module,
    or those a session covers."""
    of_session = session_id is not None
    rows = db.session.execute(_module_titles_query(of_session),
                              {"session_id": session_id} if of_session else {})
    modules: dict[int, tuple[str, str, dict[str, str]]] = {}
    for module_id, slug, source, translation_language, title in rows:
        titles = modules.setdefault(module_id, (slug, source, {}))[2]
        if translation_language is not None:
            titles[translation_language] = title
    return [(module_id, _title(titles, language, source, slug))
            for module_id, (slug, source, titles) in modules.items()]


@cache
def _module_titles_query(of_session: bool) -> sa.Select:
    """Titles only (a translation's texts are large and no list shows them); built once."""
    query = (
        sa.select(Module.id, Module.slug, Module.source_language,
                  ModuleTranslation.language, ModuleTranslation.title)
        .outerjoin(ModuleTranslation, ModuleTranslation.module_id == Module.id)
        .order_by(Module.position, Module.id, ModuleTranslation.language)
    )
    if of_session:
        from lms.attendance.models import session_modules

        query = query.join(session_modules, session_modules.c.module_id == Module.id).where(
            session_modules.c.session_id == sa.bindparam("session_id"))
    return query


def _title(titles: dict[str, str], language: str, source: str, slug: str) -> str:
    """The same choice as module_title, from titles by language (in language order)."""
    if language in titles:
        return titles[language]
    if source in titles:
        return titles[source]
    return next(iter(titles.values()), slug)


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


class QuizChoice(NamedTuple):
    id: int
    module_id: int
    title: str
    purpose: str


# A translation's title and language are all module_title reads; its texts are large.
_TITLES_ONLY = load_only(ModuleTranslation.module_id, ModuleTranslation.language,
                         ModuleTranslation.title)
# Of a trainer, pages show the name only: no roles, no organisation.
_NAME_ONLY = (load_only(User.id, User.full_name), lazyload(User.roles),
              lazyload(User.organisation))


def load_cohort(cohort_id: int) -> Cohort | None:
    """A cohort with its trainers, modules and quizzes (and titles), in a fixed few queries."""
    return db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            selectinload(Cohort.trainers).joinedload(CohortTrainer.user).options(*_NAME_ONLY),
            selectinload(Cohort.modules).selectinload(CohortModule.module)
            .selectinload(Module.translations).options(_TITLES_ONLY),
            selectinload(Cohort.quizzes).selectinload(CohortQuiz.quiz).selectinload(Quiz.module)
            .selectinload(Module.translations).options(_TITLES_ONLY),
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


class MemberRow(NamedTuple):
    id: int
    full_name: str
    organisation_name: str | None


def member_rows(cohort_id: int) -> list[MemberRow]:
    """The cohort's officials as (id, name, organisation name), by name, in one query.

    Load only these columns: the register and the cohort page show no more, and full User
    objects would bring their roles in another query.
    """
    return [MemberRow(*row) for row in db.session.execute(
        _page_queries()["members"], {"cohort_id": cohort_id})]


class TrainerRow(NamedTuple):
    id: int
    full_name: str


def cohort_with_trainers(cohort_id: int) -> tuple[Cohort | None, list[TrainerRow]]:
    """The cohort and its trainers' ids and names, in one query; (None, []) if there is none."""
    rows = db.session.execute(_page_queries()["cohort"], {"cohort_id": cohort_id}).all()
    if not rows:
        return None, []
    return rows[0][0], [TrainerRow(user_id, name) for _, user_id, name in rows
                        if user_id is not None]


class ModuleRow(NamedTuple):
    module_id: int
    due_on: dt.date | None
    title: str


class QuizRow(NamedTuple):
    quiz_id: int
    due_on: dt.date | None
    title: str
    purpose: str
    is_published: bool
    module_title: str


class SessionRow(NamedTuple):
    id: int
    title: str
    starts_at: dt.datetime
    timezone: str
    city: str


@dataclass
class Overview:
    """Everything the cohort page shows, loaded in a fixed number of queries.

    Rows hold only the columns the page shows: it has a row per member and a column per
    session, module and quiz.
    """

    cohort: Cohort
    trainers: list[TrainerRow]
    # Every module's title in the reader's language (the page's and the staff form's).
    module_titles: list[tuple[int, str]]
    modules: list[ModuleRow]
    quizzes: list[QuizRow]
    # The published quizzes the staff's form offers; empty when not asked for.
    quiz_choices: list[QuizChoice]
    members: list[MemberRow]
    sessions: list[SessionRow]
    # Member id -> {session id: status}; a missing session has no mark.
    attendance: dict[int, dict[int, str]]
    # Member id -> sessions attended (present or late).
    attended: Counter
    # Only (member, module) pairs with a lesson read; a missing pair has read none.
    progress: dict[tuple[int, int], ModuleProgress]
    # (member, quiz) -> the best grade of a finished attempt; a missing pair has none yet.
    best_grades: dict[tuple[int, int], float]


ATTENDED = ("present", "late")


def overview(cohort: Cohort, trainers: list[TrainerRow], language: str, *,
             with_quiz_choices: bool = False) -> Overview:
    """The cohort page's data, in the same five queries however many members, sessions,
    modules and quizzes: modules, quizzes, sessions, marks, and members with their progress
    and grades.

    The sessions and their marks stay two queries: joined, each mark would carry its
    session's columns (a time to convert on every one of ~300 rows), which costs more than
    the round trip it saves.
    """
    queries, params = _page_queries(), {"cohort_id": cohort.id}
    # Plain rows on the session's connection: these statements load no ORM objects, so the
    # ORM's handling of results (a good part of the cost of ~500 rows) is left out.
    connection = db.session.connection()
    titles, modules, lessons = _modules(connection.execute(queries["modules"], params).all(),
                                        language)
    quizzes, choices = _quizzes(
        connection.execute(queries["quizzes"],
                           {**params, "with_choices": with_quiz_choices}).all(),
        dict(titles), with_quiz_choices)
    # Every mark is shown in the table, so every mark is loaded; the counts come from them.
    sessions = [SessionRow(*row) for row in connection.execute(queries["sessions"], params).all()]
    attendance: dict[int, dict[int, str]] = {}
    attended: Counter = Counter()
    for user_id, session_id, status in connection.execute(queries["marks"], params).all():
        attendance.setdefault(user_id, {})[session_id] = status
        if status in ATTENDED:
            attended[user_id] += 1
    # A row per member and module read or quiz graded (one if neither), by name.
    members: list[MemberRow] = []
    progress: dict[tuple[int, int], ModuleProgress] = {}
    best_grades: dict[tuple[int, int], float] = {}
    grid = _members_grid(with_modules=bool(modules), with_quizzes=bool(quizzes))
    for user_id, full_name, organisation, module_id, done, quiz_id, grade in connection.execute(
            grid, params).all():
        if not members or members[-1].id != user_id:
            members.append(MemberRow(user_id, full_name, organisation))
        if module_id is not None:
            total = lessons.get(module_id, 0)
            progress[(user_id, module_id)] = ModuleProgress(min(done, total), total)
        elif quiz_id is not None:
            best_grades[(user_id, quiz_id)] = grade
    return Overview(cohort, trainers, titles, modules, quizzes, choices, members, sessions,
                    attendance, attended, progress, best_grades)


def _modules(rows, language: str) -> tuple[list[tuple[int, str]], list[ModuleRow],
                                            dict[int, int]]:
    """Every module's title (in module order), the cohort's modules (by due date) and their
    lesson counts, from the rows of the "modules" query."""
    modules: dict[int, tuple[int, str, str, dict[str, str]]] = {}
    assigned: dict[int, dt.date | None] = {}
    lessons: dict[int, int] = {}
    for (module_id, position, slug, source, translation_language, title, cohort_module, due_on,
         lesson_count) in rows:
        titles = modules.setdefault(module_id, (position, slug, source, {}))[3]
        if translation_language is not None:
            titles[translation_language] = title
        if cohort_module is not None:
            assigned[module_id] = due_on
            lessons[module_id] = lesson_count
    # The rows come in the cohort's order; module order is by position, as module_titles.
    in_order = sorted(modules.items(), key=lambda item: (item[1][0], item[0]))
    titles = [(module_id, _title(by_language, language, source, slug))
              for module_id, (_position, slug, source, by_language) in in_order]
    title_of = dict(titles)
    return (titles, [ModuleRow(m, due_on, title_of[m]) for m, due_on in assigned.items()],
            lessons)


def _quizzes(rows, module_titles: dict[int, str], with_choices: bool
             ) -> tuple[list[QuizRow], list[QuizChoice]]:
    """The cohort's quizzes (by due date) and, if asked, the published ones (in module
    order), from the rows of the "quizzes" query."""
    assigned: list[tuple[int, QuizRow]] = []
    choices: list[QuizChoice] = []
    for (quiz_id, module_id, title, purpose, is_published, cohort_quiz, due_on,
         cohort_order) in rows:
        if cohort_quiz is not None:
            assigned.append((cohort_order, QuizRow(quiz_id, due_on, title, purpose, is_published,
                                                   module_titles.get(module_id, ""))))
        if with_choices and is_published:
            choices.append(QuizChoice(quiz_id, module_id, title, purpose))
    return [row for _, row in sorted(assigned, key=lambda pair: pair[0])], choices


@cache
def _page_queries() -> dict[str, sa.Select]:
    """The cohort page's statements, built once: building them costs more than running them."""
    from lms.attendance.models import AttendanceRecord, SeminarSession
    from lms.content.models import Lesson

    cohort_id = sa.bindparam("cohort_id")
    of_cohort_module = sa.and_(CohortModule.module_id == Module.id,
                               CohortModule.cohort_id == cohort_id)
    lesson_count = (sa.select(sa.func.count(Lesson.id)).where(Lesson.module_id == Module.id)
                    .scalar_subquery())
    of_cohort_quiz = sa.and_(CohortQuiz.quiz_id == Quiz.id, CohortQuiz.cohort_id == cohort_id)
    return {
        "members": sa.select(User.id, User.full_name, Organisation.name)
        .join(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(User.full_name, User.id),
        "cohort": sa.select(Cohort, User.id, User.full_name)
        .outerjoin(CohortTrainer, CohortTrainer.cohort_id == Cohort.id)
        .outerjoin(User, User.id == CohortTrainer.user_id)
        .where(Cohort.id == cohort_id)
        .order_by(CohortTrainer.user_id),
        # Every module with its titles (as module_titles), and for the cohort's modules
        # their due date and lesson count, in the cohort's order.
        "modules": sa.select(Module.id, Module.position, Module.slug, Module.source_language,
                             ModuleTranslation.language, ModuleTranslation.title,
                             CohortModule.module_id, CohortModule.due_on,
                             sa.case((CohortModule.module_id.is_not(None), lesson_count)))
        .outerjoin(ModuleTranslation, ModuleTranslation.module_id == Module.id)
        .outerjoin(CohortModule, of_cohort_module)
        .order_by(CohortModule.due_on, CohortModule.module_id, Module.position, Module.id,
                  ModuleTranslation.language),
        # The cohort's quizzes and, for the staff's form, every published quiz in module
        # order; the cohort's order (by due date) comes as a number.
        "quizzes": sa.select(Quiz.id, Quiz.module_id, Quiz.title, Quiz.purpose,
                             Quiz.is_published, CohortQuiz.quiz_id, CohortQuiz.due_on,
                             sa.func.row_number().over(
                                 order_by=(CohortQuiz.due_on, CohortQuiz.quiz_id)))
        .join(Module, Module.id == Quiz.module_id)
        .outerjoin(CohortQuiz, of_cohort_quiz)
        .where(sa.or_(CohortQuiz.quiz_id.is_not(None),
                      sa.and_(sa.bindparam("with_choices", type_=sa.Boolean),
                              Quiz.is_published.is_(True))))
        .order_by(Module.position, Module.id, Quiz.title, Quiz.id),
        # Only the columns the list and the table headings show.
        "sessions": sa.select(SeminarSession.id, SeminarSession.title, SeminarSession.starts_at,
                              SeminarSession.timezone, SeminarSession.city)
        .where(SeminarSession.cohort_id == cohort_id)
        .order_by(SeminarSession.starts_at),
        "marks": sa.select(AttendanceRecord.user_id, AttendanceRecord.session_id,
                           AttendanceRecord.status)
        .join(SeminarSession, SeminarSession.id == AttendanceRecord.session_id)
        .where(SeminarSession.cohort_id == cohort_id),
    }


@cache
def _members_grid(*, with_modules: bool, with_quizzes: bool) -> sa.Select:
    """The cohort's members by name, each with a row per module of the cohort they have read
    in (module_id, lessons done) and per quiz of it they have a grade in (quiz_id, best
    grade); built once for each case. A cohort without modules or quizzes leaves that part
    out, which PostgreSQL would otherwise still plan."""
    from lms.content.models import LessonProgress
    from lms.quizzes.models import FINISHED, Attempt

    cohort_id = sa.bindparam("cohort_id")
    no_number, no_grade = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), Attempt.grade.type)
    facts = []
    if with_modules:
        facts.append(
            sa.select(LessonProgress.user_id, LessonProgress.module_id.label("module_id"),
                      sa.func.count().label("done"), no_number.label("quiz_id"),
                      no_grade.label("best_grade"))
            .join(CohortMember, sa.and_(CohortMember.cohort_id == cohort_id,
                                        CohortMember.user_id == LessonProgress.user_id))
            .join(CohortModule, sa.and_(CohortModule.cohort_id == cohort_id,
                                        CohortModule.module_id == LessonProgress.module_id))
            .where(LessonProgress.completed_at.is_not(None))
            .group_by(LessonProgress.user_id, LessonProgress.module_id))
    if with_quizzes:
        facts.append(
            sa.select(Attempt.user_id, no_number.label("module_id"), no_number.label("done"),
                      Attempt.quiz_id.label("quiz_id"),
                      sa.func.max(Attempt.grade).label("best_grade"))
            .join(CohortMember, sa.and_(CohortMember.cohort_id == cohort_id,
                                        CohortMember.user_id == Attempt.user_id))
            .join(CohortQuiz, sa.and_(CohortQuiz.cohort_id == cohort_id,
                                      CohortQuiz.quiz_id == Attempt.quiz_id))
            .where(Attempt.state == FINISHED, Attempt.grade.is_not(None))
            .group_by(Attempt.user_id, Attempt.quiz_id))
    query = (sa.select(User.id, User.full_name, Organisation.name)
             .join(CohortMember, CohortMember.user_id == User.id)
             .outerjoin(Organisation, Organisation.id == User.organisation_id)
             .where(CohortMember.cohort_id == cohort_id)
             .order_by(User.full_name, User.id))
    if not facts:
        return query.add_columns(no_number.label("module_id"), no_number.label("done"),
                                 no_number.label("quiz_id"), no_grade.label("best_grade"))
    rows = (sa.union_all(*facts) if len(facts) > 1 else facts[0]).subquery("facts")
    return (query.add_columns(rows.c.module_id, rows.c.done, rows.c.quiz_id, rows.c.best_grade)
            .outerjoin(rows, rows.c.user_id == User.id))
