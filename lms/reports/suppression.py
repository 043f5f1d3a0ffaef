"""Small-cell protection: figures about fewer than a handful of people are not shown.

A breakdown cell about 1 to 4 people (the threshold is configurable) is shown as "<5", and so
is any rate or average computed from them; totals stay exact. Where only one cell of a column
would be hidden, the next smallest is hidden too, or the total would give the hidden one away.
"""

from __future__ import annotations

from typing import NamedTuple


class Cell(NamedTuple):
    """A figure and the number of people behind it (a tuple: a report holds thousands)."""

    value: float | int | None
    people: int
    hidden: bool = False

    def shown(self, threshold: int, fmt=str) -> str:
        if self.hidden:
            return f"<{threshold}"
        if self.value is None:
            return "—"
        return fmt(self.value)


def is_small(people: int, threshold: int) -> bool:
    return 0 < people < threshold


def protect_column(cells: list[Cell], threshold: int) -> list[Cell]:
    """Hide small cells, then one more where a single hidden cell could be worked out."""
    hidden = [is_small(c.people, threshold) for c in cells]
    if sum(hidden) == 1 and len(cells) > 1:
        candidates = [i for i, c in enumerate(cells) if not hidden[i] and c.people > 0]
        if candidates:
            smallest = min(candidates, key=lambda i: cells[i].people)
            hidden[smallest] = True
    return [c if c.hidden == hide else c._replace(hidden=hide)
            for c, hide in zip(cells, hidden, strict=True)]
