"""How far officials have read: per lesson, per module and overall, in aggregate queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from lms.content.models import Lesson, LessonProgress
from lms.db import now_utc
from lms.extensions import db


@dataclass(frozen=True)
class ModuleProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


def lesson_counts(module_ids: Iterable[int]) -> dict[int, int]:
    """How many lessons each module has, in one query."""
    ids = list(set(module_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Lesson.module_id, sa.func.count(Lesson.id))
        .where(Lesson.module_id.in_(ids))
        .group_by(Lesson.module_id)
    )
    return dict(rows.all())


def module_progress(
    user_ids: Iterable[int], module_ids: Iterable[int]
) -> dict[tuple[int, int], ModuleProgress]:
    """Progress of every (user, module) pair asked for, in two queries whatever the sizes."""
    users, modules = list(set(user_ids)), list(set(module_ids))
    if not users or not modules:
        return {}
    totals = lesson_counts(modules)
    done_rows = db.session.execute(
        sa.select(LessonProgress.user_id, LessonProgress.module_id, sa.func.count())
        .where(
            LessonProgress.user_id.in_(users),
            LessonProgress.module_id.in_(modules),
            LessonProgress.completed_at.is_not(None),
        )
        .group_by(LessonProgress.user_id, LessonProgress.module_id)
    )
    done = {(u, m): n for u, m, n in done_rows}
    return {
        (u, m): ModuleProgress(min(done.get((u, m), 0), totals.get(m, 0)), totals.get(m, 0))
        for u in users
        for m in modules
    }


def record_visit(user_id: int, lesson: Lesson) -> LessonProgress:
    """Note that an official opened a lesson (the place to come back to)."""
    progress = db.session.scalar(
        sa.select(LessonProgress).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson.id
        )
    )
    now = now_utc()
    if progress is None:
        progress = LessonProgress(
            user_id=user_id, lesson_id=lesson.id, module_id=lesson.module_id,
            first_viewed_at=now, last_viewed_at=now,
        )
        db.session.add(progress)
    else:
        progress.last_viewed_at = now
    db.session.flush()
    return progress


def mark_complete(user_id: int, lesson: Lesson) -> LessonProgress:
    """Mark a lesson as read; marking it again changes nothing."""
    progress = record_visit(user_id, lesson)
    if progress.completed_at is None:
        progress.completed_at = now_utc()
    db.session.flush()
    return progress
