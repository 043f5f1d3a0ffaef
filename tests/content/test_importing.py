"""Loading the courses/ folder: idempotent, versioned, all-or-nothing per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from lms.content.course_files import load_course_tree, write_module_folder
from lms.content.importing import export_module, load_module
from lms.content.models import Lesson, Module, ModuleVersion
from lms.extensions import db
from tests.content import builders

COURSES = Path(__file__).resolve().parents[2] / "courses"


def _write(tmp_path: Path, *sources) -> Path:
    root = tmp_path / "courses"
    for source in sources:
        write_module_folder(source, root / source.slug)
    return root


def test_import_twice_changes_nothing_the_second_time(runner, tmp_path):
    root = _write(tmp_path, builders.module_source("estonia"), builders.module_source("serbia"))
    first = runner.invoke(args=["content", "import", str(root)])
    assert first.exit_code == 0, first.output
    assert "estonia: created" in first.output
    second = runner.invoke(args=["content", "import", str(root)])
    assert "estonia: unchanged" in second.output and "serbia: unchanged" in second.output
    assert db.session.scalar(sa.select(sa.func.count(ModuleVersion.id))) == 2


def test_a_changed_file_creates_a_new_version(runner, tmp_path):
    root = _write(tmp_path, builders.module_source("estonia"))
    runner.invoke(args=["content", "import", str(root)])
    lesson = root / "estonia" / "en" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Text 1", "Revised text 1"),
                      encoding="utf-8")
    result = runner.invoke(args=["content", "import", str(root)])
    assert "estonia: updated" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ModuleVersion.id))) == 2


def test_a_broken_module_is_reported_with_path_and_line_and_not_half_applied(runner, tmp_path):
    root = _write(tmp_path, builders.module_source("estonia"), builders.module_source("serbia"))
    runner.invoke(args=["content", "import", str(root)])
    broken = root / "serbia" / "en" / "module.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("level: all", "level: [oops"),
                      encoding="utf-8")
    lesson = root / "serbia" / "ru" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Text 1", "Changed"),
                      encoding="utf-8")
    result = runner.invoke(args=["content", "import", str(root)])
    assert result.exit_code == 1
    assert "serbia: NOT imported" in result.output
    assert "serbia/en/module.md:" in result.output
    serbia = db.session.scalar(sa.select(Module).where(Module.slug == "serbia"))
    texts = [t.body_markdown for lesson in serbia.lessons for t in lesson.translations]
    assert not any("Changed" in text for text in texts)


def test_the_built_in_curriculum_loads_and_exports_back_to_the_same_files(runner, tmp_path):
    result = runner.invoke(args=["content", "import", str(COURSES)])
    assert result.exit_code == 0, result.output
    slugs = set(db.session.scalars(sa.select(Module.slug)))
    assert {"foundations", "estonia", "serbia", "latvia", "planning"} <= slugs
    for module_id in db.session.scalars(sa.select(Module.id)):
        module = load_module(module_id)
        assert module.is_published and {t.language for t in module.translations} >= {"en", "ru"}
        target = tmp_path / "export" / module.slug
        write_module_folder(export_module(module), target)
        for path in (COURSES / module.slug).rglob("*"):
            if path.is_file():
                exported = target / path.relative_to(COURSES / module.slug)
                assert exported.read_bytes() == path.read_bytes(), path


def test_every_built_in_module_has_three_to_six_lessons_with_a_case_study():
    tree = load_course_tree(COURSES)
    assert tree.ok, tree.all_problems()
    for module in tree.modules:
        for translation in module.translations.values():
            kinds = [lesson.kind for lesson in translation.lessons]
            assert 3 <= len([k for k in kinds if k != "discussion"]) <= 6, module.slug
            assert "case-study" in kinds and kinds[-1] == "discussion", module.slug
            assert translation.objectives and translation.sources


def test_lessons_keep_their_identity_when_files_are_renumbered(tmp_path, app):
    from lms.content.importing import import_module

    first = import_module(builders.module_source("estonia", lessons=2), publish=True)
    db.session.commit()
    ids = {lesson.slug: lesson.id for lesson in first.module.lessons}
    source = builders.module_source("estonia", lessons=2)
    reordered = {
        language: t.__class__(**{**t.__dict__, "lessons": [
            lesson.__class__(**{**lesson.__dict__, "position": 3 - lesson.position})
            for lesson in t.lessons]})
        for language, t in source.translations.items()
    }
    import_module(source.__class__(source.slug, reordered))
    db.session.commit()
    lessons = db.session.scalars(sa.select(Lesson).order_by(Lesson.position)).all()
    assert [(lesson.slug, lesson.id) for lesson in lessons] == [
        ("lesson-2", ids["lesson-2"]), ("lesson-1", ids["lesson-1"])]
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_one_module_folder_can_be_imported_on_its_own(runner, tmp_path):
    root = _write(tmp_path, builders.module_source("latvia", country="LV"))
    result = runner.invoke(args=["content", "import", str(root / "latvia")])
    assert result.exit_code == 0, result.output
    assert "latvia: created" in result.output
