"""Item analysis: which questions work, from the finished attempts of a quiz.

- facility index: the mean score on the question, as a percentage of its marks (how easy);
- discrimination index: the correlation between the score on the question and the score on
  the rest of the quiz, from -1 to 1 (low or negative values flag a question that strong
  officials get wrong as often as weak ones);
- how often each answer was chosen.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.quizzes.models import FINISHED, Attempt, AttemptItem, Quiz
from lms.quizzes.question_types import question_type


@dataclass
class ItemStatistics:
    question_id: int
    title: str
    qtype: str
    answered: int = 0
    facility: float | None = None
    discrimination: float | None = None
    choices: list[tuple[str, int]] = field(default_factory=list)


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_analysis(quiz: Quiz) -> list[ItemStatistics]:
    """Statistics per question over every finished attempt, in two queries."""
    items = list(db.session.scalars(
        sa.select(AttemptItem).join(Attempt)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == FINISHED)
        .options(selectinload(AttemptItem.version))
        .order_by(AttemptItem.position)
    ))
    totals: dict[int, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for item in items:
        score, marks = totals[item.attempt_id]
        totals[item.attempt_id] = (score + (item.score or 0.0), marks + item.marks)

    by_question: dict[int, list[AttemptItem]] = defaultdict(list)
    for item in items:
        by_question[item.version.question_id].append(item)

    statistics = []
    for question_id, question_items in by_question.items():
        latest = max((i.version for i in question_items), key=lambda v: v.number)
        kind = question_type(latest.qtype)
        stats = ItemStatistics(question_id=question_id, title=latest.title or latest.text[:80],
                               qtype=latest.qtype)
        scored = [i for i in question_items if i.fraction is not None]
        stats.answered = sum(1 for i in question_items if i.response)
        if scored:
            stats.facility = round(100 * sum(i.fraction for i in scored) / len(scored), 1)
            rest = []
            for i in scored:
                score, marks = totals[i.attempt_id]
                other_marks = marks - i.marks
                rest.append((score - (i.score or 0.0)) / other_marks if other_marks else 0.0)
            correlation = _correlation([i.fraction for i in scored], rest)
            stats.discrimination = None if correlation is None else round(correlation, 2)
        counts: Counter[str] = Counter()
        for i in question_items:
            counts.update(kind.chosen(i.version, i.layout, i.response))
        if latest.qtype in ("single_choice", "multiple_choice"):
            stats.choices = [(c.text, counts.pop(c.text, 0)) for c in latest.choices]
        stats.choices += counts.most_common()
        statistics.append(stats)
    return statistics
