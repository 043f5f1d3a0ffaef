"""`flask --app lms content import|export`: the built-in curriculum as files."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.content.course_files import write_module_folder
from lms.content.importing import export_module, import_tree, load_module
from lms.content.models import Module
from lms.extensions import db

content_cli = AppGroup("content", help="Seminar modules as files (the courses/ folder).")


@content_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_command(folder: Path):
    """Load every module under FOLDER, or the module FOLDER itself; unchanged ones stay."""
    from lms.quizzes.builtin import load_shipped_questions

    report = import_tree(folder)
    for outcome in report.outcomes:
        languages = load_shipped_questions(outcome.module)
        loaded = f"; questions and pre/post tests in {', '.join(languages)}" if languages else ""
        click.echo(f"{outcome.slug}: {outcome.status}{loaded}")
    db.session.commit()
    for slug, problems in report.problems.items():
        click.echo(f"{slug}: NOT imported, {len(problems)} problem(s):", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    if report.problems:
        raise SystemExit(1)


@content_cli.command("export")
@click.argument("slug")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(slug: str, folder: Path):
    """Write module SLUG into FOLDER/SLUG in the courses/ format."""
    module_id = db.session.scalar(sa.select(Module.id).where(Module.slug == slug))
    if module_id is None:
        raise click.ClickException(f"No module {slug!r}.")
    target = folder / slug
    write_module_folder(export_module(load_module(module_id)), target)
    click.echo(f"Written to {target}")
