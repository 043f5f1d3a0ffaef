"""Seminar modules and lessons, their translations, versions, attachments and progress.

A module and its lessons are language-neutral rows (slug, order, country...); the words live
in translation rows, one per language. Progress points at the neutral lesson, so a module
counts once whatever language it was read in, and survives edits of the text.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import intpk, str80, str200, str255, timestamp, utc_datetime
from lms.extensions import db

DRAFT = "draft"
PUBLISHED = "published"


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[intpk]
    slug: Mapped[str80] = mapped_column(unique=True)
    country: Mapped[str] = mapped_column(sa.String(3))
    level: Mapped[str] = mapped_column(sa.String(10))
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(10), default=DRAFT)
    # The language the module was written in; the others are translations of it.
    source_language: Mapped[str] = mapped_column(sa.String(5), default="en")
    is_builtin: Mapped[bool] = mapped_column(default=False)
    # Fingerprint of the files last imported: re-importing unchanged files is a no-op even
    # after trainers have edited the module in the app.
    files_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    translations: Mapped[list[ModuleTranslation]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="ModuleTranslation.language"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="Lesson.position"
    )

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def translation(self, language: str) -> ModuleTranslation | None:
        return next((t for t in self.translations if t.language == language), None)


class ModuleTranslation(db.Model):
    __tablename__ = "module_translations"
    __table_args__ = (sa.UniqueConstraint("module_id", "language"),)

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str200]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    intro_markdown: Mapped[str] = mapped_column(sa.Text, default="")
    intro_html: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[list] = mapped_column(sa.JSON, default=list)
    sources: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The module's questions in Moodle GIFT, as shipped with the module's files; the quiz
    # bank is built from it, and it travels with the module on export.
    questions_gift: Mapped[str | None] = mapped_column(sa.Text)
    # Bumped on every change of this language's words; a translation remembers which
    # revision of the source language it was last brought up to date with.
    revision: Mapped[int] = mapped_column(default=1)
    source_revision_seen: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[timestamp]

    module: Mapped[Module] = relationship(back_populates="translations")


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (sa.UniqueConstraint("module_id", "slug"),)

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str80]
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20), default="lesson")

    module: Mapped[Module] = relationship(back_populates="lessons")
    translations: Mapped[list[LessonTranslation]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan"
    )

    @property
    def filename(self) -> str:
        return f"{self.position:02d}-{self.slug}.md"

    def translation(self, language: str) -> LessonTranslation | None:
        return next((t for t in self.translations if t.language == language), None)


class LessonTranslation(db.Model):
    __tablename__ = "lesson_translations"
    __table_args__ = (sa.UniqueConstraint("lesson_id", "language"),)

    id: Mapped[intpk]
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(5))
    title: Mapped[str200]
    body_markdown: Mapped[str] = mapped_column(sa.Text, default="")
    # Rendered and sanitised when saved, never on a page view.
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    headings: Mapped[list] = mapped_column(sa.JSON, default=list)
    word_count: Mapped[int] = mapped_column(default=0)
    reading_minutes: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[timestamp]

    lesson: Mapped[Lesson] = relationship(back_populates="translations")


class ModuleVersion(db.Model):
    """A snapshot of a whole module (every language) taken when a published module is saved."""

    __tablename__ = "module_versions"
    __table_args__ = (sa.UniqueConstraint("module_id", "number"),)

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    # The module in the courses/ file format, as a document: a version is read whole, to
    # show, compare or restore it, never queried into.
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str255] = mapped_column(default="")
    created_at: Mapped[timestamp]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    created_by = relationship("User", lazy="joined")


class Attachment(db.Model):
    """A file a trainer attached to a module, kept in the upload folder."""

    __tablename__ = "attachments"

    id: Mapped[intpk]
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str255]
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str80]
    size: Mapped[int]
    created_at: Mapped[timestamp]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class LessonProgress(db.Model):
    """That an official opened a lesson, and when they finished it."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "lesson_id"),
        sa.Index("ix_lesson_progress_user_module", "user_id", "module_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    # Kept beside the lesson so module progress is one indexed aggregate.
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    first_viewed_at: Mapped[timestamp]
    last_viewed_at: Mapped[timestamp]
    completed_at: Mapped[utc_datetime | None]
