"""Small-cell protection: figures about fewer than a handful of people are not shown.

A figure about 1 to 4 people (the threshold is configurable) is shown as "<5", and so is any
rate or average computed from them. Totals stay exact, so where a row or column would hold
a single hidden figure its total would give it away: the next smallest figure of that line is
withheld too, shown as "…" (a zero only when nothing else is left), until no line holds a
lone hidden one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

# What a figure hidden only to protect a small one beside it shows: not "<5", which would be
# untrue of it (the mark statistical tables commonly use for a figure withheld).
WITHHELD = "…"


class Cell(NamedTuple):
    """A figure and the number of people behind it (a tuple: a report holds thousands)."""

    value: float | int | None
    people: int
    hidden: bool = False

    def shown(self, threshold: int, fmt=str) -> str:
        if self.hidden:
            return f"<{threshold}" if self.small(threshold) else WITHHELD
        if self.value is None:
            return "—"
        return fmt(self.value)

    def small(self, threshold: int) -> bool:
        """About too few people to show; a hidden cell that is not small is withheld only
        so that a small one beside it cannot be worked out."""
        return is_small(self.people, threshold)


def is_small(people: int, threshold: int) -> bool:
    return 0 < people < threshold


def hide_if_small(cell: Cell, threshold: int) -> Cell:
    """A figure standing alone (a key figure of a report narrowed to a few people)."""
    return cell._replace(hidden=True) if is_small(cell.people, threshold) else cell


def _partner(cells: Sequence[Cell], candidates: list[int]) -> int | None:
    """Which shown cell to hide beside a lone hidden one: the smallest group, a zero last."""
    if not candidates:
        return None
    return min(candidates, key=lambda i: (cells[i].people == 0, cells[i].people))


def _applied(cells: Sequence[Cell], hidden) -> list[Cell]:
    return [c if c.hidden == hide else c._replace(hidden=hide)
            for c, hide in zip(cells, hidden, strict=True)]


def protect_column(cells: list[Cell], threshold: int) -> list[Cell]:
    """A breakdown's column, whose total stands elsewhere: hide small cells, then one more
    where a single hidden cell could be worked out from the total."""
    hidden = [is_small(c.people, threshold) for c in cells]
    if sum(hidden) == 1:
        extra = _partner(cells, [i for i, hide in enumerate(hidden) if not hide])
        if extra is not None:
            hidden[extra] = True
    return _applied(cells, hidden)


def protect_table(grid: list[list[Cell]], threshold: int, *,
                  grand_total_exact: bool = True) -> list[list[Cell]]:
    """A cross table with its totals: each row ends with the row's total, the last row holds
    the columns' totals and, in its last cell, the grand total.

    A total is itself a figure about a group (the women, the local officials), so a small one
    is hidden like any other. Every row and every column, totals included, is then made to
    hold no hidden figure or at least two, so that no hidden figure can be worked out by
    subtraction. The grand total stays exact unless `grand_total_exact` is false and it is
    small itself.
    """
    flat = [cell for row in grid for cell in row]
    width = len(grid[0]) if grid else 0
    corner = len(flat) - 1
    hidden = [is_small(c.people, threshold) for c in flat]
    if grand_total_exact and flat:
        hidden[corner] = False
    lines = ([[r * width + c for c in range(width)] for r in range(len(grid))]
             + [[r * width + c for r in range(len(grid))] for c in range(width)])
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[i] for i in line) != 1:
                continue
            extra = _partner(flat, [i for i in line if not hidden[i] and i != corner])
            if extra is not None:
                hidden[extra] = changed = True
    protected = _applied(flat, hidden)
    return [protected[r * width:(r + 1) * width] for r in range(len(grid))]
