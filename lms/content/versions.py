"""The history of a published module: snapshots, comparing two of them, restoring one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import sqlalchemy as sa

from lms.content.course_files import ModuleSource, translation_files
from lms.content.models import ModuleVersion
from lms.extensions import db


def record_version(
    module, source: ModuleSource, *, actor=None, note: str = ""
) -> ModuleVersion | None:
    """Keep a snapshot of the module unless it equals the latest one. Returns the new version."""
    from lms.content.importing import source_to_dict

    fingerprint = source.fingerprint()
    latest = latest_version(module.id) if module.id else None
    if latest is not None and latest.fingerprint == fingerprint:
        return None
    version = ModuleVersion(
        module_id=module.id,
        number=(latest.number + 1) if latest else 1,
        snapshot=source_to_dict(source),
        fingerprint=fingerprint,
        note=note[:255],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    return version


def latest_version(module_id: int) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion)
        .where(ModuleVersion.module_id == module_id)
        .order_by(ModuleVersion.number.desc())
        .limit(1)
    )


def version_list(module_id: int) -> list[ModuleVersion]:
    # Only the columns the list shows: snapshots can be large.
    return list(
        db.session.scalars(
            sa.select(ModuleVersion)
            .where(ModuleVersion.module_id == module_id)
            .order_by(ModuleVersion.number.desc())
            .options(sa.orm.defer(ModuleVersion.snapshot))
        )
    )


def get_version(module_id: int, number: int) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion).where(
            ModuleVersion.module_id == module_id, ModuleVersion.number == number
        )
    )


@dataclass(frozen=True)
class FileDiff:
    path: str  # "ru/02-x-road.md"
    status: str  # "added", "removed" or "changed"
    lines: list[tuple[str, str]]  # (kind, text): kind is "add", "del", "hunk" or "same"


def _files(source: ModuleSource) -> dict[str, str]:
    files = {}
    for language, translation in source.translations.items():
        for name, text in translation_files(translation).items():
            files[f"{language}/{name}"] = text
    return files


def compare(old: ModuleSource, new: ModuleSource) -> list[FileDiff]:
    """Line differences between two versions, file by file, in the courses/ layout."""
    before, after = _files(old), _files(new)
    diffs = []
    for path in sorted(before.keys() | after.keys()):
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        lines = []
        for line in difflib.unified_diff(
            (a or "").splitlines(), (b or "").splitlines(), lineterm="", n=2
        ):
            if line.startswith(("---", "+++")):
                continue
            kind = {"@": "hunk", "+": "add", "-": "del"}.get(line[:1], "same")
            lines.append((kind, line[1:] if kind != "hunk" else line))
        diffs.append(FileDiff(path, status, lines))
    return diffs
