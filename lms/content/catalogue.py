"""What officials browse and read: the catalogue, a module, a lesson, in their language.

Every function here runs a fixed number of queries, whatever the number of modules,
lessons or officials.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from lms.content.models import (
    PUBLISHED,
    Attachment,
    Lesson,
    LessonProgress,
    LessonTranslation,
    Module,
    ModuleTranslation,
)
from lms.content.progress import ModuleProgress, lesson_counts, module_progress
from lms.extensions import db

# When a text is missing in the reader's language, the next one they most likely read.
FALLBACKS = {"be": ("be", "ru", "en"), "ru": ("ru", "be", "en"), "en": ("en", "ru", "be")}

COUNTRIES = ("EE", "RS", "LV", "INT")
LEVELS = ("all", "central", "local")


def language_chain(language: str) -> tuple[str, ...]:
    return FALLBACKS.get(language, FALLBACKS["en"])


def pick(translations, language: str):
    """The translation to show to a reader of `language`, or None when there is none."""
    by_language = {t.language: t for t in translations}
    for candidate in language_chain(language):
        if candidate in by_language:
            return by_language[candidate]
    return next(iter(by_language.values()), None)


@dataclass(frozen=True)
class CatalogueFilters:
    country: str = ""
    topic: str = ""
    level: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> CatalogueFilters:
        country = args.get("country", "")
        level = args.get("level", "")
        return cls(
            country=country if country in COUNTRIES else "",
            topic=args.get("topic", "")[:40],
            level=level if level in LEVELS else "",
            q=" ".join(args.get("q", "").split())[:100],
        )

    @property
    def active(self) -> bool:
        return any((self.country, self.topic, self.level, self.q))


@dataclass(frozen=True)
class CatalogueEntry:
    module: Module
    text: ModuleTranslation
    lesson_count: int
    progress: ModuleProgress | None
    in_reader_language: bool


def _search_condition(q: str):
    """Modules whose title, summary, or any lesson's title or text holds every word of `q`."""
    conditions = []
    for word in q.lower().split():
        pattern = f"%{word}%"
        in_module = sa.select(ModuleTranslation.module_id).where(
            sa.or_(
                sa.func.lower(ModuleTranslation.title).like(pattern),
                sa.func.lower(ModuleTranslation.summary).like(pattern),
            )
        )
        in_lessons = (
            sa.select(Lesson.module_id)
            .join(LessonTranslation, LessonTranslation.lesson_id == Lesson.id)
            .where(
                sa.or_(
                    sa.func.lower(LessonTranslation.title).like(pattern),
                    sa.func.lower(LessonTranslation.body_markdown).like(pattern),
                )
            )
        )
        conditions.append(sa.or_(Module.id.in_(in_module), Module.id.in_(in_lessons)))
    return sa.and_(*conditions)


def catalogue(filters: CatalogueFilters, language: str, user_id: int | None,
              *, include_drafts: bool = False) -> list[CatalogueEntry]:
    """Published modules matching the filters; those readable in `language` come first."""
    query = sa.select(Module).options(selectinload(Module.translations))
    if not include_drafts:
        query = query.where(Module.status == PUBLISHED)
    if filters.country:
        query = query.where(Module.country == filters.country)
    if filters.level:
        query = query.where(Module.level.in_([filters.level, "all"]))
    if filters.q:
        query = query.where(_search_condition(filters.q))
    modules = [
        m for m in db.session.scalars(query.order_by(Module.position, Module.id))
        if not filters.topic or filters.topic in (m.topics or [])
    ]
    ids = [m.id for m in modules]
    counts = lesson_counts(ids)
    progress = module_progress([user_id], ids) if user_id else {}
    entries = [
        CatalogueEntry(
            module=m,
            text=pick(m.translations, language),
            lesson_count=counts.get(m.id, 0),
            progress=progress.get((user_id, m.id)),
            in_reader_language=m.translation(language) is not None,
        )
        for m in modules
        if m.translations
    ]
    # Stable sort: within each group the catalogue order is kept.
    return sorted(entries, key=lambda e: not e.in_reader_language)


def topics_in_use() -> list[str]:
    topics: set[str] = set()
    for row in db.session.scalars(sa.select(Module.topics).where(Module.status == PUBLISHED)):
        topics.update(row or [])
    return sorted(topics)


@dataclass
class LessonLine:
    """One line of a module's table of contents."""

    lesson: Lesson
    title: str
    reading_minutes: int
    is_done: bool
    available_in_language: bool


@dataclass
class ModuleView:
    module: Module
    text: ModuleTranslation
    language: str
    lessons: list[LessonLine]
    progress: ModuleProgress
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def continue_lesson(self) -> LessonLine | None:
        """Where to come back to: the first lesson not yet read."""
        return next((line for line in self.lessons if not line.is_done), None)

    @property
    def minutes(self) -> int:
        return sum(line.reading_minutes for line in self.lessons)


def find_module(slug: str, *, titles_only: bool = False) -> Module | None:
    """The module with its translations; with `titles_only`, just their languages and titles.

    A lesson page shows only the module's title: its introduction, objectives, sources and
    question file (large texts and JSON) are then left in the database.
    """
    if not titles_only:
        return db.session.scalar(sa.select(Module).where(Module.slug == slug)
                                 .options(selectinload(Module.translations)))
    return db.session.scalars(_module_titles_query(), {"slug": slug}).unique().one_or_none()


