"""`flask --app lms surveys ...`: the templates that ship with the application."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.extensions import db
from lms.surveys import services

surveys_cli = AppGroup("surveys", help="Feedback survey templates.")


@surveys_cli.command("load-standard")
def load_standard():
    """Create the standard post-seminar feedback template (once)."""
    template, created = services.ensure_standard_template()
    db.session.commit()
    if created:
        click.echo(f"Created the template {template.name!r} "
                   f"with {len(template.questions)} questions.")
    else:
        click.echo(f"The template {template.name!r} exists already.")
