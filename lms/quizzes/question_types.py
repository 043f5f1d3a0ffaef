"""Question types: one class per type, each reading a learner's response and grading it exactly.

A response is stored as plain JSON in the attempt item. Choices are kept by their position in
the question version; the page only ever sees display indices (their shuffled order), so
nothing in the HTML hints at which choice is right. Grading returns a fraction between 0 and
1, or None when a trainer must grade by hand (essays).
"""

from __future__ import annotations

import math
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from lms.quizzes.models import QuestionVersion


def _clamp(fraction: float) -> float:
    return min(1.0, max(0.0, fraction))


def _index(raw: str | None, size: int) -> int | None:
    if raw is None or not raw.isdigit() or int(raw) >= size:
        return None
    return int(raw)


class QuestionType(ABC):
    name = ""
    label = _l("Question")
    is_manual = False
    # Whether the answers can be shown in a shuffled order.
    shuffles = False

    def layout(self, version: QuestionVersion, shuffle: bool, rng: random.Random) -> list:
        """The order answers are shown in for one attempt."""
        positions = [choice.position for choice in version.choices]
        if shuffle and self.shuffles:
            rng.shuffle(positions)
        return positions

    def options(self, version: QuestionVersion, layout: list) -> list[tuple[int, str]]:
        """(display index, text) for each answer the page offers."""
        by_position = {choice.position: choice for choice in version.choices}
        return [(index, by_position[position].text) for index, position in enumerate(layout)]

    @abstractmethod
    def read(self, version: QuestionVersion, layout: list, values: list[str]) -> dict | None:
        """Turn submitted form values into a response, or None for no answer."""

    @abstractmethod
    def grade(self, version: QuestionVersion, layout: list, response: dict | None) -> float | None:
        """The fraction of the marks earned (0 to 1), or None while a person must grade it."""

    def chosen(self, version: QuestionVersion, layout: list, response: dict | None) -> list[str]:
        """The answers picked, as labels for "how often was each answer chosen"."""
        return []

    def form_values(self, layout: list, response: dict | None) -> list[str]:
        """Display values to pre-fill the page with a saved response."""
        return []

    def describe(self, version: QuestionVersion, layout: list, response: dict | None) -> str:
        """The response in words, for the review page."""
        return ", ".join(self.chosen(version, layout, response))

    def right_answer(self, version: QuestionVersion) -> str:
        """The right answer in words, for the review page after submission."""
        return ", ".join(c.text for c in version.choices if c.fraction > 0)

    def feedback(self, version: QuestionVersion, response: dict | None) -> list[str]:
        """The feedback written for the answers given."""
        return []


class SingleChoice(QuestionType):
    name = "single_choice"
    label = _l("Single choice")
    shuffles = True

    def read(self, version, layout, values):
        index = _index(values[0] if values else None, len(layout))
        return None if index is None else {"choice": layout[index]}

    def grade(self, version, layout, response):
        if not response:
            return 0.0
        choice = next((c for c in version.choices if c.position == response.get("choice")), None)
        return _clamp(choice.fraction) if choice else 0.0

    def chosen(self, version, layout, response):
        if not response:
            return []
        return [c.text for c in version.choices if c.position == response.get("choice")]

    def form_values(self, layout, response):
        if not response or response.get("choice") not in layout:
            return []
        return [str(layout.index(response["choice"]))]

    def right_answer(self, version):
        best = max(version.choices, key=lambda c: c.fraction, default=None)
        return best.text if best else ""

    def feedback(self, version, response):
        if not response:
            return []
        return [c.feedback for c in version.choices
                if c.position == response.get("choice") and c.feedback]


class MultipleChoice(QuestionType):
    """Each picked answer adds its weight; wrong picks subtract; the total stays in 0..1."""

    name = "multiple_choice"
    label = _l("Multiple choice")
    shuffles = True

    def read(self, version, layout, values):
        indices = sorted({i for i in (_index(v, len(layout)) for v in values) if i is not None})
        return {"choices": [layout[i] for i in indices]} if indices else None

    def grade(self, version, layout, response):
        if not response:
            return 0.0
        picked = set(response.get("choices", []))
        return _clamp(sum(c.fraction for c in version.choices if c.position in picked))

    def chosen(self, version, layout, response):
        picked = set((response or {}).get("choices", []))
        return [c.text for c in version.choices if c.position in picked]

    def form_values(self, layout, response):
        picked = (response or {}).get("choices", [])
        return [str(layout.index(p)) for p in picked if p in layout]

    def feedback(self, version, response):
        picked = set((response or {}).get("choices", []))
        return [c.feedback for c in version.choices if c.position in picked and c.feedback]


class TrueFalse(QuestionType):
    name = "true_false"
    label = _l("True/false")

    def layout(self, version, shuffle, rng):
        return []

    def options(self, version, layout):
        return [(1, str(_l("True"))), (0, str(_l("False")))]

    def read(self, version, layout, values):
        value = values[0] if values else None
        return {"value": value == "1"} if value in ("0", "1") else None

    def grade(self, version, layout, response):
        if not response:
            return 0.0
        return 1.0 if response.get("value") is version.correct else 0.0

    def chosen(self, version, layout, response):
        if not response:
            return []
        return [str(_l("True")) if response["value"] else str(_l("False"))]

    def form_values(self, layout, response):
        return ["1" if response["value"] else "0"] if response else []

    def right_answer(self, version):
        return str(_l("True")) if version.correct else str(_l("False"))

    def feedback(self, version, response):
        if not response:
            return []
        text = version.right_feedback if response["value"] is version.correct \
            else version.wrong_feedback
        return [text] if text else []


