"""`flask --app lms quizzes ...`: GIFT imports, pre/post-test pairs, closing overdue attempts."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.content.models import Module
from lms.extensions import db
from lms.quizzes import attempts, bank, building
from lms.quizzes.gift import GiftError

quizzes_cli = AppGroup("quizzes", help="Question banks and quiz attempts.")


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _module(slug: str) -> Module:
    module = db.session.scalar(sa.select(Module).filter_by(slug=slug))
    if module is None:
        raise click.ClickException(f"No module with the slug {slug!r}.")
    return module


@quizzes_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--module", "slug", required=True, help="Slug of the module whose bank gets them.")
@click.option("--language", default="en", type=click.Choice(["en", "ru", "be"]))
def import_gift_command(file: Path, slug: str, language: str):
    """Import every question of a GIFT file into a module's bank, or none if it has errors."""
    module = _module(slug)
    try:
        result = bank.import_gift(module, file.read_bytes(), language, created_by=None)
    except GiftError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.ClickException(f"Nothing was imported from {file}.") from None
    db.session.commit()
    click.echo(f"Imported {_count(result.questions, 'question')} in "
               f"{_count(result.categories, 'category', 'categories')} into the bank of {slug}.")


@quizzes_cli.command("create-pair")
@click.option("--module", "slug", required=True)
@click.option("--language", default="en", type=click.Choice(["en", "ru", "be"]))
def create_pair_command(slug: str, language: str):
    """Create a published pre-test and post-test from the module's knowledge-check questions."""
    module = _module(slug)
    try:
        pre, post = building.create_pre_post_pair(module, created_by=None, language=language)
    except LookupError:
        raise click.ClickException(
            f"The bank of {slug} has no questions in {building.knowledge_check_path(module)}."
        ) from None
    db.session.commit()
    click.echo(f"Created the pre-test {pre.id} and the post-test {post.id} "
               f"with {_count(len(pre.slots), 'question')} each.")


@quizzes_cli.command("close-overdue")
def close_overdue_command():
    """Close and grade every attempt left open past its deadline."""
    closed = attempts.close_overdue()
    db.session.commit()
    click.echo(f"Closed {_count(closed, 'overdue attempt')}.")
