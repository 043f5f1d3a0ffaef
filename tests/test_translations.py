"""Every UI string is translated into Russian and Belarusian, and the catalogues are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lms" / "translations"


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory) -> set[str]:
    """The message ids in the code and templates now, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True,
    )
    return {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(pot) if m.id}


@pytest.mark.parametrize("language", ["ru", "be"])
def test_catalogue_translates_every_ui_string(language, extracted_ids):
    catalog = _catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    messages = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    missing = sorted(extracted_ids - messages.keys())
    assert missing == [], "run `make translations-update` and translate these"
    untranslated = sorted(
        key for key, m in messages.items()
        if key in extracted_ids and (
            m.fuzzy
            or (isinstance(m.string, str) and not m.string.strip())
            or (not isinstance(m.string, str) and not all(s.strip() for s in m.string))
        )
    )
    assert untranslated == []


@pytest.mark.parametrize("language", ["ru", "be"])
def test_translations_keep_every_placeholder(language):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    catalog = _catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set(placeholder.findall(ids[-1]))
        for string in strings:
            if string:
                assert set(placeholder.findall(string)) <= set(placeholder.findall(" ".join(ids)))
                assert wanted - {"%(num)d"} <= set(placeholder.findall(string)), message.id
