"""A computed report is reused; a stale one is shown and recomputed after the response;
requests asking for a report being computed wait for it instead of computing it again."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from lms.extensions import cache, db
from lms.reports import dashboard
from lms.reports.filters import ReportFilters
from lms.reports.queries import Scope
from tests import factories
from tests.query_counter import count_queries
from tests.reports import programme

YEAR = "from=2017-01-01&to=2017-12-31"
TRAINED = '<dd class="number">{}</dd>'


def _add_participation() -> None:
    from lms.attendance.models import AttendanceRecord, SeminarSession

    extra = factories.make_user("official")
    first = db.session.scalar(sa.select(SeminarSession).order_by(SeminarSession.id))
    db.session.add(AttendanceRecord(session_id=first.id, user_id=extra.id, status="present"))
    db.session.commit()


def _age_cached_reports(seconds: int) -> None:
    """Make every cached report, and what was made from it, look `seconds` older."""
    for key in list(cache.cache._cache):
        value = cache.get(key)
        if isinstance(value, dashboard.Report):
            value.computed_at -= dt.timedelta(seconds=seconds)
            cache.set(key, value)
        elif isinstance(value, tuple):  # (the report's computation time, what was made)
            cache.set(key, (value[0] - dt.timedelta(seconds=seconds), value[1]))


@pytest.fixture
def client(make_app):
    """A staff member's client on an app that caches reports, with the small programme."""
    app = make_app(CACHE_TYPE="SimpleCache", REPORT_CACHE_SECONDS=60)
    with app.app_context():
        programme.build()
        client = app.test_client()
        factories.sign_in(client, factories.make_user("staff"))
        yield client


def test_a_stale_report_is_shown_at_once_and_recomputed_after_the_response(client):
    assert TRAINED.format(7) in client.get(f"/reports/?{YEAR}").get_data(as_text=True)
    _add_participation()
    _age_cached_reports(120)

    response = client.get(f"/reports/?{YEAR}")
    # The stale figures come back at once, saying when they were computed...
    assert TRAINED.format(7) in response.get_data(as_text=True)
    assert "Figures as of" in response.get_data(as_text=True)
    response.close()  # the server closes the response once it is sent: then it refreshes
    # ...and the next reader sees the new participation.
    assert TRAINED.format(8) in client.get(f"/reports/?{YEAR}").get_data(as_text=True)


def test_a_fresh_report_is_not_recomputed(client):
    client.get(f"/reports/?{YEAR}").close()
    _add_participation()
    response = client.get(f"/reports/?{YEAR}")
    assert TRAINED.format(7) in response.get_data(as_text=True)
    response.close()
    assert TRAINED.format(7) in client.get(f"/reports/?{YEAR}").get_data(as_text=True)


def test_a_request_waits_for_the_report_another_is_computing(make_app):
    app = make_app(CACHE_TYPE="SimpleCache", REPORT_CACHE_SECONDS=60)
    with app.test_request_context():
        programme.build()
        scope = Scope(ReportFilters(dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
                      now=dt.datetime.now(dt.UTC))
        key = dashboard.cache_key(scope, None, 5, False, "en")
        computed_elsewhere = dashboard.build_report(scope, threshold=5, exact=False)
        assert cache.add(f"{key}:computing", 1, timeout=60)  # another worker is at it

        def finish():
            cache.set(key, computed_elsewhere)
            cache.delete(f"{key}:computing")

        timer = threading.Timer(0.3, finish)
        timer.start()
        with count_queries() as statements:
            report = dashboard.cached_report(scope, viewer=None, threshold=5, exact=False,
                                             language="en")
        timer.join()
        assert report.computed_at == computed_elsewhere.computed_at
        assert statements == []  # it did not compute the report a second time


def test_the_rendered_figures_are_kept_with_the_report(client):
    first = client.get(f"/reports/?{YEAR}").get_data(as_text=True)
    with count_queries() as statements:
        again = client.get(f"/reports/?{YEAR}").get_data(as_text=True)
    # The same figures, without asking the database for plans, feedback or attendance.
    assert again == first
    assert not [s for s in statements if "plans" in s or "survey" in s
                or "attendance_records" in s]
    # Another language is another rendering.
    client.post("/language", data={"language": "ru", "next": "/"})
    assert "Основные показатели" in client.get(f"/reports/?{YEAR}").get_data(as_text=True)


def test_filter_choices_are_escaped_and_the_chosen_one_selected(app):
    from lms.template_helpers import options

    html = str(options([(1, "Grodno <b>&</b>"), (2, 'Say "hi"')], 2))
    assert html == ('<option value="1">Grodno &lt;b&gt;&amp;&lt;/b&gt;</option>'
                    '<option value="2" selected>Say &quot;hi&quot;</option>')


def test_warming_computes_the_first_dashboard_ahead_of_its_readers(make_app):
    app = make_app(CACHE_TYPE="SimpleCache", REPORT_CACHE_SECONDS=60)
    with app.app_context():
        programme.build()
        client = app.test_client()
        factories.sign_in(client, factories.make_user("staff"))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["reports", "warm", "--language", "en"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[0].startswith("summaries: 3 cohorts and 4 officials recomputed in")
        assert lines[1].startswith("en: computed in")
        with count_queries() as statements:
            assert client.get("/reports/").status_code == 200
        assert not [s for s in statements if "attendance_records" in s]
        # Another language was not warmed: its reader computes it.
        client.post("/language", data={"language": "ru", "next": "/"})
        with count_queries() as statements:
            assert client.get("/reports/").status_code == 200
        assert [s for s in statements if "attendance_records" in s]


def test_warming_needs_the_cache(make_app):
    app = make_app(REPORT_CACHE_SECONDS=0)
    result = app.test_cli_runner().invoke(args=["reports", "warm"])
    assert result.exit_code != 0 and "not cached" in result.output
