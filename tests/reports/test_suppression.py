"""Small-cell protection: no figure about a few people can be read or worked out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lms.reports.suppression import WITHHELD, Cell, protect_column, protect_table


def _table(inner: list[list[int]]) -> list[list[Cell]]:
    """People counts with each row's total after it and a row of the columns' totals."""
    rows = [[*row, sum(row)] for row in inner]
    rows.append([sum(column) for column in zip(*rows, strict=True)])
    return [[Cell(n, n) for n in row] for row in rows]


def _lines(grid):
    return [*grid, *(list(column) for column in zip(*grid, strict=True))]


def _shown(grid, threshold=5):
    return [[cell.shown(threshold) for cell in row] for row in grid]


def test_a_row_total_cannot_give_a_hidden_figure_away():
    # Sex by level (central, local, not stated): two local women among 24 officials.
    grid = protect_table(_table([[6, 2, 0], [7, 9, 0], [0, 0, 0]]), 5)
    assert _shown(grid) == [
        [WITHHELD, "<5", "0", "8"],  # women: 8 - 6 would have given the 2 away
        [WITHHELD, WITHHELD, "0", "16"],  # men: withheld so that the columns hold two each
        ["0", "0", "0", "0"],
        ["13", "11", "0", "24"],
    ]


def test_small_totals_are_hidden_and_the_grand_total_stays_exact():
    grid = protect_table(_table([[1, 2, 0], [2, 1, 0], [0, 1, 0]]), 5)
    assert _shown(grid)[-1] == ["<5", "<5", "0", "7"]
    assert _shown(grid)[0] == ["<5", "<5", "0", "<5"]


def test_the_grand_total_of_a_few_people_is_hidden_when_asked():
    grid = _table([[0, 2, 0], [0, 0, 0], [0, 0, 0]])
    assert protect_table(grid, 5)[-1][-1].shown(5) == "2"
    assert protect_table(grid, 5, grand_total_exact=False)[-1][-1].shown(5) == "<5"


def test_a_zero_is_withheld_when_nothing_else_could_be():
    cells = protect_column([Cell(3, 3), Cell(0, 0), Cell(0, 0)], 5)
    assert [c.shown(5) for c in cells] == ["<5", WITHHELD, "0"]
    # A group of some size is withheld before a zero.
    cells = protect_column([Cell(3, 3), Cell(0, 0), Cell(9, 9)], 5)
    assert [c.shown(5) for c in cells] == ["<5", "0", WITHHELD]


@given(st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=3, max_size=3),
       st.integers(2, 6))
def test_no_row_or_column_is_left_with_a_lone_hidden_figure(inner, threshold):
    grid = protect_table(_table(inner), threshold)
    for line in _lines(grid):
        assert sum(cell.hidden for cell in line) != 1
    flat = [cell for row in grid for cell in row]
    assert all(cell.hidden for cell in flat[:-1] if 0 < cell.people < threshold)
    assert not flat[-1].hidden
