"""Command-line tasks: `flask --app lms users ...` and `flask --app lms demo ...`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lms.accounts import services
from lms.extensions import db
from lms.security.permissions import Role

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demonstration data.")

ROLE_NAMES = [r.value for r in Role]


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLE_NAMES), required=True)
@click.option("--password", help="Set a password now instead of printing an invitation link.")
@click.option("--language", type=click.Choice(["en", "ru", "be"]), default="ru")
def create_user(email, full_name, roles, password, language):
    """Create an account; prints its invitation link unless a password is given."""
    if services.email_taken(email):
        raise click.ClickException(f"An account with the email {email} already exists.")
    user, token = services.create_user(
        services.ProfileData(full_name=full_name, email=email, language=language),
        roles,
        created_by=None,
    )
    if password:
        if len(password) < services.PASSWORD_MIN:
            raise click.ClickException(
                f"The password must have at least {services.PASSWORD_MIN} characters."
            )
        user.set_password(password)
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.role_names))}.")
    if not password:
        click.echo(f"Invitation link path: /invitation/{token}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLE_NAMES))
@click.option("--remove", is_flag=True, help="Take the role away instead of giving it.")
def set_role(email, role, remove):
    """Give a role to an account (or take it away with --remove)."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    roles = set(user.role_names)
    roles.discard(role) if remove else roles.add(role)
    if not roles:
        raise click.ClickException("An account must keep at least one role.")
    from lms import audit

    old = sorted(user.role_names)
    user.set_roles(roles)
    audit.record("user.roles_changed", target=user, old=old, new=sorted(user.role_names),
                 via="cli")
    db.session.commit()
    click.echo(f"{user.email} now has roles: {', '.join(sorted(user.role_names))}.")


@demo_cli.command("load")
def load_demo():
    """Create the demonstration programme if the database has no accounts yet."""
    from lms import demo

    if not demo.load():
        click.echo("Accounts exist already; the demo was not loaded again.")
    click.echo(f"Demo logins (password for each: {demo.PASSWORD}):")
    for role, email in demo.logins():
        click.echo(f"  {role:<9} {email}")


@demo_cli.command("generate")
@click.option("--officials", default=1000, show_default=True, type=click.IntRange(1))
@click.option("--cohorts", default=None, type=click.IntRange(1),
              help="Default: one cohort per 50 officials.")
@click.option("--sessions", "sessions_per_cohort", default=6, show_default=True,
              type=click.IntRange(1, 50))
@click.option("--seed", default=2017, show_default=True, type=int)
def generate_command(officials, cohorts, sessions_per_cohort, seed):
    """Write a large, realistic programme for benchmarks (load the courses first)."""
    import time

    from lms.scale_data import PASSWORD, generate

    started = time.perf_counter()
    result = generate(officials, cohorts or max(1, officials // 50),
                      sessions_per_cohort=sessions_per_cohort, seed=seed)
    click.echo(
        f"Generated {result.officials} officials, {result.trainers} trainers, "
        f"{result.cohorts} cohorts, {result.sessions} sessions, {result.attendance} "
        f"attendance records, {result.progress} lessons read, {result.attempts} quiz attempts "
        f"in {time.perf_counter() - started:.0f} s. Password of every account: {PASSWORD}"
    )


def register(app: Flask) -> None:
    from lms.certificates.cli import certificates_cli
    from lms.content.cli import content_cli
    from lms.plans.cli import plans_cli
    from lms.quizzes.cli import quizzes_cli
    from lms.reports.cli import reports_cli
    from lms.surveys.cli import surveys_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(quizzes_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(surveys_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(reports_cli)
