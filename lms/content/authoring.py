"""What trainers do to modules: create, write, translate, reorder, publish, restore.

Each action changes the session and flushes; the view commits. A save of a published module
keeps a version of the whole module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from lms import audit
from lms.content import versions
from lms.content.course_files import SLUG_PATTERN
from lms.content.importing import apply_source, export_module, set_lesson_text, source_from_dict
from lms.content.models import (
    DRAFT,
    PUBLISHED,
    Lesson,
    LessonTranslation,
    Module,
    ModuleTranslation,
)
from lms.content.rendering import find_lesson_links, render_markdown
from lms.db import now_utc
from lms.extensions import db


class AuthoringError(ValueError):
    """A change refused for a reason the trainer can fix; the message is translated."""


def _after_change(module: Module, actor, note: str) -> None:
    module.updated_at = now_utc()
    db.session.flush()
    if module.is_published:
        versions.record_version(module, export_module(module), actor=actor, note=note)


def slug_taken(slug: str) -> bool:
    return db.session.scalar(sa.select(Module.id).where(Module.slug == slug)) is not None


def create_module(*, slug: str, country: str, level: str, topics: list[str], position: int,
                  language: str, title: str, summary: str, actor) -> Module:
    if not SLUG_PATTERN.fullmatch(slug):
        raise AuthoringError(_("Use lowercase Latin letters, digits and hyphens only."))
    if slug_taken(slug):
        raise AuthoringError(_("Another module already uses this short name."))
    module = Module(slug=slug, country=country, level=level, topics=topics, position=position,
                    status=DRAFT, source_language=language)
    module.translations.append(
        ModuleTranslation(language=language, title=title.strip(), summary=summary.strip(),
                          objectives=[], sources=[], revision=1, source_revision_seen=1)
    )
    db.session.add(module)
    db.session.flush()
    audit.record("module.created", actor=actor, target=module, slug=slug)
    return module


def update_settings(module: Module, *, country: str, level: str, topics: list[str],
                    position: int, actor) -> None:
    module.country, module.level, module.topics, module.position = (
        country, level, topics, position
    )
    _after_change(module, actor, _("settings changed"))


def source_translation(module: Module) -> ModuleTranslation | None:
    return module.translation(module.source_language)


def _touch_text(module: Module, translation: ModuleTranslation, up_to_date: bool) -> None:
    """Count a change of words: a change in the source language dates the others."""
    translation.revision += 1
    translation.updated_at = now_utc()
    source = source_translation(module)
    if translation is source:
        translation.source_revision_seen = translation.revision
    elif up_to_date and source is not None:
        translation.source_revision_seen = source.revision


def parse_sources(text: str) -> list[dict]:
    """Sources typed one per line as `title | publisher | url | year`."""
    sources = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (3, 4) or not all(parts[:3]):
            raise AuthoringError(
                _("Line %(n)s: write a source as title | publisher | address | year.", n=number)
            )
        if not parts[2].startswith(("http://", "https://")):
            raise AuthoringError(_("Line %(n)s: the address must start with https://.", n=number))
        source = {"title": parts[0], "publisher": parts[1], "url": parts[2]}
        if len(parts) == 4 and parts[3]:
            if not re.fullmatch(r"\d{4}", parts[3]):
                raise AuthoringError(_("Line %(n)s: the year must have four digits.", n=number))
            source["year"] = int(parts[3])
        sources.append(source)
    return sources


def format_sources(sources: list[dict]) -> str:
    return "\n".join(
        " | ".join([s["title"], s["publisher"], s["url"]] + ([str(s["year"])] if s.get("year")
                                                             else []))
        for s in sources
    )


def check_lesson_links(module: Module, markdown_text: str) -> None:
    """Refuse links to lesson files this module does not have."""
    existing = {lesson.filename for lesson in module.lessons}
    missing = [name for name in find_lesson_links(markdown_text) if name not in existing]
    if missing:
        raise AuthoringError(
            _("The text links to lessons this module does not have: %(names)s",
              names=", ".join(missing))
        )


def save_module_text(module: Module, language: str, *, title: str, summary: str, intro: str,
                     objectives: list[str], sources: list[dict], up_to_date: bool,
                     actor) -> ModuleTranslation:
    check_lesson_links(module, intro)
    translation = module.translation(language)
    if translation is None:
        translation = ModuleTranslation(language=language, revision=0, source_revision_seen=0)
        module.translations.append(translation)
    translation.title = title.strip()
    translation.summary = summary.strip()
    translation.intro_markdown = intro
    translation.intro_html = render_markdown(intro).html
    translation.objectives = objectives
    translation.sources = sources
    _touch_text(module, translation, up_to_date)
    audit.record("module.text_saved", actor=actor, target=module, language=language)
    _after_change(module, actor, _("%(language)s text saved", language=language))
    return translation


def add_lesson(module: Module, language: str, *, slug: str, title: str, kind: str, body: str,
               actor) -> Lesson:
    if not SLUG_PATTERN.fullmatch(slug):
        raise AuthoringError(_("Use lowercase Latin letters, digits and hyphens only."))
    if any(lesson.slug == slug for lesson in module.lessons):
        raise AuthoringError(_("This module already has a lesson with this short name."))
    if module.translation(language) is None:
        raise AuthoringError(_("Write the module's title in this language first."))
    check_lesson_links(module, body)
    position = max((lesson.position for lesson in module.lessons), default=0) + 1
    lesson = Lesson(slug=slug, position=position, kind=kind)
    module.lessons.append(lesson)
    text = LessonTranslation(language=language)
    lesson.translations.append(text)
    set_lesson_text(text, module.slug, title.strip(), body)
    _touch_text(module, module.translation(language), up_to_date=False)
    audit.record("lesson.created", actor=actor, target=module, lesson=slug)
    _after_change(module, actor, _("lesson %(title)s added", title=title.strip()))
    return lesson


def save_lesson_text(lesson: Lesson, language: str, *, title: str, kind: str, body: str,
                     up_to_date: bool, actor) -> LessonTranslation:
    module = lesson.module
    module_text = module.translation(language)
    if module_text is None:
        raise AuthoringError(_("Write the module's title in this language first."))
    check_lesson_links(module, body)
    text = lesson.translation(language)
    if text is None:
        text = LessonTranslation(language=language)
        lesson.translations.append(text)
    changed = set_lesson_text(text, module.slug, title.strip(), body)
    lesson.kind = kind
    if changed:
        _touch_text(module, module_text, up_to_date)
    elif up_to_date and language != module.source_language:
        _touch_text(module, module_text, up_to_date=True)
    audit.record("lesson.saved", actor=actor, target=module, lesson=lesson.slug,
                 language=language)
    _after_change(module, actor, _("lesson %(title)s saved", title=title.strip()))
    return text


def move_lesson(lesson: Lesson, direction: int, *, actor) -> None:
    """Move a lesson up (-1) or down (+1), keeping links between lessons pointing right."""
    module = lesson.module
    lessons = sorted(module.lessons, key=lambda item: item.position)
    index = lessons.index(lesson)
    target = index + direction
    if not 0 <= target < len(lessons):
        return
    lessons[index], lessons[target] = lessons[target], lessons[index]
    _renumber(module, lessons)
    _after_change(module, actor, _("lessons reordered"))


def delete_lesson(lesson: Lesson, *, actor) -> None:
    module = lesson.module
    filename = lesson.filename
    linked_from = [
        text.title for other in module.lessons if other is not lesson
        for text in other.translations if filename in find_lesson_links(text.body_markdown)
    ]
    if linked_from:
        raise AuthoringError(
            _("Other lessons link to this one (%(titles)s). Remove those links first.",
              titles=", ".join(sorted(set(linked_from))))
        )
    module.lessons.remove(lesson)
    _renumber(module, sorted(module.lessons, key=lambda item: item.position))
    audit.record("lesson.deleted", actor=actor, target=module, lesson=lesson.slug)
    _after_change(module, actor, _("lesson deleted"))


def _renumber(module: Module, ordered: list[Lesson]) -> None:
    """Give lessons positions 1..n and rewrite links whose file names changed with them."""
    renamed = {}
    for position, lesson in enumerate(ordered, start=1):
        old = lesson.filename
        lesson.position = position
        if lesson.filename != old:
            renamed[old] = lesson.filename
    if not renamed:
        return
    pattern = re.compile(r"(\]\(\s*(?:\./)?)(" + "|".join(map(re.escape, renamed)) + r")")

    def rewrite(text: str) -> str:
        return pattern.sub(lambda m: m.group(1) + renamed[m.group(2)], text)

    for lesson in ordered:
        for text in lesson.translations:
            new_body = rewrite(text.body_markdown)
            if new_body != text.body_markdown:
                set_lesson_text(text, module.slug, text.title, new_body)
    for translation in module.translations:
        translation.intro_markdown = rewrite(translation.intro_markdown)


def set_published(module: Module, published: bool, *, actor) -> None:
    if published and not module.lessons:
        raise AuthoringError(_("Add at least one lesson before publishing."))
    module.status = PUBLISHED if published else DRAFT
    audit.record("module.published" if published else "module.unpublished", actor=actor,
                 target=module)
    _after_change(module, actor, _("published") if published else _("unpublished"))


def restore_version(module: Module, number: int, *, actor) -> None:
    version = versions.get_version(module.id, number)
    if version is None:
        raise AuthoringError(_("There is no such version."))
    apply_source(module, source_from_dict(version.snapshot))
    audit.record("module.restored", actor=actor, target=module, version=number)
    module.updated_at = now_utc()
    db.session.flush()
    versions.record_version(module, export_module(module), actor=actor,
                            note=_("restored version %(n)s", n=number))


@dataclass(frozen=True)
class TranslationStatus:
    language: str
    state: str  # "source", "complete", "incomplete", "outdated" or "missing"
    missing_lessons: int


def translation_statuses(module: Module, languages=("en", "ru", "be")) -> list[TranslationStatus]:
    """For each language: is the module fully translated and up to date with its source?"""
    source = source_translation(module)
    statuses = []
    for language in languages:
        translation = module.translation(language)
        missing = sum(1 for lesson in module.lessons if lesson.translation(language) is None)
        if translation is None:
            state = "missing"
        elif language == module.source_language:
            state = "source"
        elif missing:
            state = "incomplete"
        elif source is not None and translation.source_revision_seen < source.revision:
            state = "outdated"
        else:
            state = "complete"
        statuses.append(TranslationStatus(language, state, missing))
    return statuses

