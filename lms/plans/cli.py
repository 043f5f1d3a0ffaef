"""`flask plans follow-ups`: ask the authors of accepted plans to report their progress."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from lms.db import now_utc
from lms.extensions import db
from lms.plans import services

plans_cli = AppGroup("plans", help="Implementation plans.")


@plans_cli.command("follow-ups")
@click.option("--dry-run", is_flag=True, help="List the due requests without creating them.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (YYYY-MM-DD).")
def follow_ups(dry_run: bool, today: dt.datetime | None):
    """Create the follow-up requests that are due (PLAN_FOLLOW_UP_MONTHS after a cohort)."""
    months = services.follow_up_months(current_app.config.get("PLAN_FOLLOW_UP_MONTHS", "3,6"))
    day = today.date() if today else now_utc().date()
    due = services.due_follow_ups(day, months)
    for plan, m, due_on in due:
        click.echo(f"  plan {plan.id} ({plan.organisation.name}): {m} months, due {due_on}")
    if dry_run:
        click.echo(f"{len(due)} follow-up request(s) due; none created (--dry-run).")
        return
    created = services.create_follow_ups(day, months)
    db.session.commit()
    click.echo(f"{len(created)} follow-up request(s) created.")
