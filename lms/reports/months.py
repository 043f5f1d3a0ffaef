"""Months in the programme's time zone: grouping timestamps by month in SQL, and the whole
months of a period (summaries are kept by month)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db


def month_zone() -> dt.tzinfo:
    """The time zone months are worked out in: the programme's on PostgreSQL; on SQLite,
    which has no time zones, a fixed offset, the zone's offset now (Minsk has kept +3
    since 2011)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if db.engine.dialect.name == "postgresql":
        return zone
    return dt.timezone(dt.datetime.now(zone).utcoffset() or dt.timedelta(0))


def local_month(column):
    """The month of a UTC timestamp in `month_zone`, as the integer YYYYMM, in SQL (grouping
    by an integer is cheaper than by text); `month_name` spells it out."""
    zone = month_zone()
    if db.engine.dialect.name == "postgresql":
        local = sa.func.timezone(str(zone), column)
        # date_part gives a float, cheaper to compute than EXTRACT's numeric.
        return sa.cast(sa.func.date_part("year", local) * 100
                       + sa.func.date_part("month", local), sa.Integer)
    hours = int(zone.utcoffset(None).total_seconds() // 3600)
    return sa.cast(sa.func.strftime("%Y%m", column, f"{hours:+d} hours"), sa.Integer)


def month_name(month: int | None) -> str | None:
    """"YYYY-MM" of a month worked out by `local_month`."""
    return None if month is None else f"{month // 100:04d}-{month % 100:02d}"


@dataclass(frozen=True)
class WholeMonths:
    """The whole months inside a period: YYYYMM of the first and last, and their span."""

    first: int
    last: int
    starts: dt.datetime
    ends: dt.datetime


def _month_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: dt.datetime) -> dt.datetime:
    return _month_start(start + dt.timedelta(days=32))


def _number(month: dt.datetime) -> int:
    return month.year * 100 + month.month


def whole_months(start: dt.datetime, end: dt.datetime) -> WholeMonths | None:
    """The months (in the programme's time zone) that lie entirely in [start, end)."""
    zone = month_zone()
    local_start = start.astimezone(zone)
    first = _month_start(local_start)
    if first < local_start:
        first = _next_month(first)
    ends = _month_start(end.astimezone(zone))
    if first >= ends:
        return None
    last = _month_start(ends - dt.timedelta(days=1))
    return WholeMonths(_number(first), _number(last), first.astimezone(dt.UTC),
                       ends.astimezone(dt.UTC))
