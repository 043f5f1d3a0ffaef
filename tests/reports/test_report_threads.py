"""A report's figure families computed side by side give the figures computed in turn."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from lms.extensions import db
from lms.reports import dashboard
from lms.reports.filters import ReportFilters
from lms.reports.queries import Scope
from tests.reports import programme

YEAR_2017 = ReportFilters(dt.date(2017, 1, 1), dt.date(2017, 12, 31))


def _report(app, threads: int):
    app.config["REPORT_QUERY_THREADS"] = threads
    return dashboard.build_report(Scope(YEAR_2017, now=dt.datetime.now(dt.UTC)),
                                  threshold=1, exact=True)


def test_side_by_side_and_in_turn_agree(app):
    programme.build()
    programme.build_more(officials=12)
    side_by_side, in_turn = _report(app, 2), _report(app, 1)
    assert side_by_side.totals == in_turn.totals
    assert side_by_side.totals.trained.value == 7 + 8  # the 12 more: two in three attended
    assert side_by_side.breakdowns == in_turn.breakdowns


def test_a_report_on_sqlite_does_not_wait_for_a_writer(app):
    """Its side-by-side queries only read: a transaction writing meanwhile does not hold
    them up (on SQLite they would otherwise queue for the write lock)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("this checks SQLite's locking set-up")
    programme.build()
    writer = db.engine.connect()
    transaction = writer.begin()  # BEGIN IMMEDIATE: someone marking attendance right now
    try:
        started = time.monotonic()
        with app.test_request_context("/reports/"):  # the dashboard asked for
            report = _report(app, 2)
        assert time.monotonic() - started < 10  # the busy timeout is 30 s
        assert report.totals.trained.value == 7
    finally:
        transaction.rollback()
        writer.close()
