"""Small modules built in code, imported the way the courses/ files are."""

from __future__ import annotations

from lms.content.course_files import LessonSource, ModuleSource, ModuleTranslationSource, SourceRef
from lms.content.importing import import_module
from lms.extensions import db


def translation(language: str, lessons: list[tuple[str, str, str]], *, title: str | None = None,
                country: str = "EE", order: int = 1) -> ModuleTranslationSource:
    return ModuleTranslationSource(
        language=language,
        title=title or f"Module in {language}",
        summary=f"Summary in {language}",
        country=country,
        topics=["interoperability"],
        level="all",
        order=order,
        objectives=[f"Objective in {language}"],
        sources=[SourceRef("X-Road", "RIA", "https://www.ria.ee/en", 2023)],
        intro_markdown="Introduction.",
        lessons=[
            LessonSource(slug=slug, position=i, title=lesson_title, kind="lesson",
                         body_markdown=body)
            for i, (slug, lesson_title, body) in enumerate(lessons, start=1)
        ],
    )


def module_source(slug: str = "estonia", *, languages=("en", "ru"), lessons: int = 3,
                  country: str = "EE", order: int = 1, title: str | None = None) -> ModuleSource:
    translations = {}
    for language in languages:
        translations[language] = translation(
            language,
            [(f"lesson-{n}", f"Lesson {n} ({language})", f"## Part {n}\n\nText {n} in {language}.")
             for n in range(1, lessons + 1)],
            title=title if title and language == "en" else None,
            country=country, order=order,
        )
    return ModuleSource(slug=slug, translations=translations)


def published_module(slug: str = "estonia", **kwargs):
    outcome = import_module(module_source(slug, **kwargs), publish=True, builtin=True)
    db.session.commit()
    return outcome.module