def _lesson_lines(module: Module, language: str,
                  user_id: int | None) -> tuple[list[LessonLine], ModuleProgress]:
    """The module's lessons in the reader's language, each marked read or not, and progress.

    Whether the reader finished a lesson comes joined to the lessons, in the same query.
    """
    rows = db.session.execute(_lessons_query(),
                              {"module_id": module.id, "user_id": user_id or None}).all()
    lines = []
    for lesson, is_done in rows:
        text = pick(lesson.translations, language)
        if text is None:
            continue
        lines.append(LessonLine(lesson, text.title, text.reading_minutes, bool(is_done),
                                lesson.translation(language) is not None))
    return lines, ModuleProgress(sum(1 for line in lines if line.is_done), len(lines))


def _reading(module: Module, language: str, user_id: int | None) -> ModuleView:
    """A module's table of contents and the reader's progress, without its attachments."""
    lines, progress = _lesson_lines(module, language, user_id)
    return ModuleView(module, pick(module.translations, language), language, lines, progress)


def module_view(module: Module, language: str, user_id: int | None) -> ModuleView:
    view = _reading(module, language, user_id)
    view.attachments = list(db.session.scalars(
        sa.select(Attachment).where(Attachment.module_id == module.id).order_by(Attachment.filename)
    ))
    return view


@dataclass
class LessonView:
    module_view: ModuleView
    lesson: Lesson
    text: LessonTranslation
    index: int

    @property
    def previous(self) -> LessonLine | None:
        return self.module_view.lessons[self.index - 1] if self.index > 0 else None

    @property
    def next(self) -> LessonLine | None:
        lines = self.module_view.lessons
        return lines[self.index + 1] if self.index + 1 < len(lines) else None

    @property
    def is_done(self) -> bool:
        return self.module_view.lessons[self.index].is_done


def lesson_view(module: Module, lesson_slug: str, language: str,
                user_id: int | None) -> LessonView | None:
    """A lesson with the module's table of contents (a lesson page lists no attachments)."""
    view = _reading(module, language, user_id)
    index = next((i for i, line in enumerate(view.lessons) if line.lesson.slug == lesson_slug),
                 None)
    if index is None:
        return None
    lesson = view.lessons[index].lesson
    text = db.session.scalar(_lesson_text_query(), {
        "lesson_id": lesson.id, "language": pick(lesson.translations, language).language})
    return LessonView(view, lesson, text, index)


@dataclass(frozen=True)
class ModuleLine:
    """A published module as the home page lists it: its title and the official's progress."""

    slug: str
    title: str
    # The language of the title: the reader's, else the first the module has.
    language: str
    progress: ModuleProgress


def overall_progress(user_id: int, language: str) -> tuple[list[ModuleLine], ModuleProgress]:
    """Every published module with the official's progress, and lessons read of all of them.

    One query, and only the columns shown: a module's texts (rendered introductions, question
    files) are never loaded for a list of titles.
    """
    rows = db.session.execute(_reading_query(), {"user_id": user_id}).all()
    lines: dict[int, ModuleLine] = {}
    for module_id, slug, total, read, text_language, title in rows:
        line = lines.get(module_id)
        if line is None or (text_language == language and line.language != language):
            lines[module_id] = ModuleLine(slug, title, text_language,
                                          ModuleProgress(min(read, total), total))
    result = list(lines.values())
    overall = ModuleProgress(sum(line.progress.done for line in result),
                             sum(line.progress.total for line in result))
    return result, overall


@functools.cache
def _reading_query() -> sa.Select:
    """Published modules with their lesson counts, lessons the user read, and title in each
    language. Built once per process (building it costs more than running it)."""
    lessons = (sa.select(sa.func.count(Lesson.id)).where(Lesson.module_id == Module.id)
               .scalar_subquery())
    done = (sa.select(sa.func.count(LessonProgress.id))
            .where(LessonProgress.user_id == sa.bindparam("user_id"),
                   LessonProgress.module_id == Module.id,
                   LessonProgress.completed_at.is_not(None))
            .scalar_subquery())
    return (
        sa.select(Module.id, Module.slug, lessons, done, ModuleTranslation.language,
                  ModuleTranslation.title)
        .join(ModuleTranslation, ModuleTranslation.module_id == Module.id)
        .where(Module.status == PUBLISHED)
        .order_by(Module.position, Module.id, ModuleTranslation.language)
    )


# The reading pages' statements are built once per process, with their SQLAlchemy cache
# keys: building them costs more than running them. Only their parameters change.


@functools.cache
def _module_titles_query() -> sa.Select:
    return (
        sa.select(Module).where(Module.slug == sa.bindparam("slug"))
        .options(joinedload(Module.translations).load_only(
            ModuleTranslation.module_id, ModuleTranslation.language, ModuleTranslation.title))
    )


@functools.cache
def _lessons_query() -> sa.Select:
    """A module's lessons with their titles, each with whether the reader (if any) read it."""
    done = LessonProgress.completed_at.is_not(None)
    return (
        sa.select(Lesson, done)
        .outerjoin(LessonProgress, sa.and_(
            LessonProgress.lesson_id == Lesson.id,
            LessonProgress.user_id == sa.bindparam("user_id", type_=sa.Integer),
            LessonProgress.module_id == sa.bindparam("module_id")))
        .where(Lesson.module_id == sa.bindparam("module_id"))
        .order_by(Lesson.position)
        .options(
            selectinload(Lesson.translations).load_only(
                LessonTranslation.lesson_id, LessonTranslation.language,
                LessonTranslation.title, LessonTranslation.reading_minutes,
            )
        )
    )


@functools.cache
def _lesson_text_query() -> sa.Select:
    return sa.select(LessonTranslation).where(
        LessonTranslation.lesson_id == sa.bindparam("lesson_id"),
        LessonTranslation.language == sa.bindparam("language"))
