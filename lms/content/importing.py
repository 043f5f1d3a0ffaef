"""Moving modules between the database and the courses/ file format, both ways, losslessly.

`export_module` turns a module into a `ModuleSource`; `apply_source` makes a module match
one. Import, version snapshots and restore are all built on that pair, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms import audit
from lms.content import versions
from lms.content.course_files import (
    CourseFileError,
    CourseProblem,
    CourseTree,
    LessonSource,
    ModuleSource,
    ModuleTranslationSource,
    SourceRef,
    load_course_tree,
    load_module_folder,
)
from lms.content.models import (
    PUBLISHED,
    Lesson,
    LessonTranslation,
    Module,
    ModuleTranslation,
)
from lms.content.rendering import render_markdown
from lms.db import now_utc
from lms.extensions import db

LANGUAGE_ORDER = ("en", "ru", "be")


def lesson_path(module_slug: str, lesson_slug: str) -> str:
    """The URL path of a lesson page (the content blueprint's `lesson` route)."""
    return f"/modules/{module_slug}/lessons/{lesson_slug}"


def load_module(module_id: int) -> Module | None:
    """A module with its translations and lessons (and theirs), in a fixed number of queries."""
    return db.session.scalar(
        sa.select(Module)
        .where(Module.id == module_id)
        .options(
            selectinload(Module.translations),
            selectinload(Module.lessons).selectinload(Lesson.translations),
        )
    )


def export_module(module: Module) -> ModuleSource:
    """The module as it would be written to a courses/ folder."""
    translations = {}
    for translation in sorted(module.translations, key=lambda t: _language_rank(t.language)):
        language = translation.language
        lessons = [
            LessonSource(
                slug=lesson.slug,
                position=lesson.position,
                title=text.title,
                kind=lesson.kind,
                body_markdown=text.body_markdown,
            )
            for lesson in module.lessons
            if (text := lesson.translation(language)) is not None
        ]
        translations[language] = ModuleTranslationSource(
            language=language,
            title=translation.title,
            summary=translation.summary,
            country=module.country,
            topics=list(module.topics),
            level=module.level,
            order=module.position,
            objectives=list(translation.objectives),
            sources=[SourceRef(**source) for source in translation.sources],
            intro_markdown=translation.intro_markdown,
            lessons=lessons,
            gift_text=translation.questions_gift,
        )
    return ModuleSource(slug=module.slug, translations=translations)


def source_to_dict(source: ModuleSource) -> dict:
    return asdict(source)


def source_from_dict(data: dict) -> ModuleSource:
    translations = {}
    for language, t in data["translations"].items():
        translations[language] = ModuleTranslationSource(
            **{
                **t,
                "sources": [SourceRef(**s) for s in t["sources"]],
                "lessons": [LessonSource(**lesson) for lesson in t["lessons"]],
            }
        )
    return ModuleSource(slug=data["slug"], translations=translations)


def _language_rank(language: str) -> int:
    return LANGUAGE_ORDER.index(language) if language in LANGUAGE_ORDER else len(LANGUAGE_ORDER)


@dataclass(frozen=True)
class ImportOutcome:
    slug: str
    status: str  # "created", "updated" or "unchanged"
    module: Module


def apply_source(module: Module, source: ModuleSource) -> None:
    """Make `module` (new or existing) hold exactly what `source` holds.

    Lessons are matched by slug, so officials' progress stays with a lesson whose text or
    position changed; a lesson that is gone from every language is removed.
    """
    first = next(iter(source.translations.values()))
    module.slug = source.slug
    module.country = first.country
    module.level = first.level
    module.topics = list(first.topics)
    module.position = first.order
    if module.source_language not in source.translations:
        module.source_language = first.language
    module.updated_at = now_utc()

    by_language = {t.language: t for t in module.translations}
    for language, text in source.translations.items():
        translation = by_language.get(language)
        if translation is None:
            translation = ModuleTranslation(language=language, revision=0, source_revision_seen=0)
            module.translations.append(translation)
        _apply_translation(translation, text)
    for language, translation in by_language.items():
        if language not in source.translations:
            module.translations.remove(translation)

    _apply_lessons(module, source)
    # Files are written as one consistent set: every language counts as up to date.
    source_revision = module.translation(module.source_language).revision
    for translation in module.translations:
        translation.source_revision_seen = source_revision
    db.session.flush()


def _apply_translation(translation: ModuleTranslation, text: ModuleTranslationSource) -> None:
    sources = [{k: v for k, v in asdict(s).items() if v is not None} for s in text.sources]
    changed = (
        translation.title != text.title
        or translation.summary != text.summary
        or translation.intro_markdown != text.intro_markdown
        or translation.objectives != list(text.objectives)
        or translation.sources != sources
        or translation.questions_gift != text.gift_text
    )
    translation.title = text.title
    translation.summary = text.summary
    translation.intro_markdown = text.intro_markdown
    translation.intro_html = render_markdown(text.intro_markdown).html
    translation.objectives = list(text.objectives)
    translation.sources = sources
    translation.questions_gift = text.gift_text
    if changed:
        translation.revision += 1
        translation.updated_at = now_utc()


def _apply_lessons(module: Module, source: ModuleSource) -> None:
    wanted: dict[str, tuple[int, str]] = {}
    for text in source.translations.values():
        for lesson in text.lessons:
            wanted[lesson.slug] = (lesson.position, lesson.kind)
    existing = {lesson.slug: lesson for lesson in module.lessons}
    for slug, lesson in existing.items():
        if slug not in wanted:
            module.lessons.remove(lesson)
    for slug, (position, kind) in wanted.items():
        lesson = existing.get(slug)
        if lesson is None:
            lesson = Lesson(slug=slug, position=position, kind=kind)
            module.lessons.append(lesson)
        lesson.position, lesson.kind = position, kind
    module.lessons.sort(key=lambda lesson: lesson.position)
    for lesson in module.lessons:
        texts = {
            translation.language: text
            for translation in source.translations.values()
            for text in translation.lessons
            if text.slug == lesson.slug
        }
        by_language = {t.language: t for t in lesson.translations}
        for language, text in texts.items():
            translation = by_language.get(language)
            if translation is None:
                translation = LessonTranslation(language=language)
                lesson.translations.append(translation)
            set_lesson_text(translation, module.slug, text.title, text.body_markdown)
        for language, translation in by_language.items():
            if language not in texts:
                lesson.translations.remove(translation)


def set_lesson_text(translation: LessonTranslation, module_slug: str, title: str,
                    body_markdown: str) -> bool:
    """Set a lesson's words and render them now, so page views never render. True if changed."""
    if translation.title == title and translation.body_markdown == body_markdown and (
        translation.body_html
    ):
        return False
    rendered = render_markdown(
        body_markdown,
        link_resolver=lambda filename: lesson_path(module_slug, _slug_of(filename)),
    )
    translation.title = title
    translation.body_markdown = body_markdown
    translation.body_html = rendered.html
    translation.headings = [asdict(h) for h in rendered.headings]
    translation.word_count = rendered.word_count
    translation.reading_minutes = rendered.reading_minutes
    translation.updated_at = now_utc()
    return True


def _slug_of(filename: str) -> str:
    return filename[3:-3]  # "02-x-road.md" -> "x-road"


def import_module(source: ModuleSource, *, actor=None, builtin: bool = False,
                  publish: bool = False, from_folder: bool = False) -> ImportOutcome:
    """Create or update a module from files.

    From the courses/ folder (`from_folder`), files unchanged since their last import change
    nothing, even where trainers have edited the module in the app since; files that did
    change win, and the trainers' version stays in the history, from where it can be
    restored. An uploaded file always makes the module equal to it.
    """
    module = db.session.scalar(
        sa.select(Module)
        .where(Module.slug == source.slug)
        .options(
            selectinload(Module.translations),
            selectinload(Module.lessons).selectinload(Lesson.translations),
        )
    )
    fingerprint = source.fingerprint()
    if module is not None:
        current = module.files_fingerprint if from_folder else export_module(module).fingerprint()
        if current == fingerprint:
            return ImportOutcome(source.slug, "unchanged", module)
    status = "updated" if module is not None else "created"
    if module is None:
        module = Module(slug=source.slug, is_builtin=builtin, topics=[])
        db.session.add(module)
    apply_source(module, source)
    module.files_fingerprint = fingerprint
    if publish:
        module.status = PUBLISHED
    if module.is_published:
        versions.record_version(module, export_module(module), actor=actor,
                                note="imported from files")
    audit.record(f"module.{status}", actor=actor, target=module, slug=module.slug, via="files")
    db.session.flush()
    return ImportOutcome(source.slug, status, module)


@dataclass(frozen=True)
class TreeImportReport:
    outcomes: list[ImportOutcome]
    problems: dict[str, list[CourseProblem]]


def is_module_folder(path: Path) -> bool:
    """A single module's folder (it holds language folders), rather than a tree of modules."""
    return any((path / language).is_dir() for language in LANGUAGE_ORDER)


def import_tree(root: Path, *, actor=None, builtin: bool = True) -> TreeImportReport:
    """Import every good module folder under `root` (or `root` itself, if it is one).

    Broken modules are reported with every problem and not applied at all.
    """
    if is_module_folder(root):
        try:
            modules, problems = [load_module_folder(root)], {}
        except CourseFileError as error:
            modules, problems = [], {root.name: error.problems}
        tree = CourseTree(modules=modules, problems=problems)
    else:
        tree = load_course_tree(root)
    outcomes = []
    for source in tree.modules:
        # A savepoint per module: one that fails to apply leaves no half of itself behind.
        with db.session.begin_nested():
            outcomes.append(import_module(source, actor=actor, builtin=builtin, publish=builtin,
                                          from_folder=True))
    return TreeImportReport(outcomes, tree.problems)
