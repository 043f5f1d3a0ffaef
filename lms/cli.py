"""Command-line tasks: `flask --app lms users ...` and `flask --app lms demo ...`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from lms.accounts import services
from lms.accounts.models import Organisation, User
from lms.extensions import db
from lms.reference import Gender, GovLevel, Region
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


DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_ACCOUNTS = [
    ("official@demo.lms", "Alena Kavaliova", Role.OFFICIAL, Gender.FEMALE),
    ("trainer@demo.lms", "Maksim Ivanou", Role.TRAINER, Gender.MALE),
    ("staff@demo.lms", "Volha Shymanskaya", Role.STAFF, Gender.FEMALE),
    ("admin@demo.lms", "Siarhei Zhuk", Role.ADMIN, Gender.MALE),
]
DEMO_ORGANISATIONS = [
    ("Hrodna Oblast Executive Committee", GovLevel.LOCAL, Region.GRODNO),
    ("Mahilieu Oblast Executive Committee", GovLevel.LOCAL, Region.MOGILEV),
    ("Ministry of Communications and Informatization", GovLevel.CENTRAL, Region.MINSK_CITY),
]


@demo_cli.command("load")
def load_demo():
    """Create one demo account per role, if the database has no accounts yet."""
    if db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo("Accounts exist already; the demo was not loaded again.")
    else:
        organisations = []
        for name, level, region in DEMO_ORGANISATIONS:
            organisation = Organisation(name=name, level=level.value, region=region.value)
            db.session.add(organisation)
            organisations.append(organisation)
        db.session.flush()
        for index, (email, name, role, gender) in enumerate(DEMO_ACCOUNTS):
            organisation = organisations[index % len(organisations)]
            user, _token = services.create_user(
                services.ProfileData(
                    full_name=name,
                    email=email,
                    organisation_id=organisation.id,
                    position="Deputy head of department",
                    gov_level=organisation.level,
                    region=organisation.region,
                    gender=gender.value,
                    language="ru",
                ),
                [role],
                created_by=None,
            )
            user.set_password(DEMO_PASSWORD)
        db.session.commit()
    click.echo(f"Demo logins (password for each: {DEMO_PASSWORD}):")
    for email, _name, role, _gender in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<9} {email}")


def register(app: Flask) -> None:
    from lms.content.cli import content_cli
    from lms.quizzes.cli import quizzes_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(quizzes_cli)
