"""`flask reports warm`: compute the programme-wide dashboard ahead of its readers."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from lms.db import now_utc
from lms.reports import dashboard, summary
from lms.reports.filters import ReportFilters
from lms.reports.queries import Scope

reports_cli = AppGroup("reports", help="Participation reports.")
LANGUAGES = ("en", "ru", "be")


@reports_cli.command("warm")
@click.option("--language", "languages", multiple=True, type=click.Choice(LANGUAGES),
              help="Only for these languages (default: every language).")
def warm(languages: tuple[str, ...]):
    """Bring the attendance summary up to date, then compute the dashboard staff open first
    (the year so far, the whole programme) and keep it in the cache, so nobody waits for
    it; run it every few minutes from cron."""
    if not current_app.config.get("REPORT_CACHE_SECONDS"):
        raise click.ClickException("Reports are not cached (REPORT_CACHE_SECONDS is 0).")
    started = time.perf_counter()
    refreshed = summary.bring_up_to_date()
    click.echo(f"summaries: {refreshed.cohorts} cohorts and {refreshed.people} officials "
               f"recomputed in {time.perf_counter() - started:.1f} s")
    for language in languages or LANGUAGES:
        started = time.perf_counter()
        # The report's labels are worked out in the reader's language, in a request.
        with current_app.test_request_context(), force_locale(language):
            scope = Scope(ReportFilters.default(), None, now_utc())
            dashboard.refresh(scope, viewer=None,
                              threshold=current_app.config["REPORT_MIN_CELL"], exact=False,
                              language=language)
        click.echo(f"{language}: computed in {time.perf_counter() - started:.1f} s")