def _normalise_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches_pattern(pattern: str, given: str) -> bool:
    """Case-insensitive comparison where "*" in the accepted answer stands for any text."""
    parts = [re.escape(part) for part in _normalise_text(pattern).split("*")]
    return re.fullmatch(".*".join(parts), _normalise_text(given), flags=re.DOTALL) is not None


class ShortAnswer(QuestionType):
    name = "short_answer"
    label = _l("Short answer")

    def layout(self, version, shuffle, rng):
        return []

    def options(self, version, layout):
        return []

    def read(self, version, layout, values):
        text = (values[0] if values else "").strip()[:1000]
        return {"text": text} if text else None

    def grade(self, version, layout, response):
        if not response:
            return 0.0
        return _clamp(max((c.fraction for c in self._matching(version, response)), default=0.0))

    def chosen(self, version, layout, response):
        return [response["text"]] if response else []

    def form_values(self, layout, response):
        return [response["text"]] if response else []

    def right_answer(self, version):
        return ", ".join(c.text for c in version.choices if c.fraction >= 1)

    def feedback(self, version, response):
        if not response:
            return []
        best = max(self._matching(version, response), key=lambda c: c.fraction, default=None)
        return [best.feedback] if best and best.feedback else []

    def _matching(self, version, response) -> list:
        return [c for c in version.choices if matches_pattern(c.text, response["text"])]


def parse_number(text: str) -> float | None:
    """Read a number as officials type it: "3.5", "3,5" or "1 000"."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class Numerical(ShortAnswer):
    """A number is right when it lies within an answer's tolerance or range (ends included)."""

    name = "numerical"
    label = _l("Numerical")

    def _matching(self, version, response):
        number = parse_number(response["text"])
        if number is None:
            return []
        found = []
        for choice in version.choices:
            low, high = _accepted_range(choice)
            # A tiny allowance so that 0.1 + 0.2 style rounding never marks a right answer wrong.
            slack = 1e-9 * max(1.0, abs(low), abs(high))
            if low - slack <= number <= high + slack:
                found.append(choice)
        return found

    def right_answer(self, version):
        parts = []
        for choice in version.choices:
            if choice.fraction < 1:
                continue
            if choice.minimum is not None:
                parts.append(f"{choice.minimum:g}..{choice.maximum:g}")
            elif choice.tolerance:
                parts.append(f"{choice.value:g} ± {choice.tolerance:g}")
            else:
                parts.append(f"{choice.value:g}")
        return ", ".join(parts)


def _accepted_range(choice) -> tuple[float, float]:
    if choice.minimum is not None and choice.maximum is not None:
        return choice.minimum, choice.maximum
    tolerance = choice.tolerance or 0.0
    return choice.value - tolerance, choice.value + tolerance


class Matching(QuestionType):
    """Each left item gets the same share of the marks; the right column is shown shuffled."""

    name = "matching"
    label = _l("Matching")

    def layout(self, version, shuffle, rng):
        rights = list(dict.fromkeys(c.match_right or "" for c in version.choices))
        rng.shuffle(rights)
        return rights

    def pairs(self, version) -> list:
        # A pair with an empty left side is only a distractor in the right column.
        return [c for c in version.choices if c.text]

    def options(self, version, layout):
        return list(enumerate(layout))

    def read(self, version, layout, values):
        # `values` holds one display index per left item, in the order of pairs().
        picked = {}
        for pair, value in zip(self.pairs(version), values, strict=False):
            index = _index(value, len(layout))
            if index is not None:
                picked[str(pair.position)] = layout[index]
        return {"pairs": picked} if picked else None

    def grade(self, version, layout, response):
        pairs = self.pairs(version)
        if not response or not pairs:
            return 0.0
        picked: Mapping[str, str] = response.get("pairs", {})
        right = sum(1 for p in pairs if picked.get(str(p.position)) == p.match_right)
        return right / len(pairs)

    def chosen(self, version, layout, response):
        picked = (response or {}).get("pairs", {})
        return [f"{p.text} → {picked[str(p.position)]}" for p in self.pairs(version)
                if str(p.position) in picked]

    def selected(self, version, layout, response) -> dict[int, str]:
        """Display index picked for each left item, keyed by its position, for the page."""
        picked = (response or {}).get("pairs", {})
        return {p.position: str(layout.index(picked[str(p.position)]))
                for p in self.pairs(version)
                if str(p.position) in picked and picked[str(p.position)] in layout}

    def right_answer(self, version):
        return "; ".join(f"{p.text} → {p.match_right}" for p in self.pairs(version))


class Essay(QuestionType):
    name = "essay"
    label = _l("Essay")
    is_manual = True

    def layout(self, version, shuffle, rng):
        return []

    def options(self, version, layout):
        return []

    def read(self, version, layout, values):
        text = (values[0] if values else "").strip()[:20000]
        return {"text": text} if text else None

    def grade(self, version, layout, response):
        # An empty essay earns nothing and needs no trainer.
        return 0.0 if not response else None

    def form_values(self, layout, response):
        return [response["text"]] if response else []

    def describe(self, version, layout, response):
        return response["text"] if response else ""

    def right_answer(self, version):
        return ""


QUESTION_TYPES: dict[str, QuestionType] = {
    qtype.name: qtype
    for qtype in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Numerical(),
                  Matching(), Essay())
}


def question_type(name: str) -> QuestionType:
    """The type class for a question version's `qtype`."""
    return QUESTION_TYPES[name]
