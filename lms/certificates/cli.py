"""`flask --app lms certificates issue`: issue the certificates that are due, in every cohort."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.certificates import services
from lms.extensions import db

certificates_cli = AppGroup("certificates", help="Certificates of completion.")


@certificates_cli.command("issue")
def issue() -> None:
    """Issue a certificate to every official who meets their cohort's rules and has none."""
    issued = services.issue_for_all_cohorts()
    db.session.commit()
    for cohort, count in issued.items():
        if count:
            click.echo(f"{cohort.name}: {count} issued")
    click.echo(f"{sum(issued.values())} certificates issued in {len(issued)} cohorts with rules.")
