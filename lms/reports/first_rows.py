"""Counting each official once in a group with a plain sum instead of COUNT(DISTINCT).

A summary row keeps the month of the same official's previous row, the rows taken in order
of month (and cohort, where an official has several rows in a month). Of an official's rows
in the months from `first` on, exactly one has no earlier row among them: the one whose
previous month lies before `first`, or which has none. Counting those rows counts every
official with a row in the period once. The database adds that up in one pass, grouping by
hashing, where counting distinct officials makes it sort every row of every group.
"""

from __future__ import annotations

import sqlalchemy as sa

# The links kept on each attendance summary row: previous months with a place and with a
# participation, among the official's rows in every cohort and in the row's cohort.
ATTENDANCE_LINKS = ("prev_place_month", "prev_trained_month", "cohort_prev_place_month",
                    "cohort_prev_trained_month")


def is_first(previous_month, first):
    """True for a row with no earlier row of the same official from month `first` on
    (`first` a YYYYMM number or a month column)."""
    return sa.or_(previous_month.is_(None), previous_month < first)


def count_first(condition, previous_month, first):
    """How many rows meeting `condition` are their official's first from month `first` on."""
    counted = sa.case((sa.and_(condition, is_first(previous_month, first)), 1), else_=0)
    return sa.cast(sa.func.coalesce(sa.func.sum(counted), 0), sa.BigInteger)


def previous_month(condition, month, partition, order):
    """For each row, the latest month of an earlier row in its `partition` (in `order`)
    that meets `condition`, as a window function."""
    return sa.func.max(sa.case((condition, month))).over(
        partition_by=partition, order_by=order, rows=(None, -1))
