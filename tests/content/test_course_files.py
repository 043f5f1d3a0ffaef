"""Tests for lms.content.course_files: loading, validating and writing module folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lms.content.course_files import (
    CourseFileError,
    CourseProblem,
    LessonSource,
    ModuleSource,
    ModuleTranslationSource,
    SourceRef,
    lesson_filename,
    load_course_tree,
    load_module_folder,
    write_module_folder,
)

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample-module"
REPO_COURSES = Path(__file__).resolve().parents[2] / "courses"


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    """A copy of the sample module (en + ru) that a test may break."""
    target = tmp_path / "courses" / "estonia"
    shutil.copytree(SAMPLE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(path: Path) -> list[CourseProblem]:
    with pytest.raises(CourseFileError) as caught:
        load_module_folder(path)
    assert caught.value.problems, "CourseFileError without problems"
    return caught.value.problems


def find_problem(problems: list[CourseProblem], text: str) -> CourseProblem:
    matching = [problem for problem in problems if text in problem.message]
    assert matching, f"no problem mentions {text!r}: {[str(p) for p in problems]}"
    return matching[0]


def make_module(slug: str = "digital-latvia", **changes: object) -> ModuleSource:
    """A module built in code, with text that YAML likes to misread."""
    fields: dict[str, object] = {
        "language": "ru",
        "title": "Латвия: yes, no: «цифровое» государство #1",
        "summary": "Строка с 'кавычками', \"двойными\" и: двоеточием.\nВторая строка.",
        "country": "LV",
        "topics": ["services", "open-data"],
        "level": "local",
        "order": 0,
        "objectives": ["Описать портал Latvija.lv.", "123", "true"],
        "sources": [
            SourceRef("Закон об управлении", "Saeima", "https://likumi.lv/ta/id/1", 2019),
            SourceRef("Без года", "VARAM", "http://www.varam.gov.lv/?a=1&b=2"),
        ],
        "intro_markdown": "    indented code first\n\nthen text",
        "lessons": [
            LessonSource("portal", 1, "Портал: Latvija.lv", "lesson", "## Раздел\n\nТекст."),
            LessonSource("debate", 12, "---", "discussion", "Ссылка на [портал](01-portal.md)."),
        ],
        "gift_text": "::Q1:: Вопрос? {T}\n",
    }
    fields.update(changes)
    translation = ModuleTranslationSource(**fields)  # type: ignore[arg-type]
    return ModuleSource(slug=slug, translations={translation.language: translation})


# --- Loading a good module ---------------------------------------------------------------


def test_load_sample_module(module_dir: Path) -> None:
    module = load_module_folder(module_dir)
    assert module.slug == "estonia"
    assert list(module.translations) == ["en", "ru"]
    en = module.translations["en"]
    assert en.language == "en"
    assert en.title == "Estonia: building a digital state"
    assert en.country == "EE"
    assert en.topics == ["interoperability", "digital-identity", "institutions"]
    assert en.level == "all"
    assert en.order == 2
    assert en.objectives[0] == "Explain how X-Road lets registers exchange data."
    assert en.sources == [
        SourceRef(
            title="Data Exchange Layer X-Road",
            publisher="Information System Authority (RIA)",
            url="https://www.ria.ee/en/state-information-system/x-tee.html",
            year=2023,
        ),
        SourceRef(
            title="e-Estonia guide",
            publisher="e-Estonia Briefing Centre",
            url="https://e-estonia.com/",
            year=None,
        ),
    ]
    assert en.intro_markdown.startswith("This module follows Estonia")
    assert [(lesson.position, lesson.slug, lesson.kind) for lesson in en.lessons] == [
        (1, "introduction", "lesson"),
        (2, "x-road", "case-study"),
    ]
    assert en.lessons[0].title == "Introduction"
    assert en.lessons[0].body_markdown.startswith("## Why Estonia")
    assert en.lessons[1].body_markdown.endswith("```")
    assert en.gift_text is not None and "X-Road is a data exchange layer" in en.gift_text
    assert module.translations["ru"].gift_text is None


def test_cyrillic_text_is_read_as_written(module_dir: Path) -> None:
    ru = load_module_folder(module_dir).translations["ru"]
    assert ru.title == "Эстония: строительство цифрового государства"
    assert ru.lessons[1].title == "X-Road — слой обмена данными"
    assert ru.sources[0].publisher == "Департамент государственной инфосистемы (RIA)"


def test_lesson_filename() -> None:
    assert lesson_filename(2, "x-road") == "02-x-road.md"
    assert LessonSource("x-road", 2, "t", "lesson", "").filename == "02-x-road.md"


def test_windows_line_ends_and_bom_are_accepted(module_dir: Path) -> None:
    path = module_dir / "en" / "02-x-road.md"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    lesson = load_module_folder(module_dir).translations["en"].lessons[1]
    assert lesson.title == "X-Road, the data exchange layer"
    assert "\r" not in lesson.body_markdown


def test_hidden_files_are_ignored(module_dir: Path) -> None:
    (module_dir / ".DS_Store").write_bytes(b"\x00\x01")
    (module_dir / "en" / ".01-introduction.md.swp").write_bytes(b"\xff")
    load_module_folder(module_dir)


def test_objects_are_frozen(module_dir: Path) -> None:
    module = load_module_folder(module_dir)
    with pytest.raises(AttributeError):
        module.translations["en"].title = "x"  # type: ignore[misc]


# --- Problems ------------------------------------------------------------------------------

# Each case breaks the sample module in one way and names the file, line and message expected.
Breaker = Callable[[Path], None]


def _write(relative: str, text: str | bytes) -> Breaker:
    def breaker(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    return breaker


def _edit(relative: str, old: str, new: str) -> Breaker:
    return lambda root: edit(root / relative, old, new)


def _rename(relative: str, new_name: str) -> Breaker:
    return lambda root: (root / relative).rename((root / relative).with_name(new_name))


def _both(*breakers: Breaker) -> Breaker:
    def breaker(root: Path) -> None:
        for each in breakers:
            each(root)

    return breaker


EN = "en/module.md"
LESSON = "en/01-introduction.md"
PROBLEM_CASES = [
    pytest.param(
        _write(LESSON, "---\ntitle: Caf\xe9\n".encode("latin-1")),
        LESSON,
        2,
        "not UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        _write(LESSON, "# Introduction\n\nNo front matter.\n"),
        LESSON,
        1,
        "missing YAML front matter",
        id="no-front-matter",
    ),
    pytest.param(
        _write(LESSON, "---\ntitle: Introduction\nkind: lesson\n\nBody.\n"),
        LESSON,
        1,
        "not closed",
        id="unclosed-front-matter",
    ),
    pytest.param(
        _write(LESSON, "---\ntitle: Intro\nkind: lesson\n  bad: indentation\n---\nBody.\n"),
        LESSON,
        4,
        "broken YAML",
        id="broken-yaml",
    ),
    pytest.param(
        _write(LESSON, '---\nkind: lesson\ntitle: "unclosed\n---\nBody.\n'),
        LESSON,
        4,
        "broken YAML",
        id="unclosed-quote",
    ),
    pytest.param(
        _write(LESSON, "---\ntitle: A\nkind: lesson\ntitle: B\n---\n"),
        LESSON,
        4,
        "duplicate key 'title'",
        id="duplicate-key",
    ),
    pytest.param(
        _write(LESSON, "---\n- title\n- kind\n---\n"),
        LESSON,
        1,
        "must be a set of `key: value` lines",
        id="front-matter-not-mapping",
    ),
    pytest.param(
        _write(LESSON, "---\n---\nBody.\n"),
        LESSON,
        1,
        "must be a set of `key: value` lines",
        id="empty-front-matter",
    ),
    pytest.param(
        _edit(EN, "summary: How Estonia", "# summary: How Estonia"),
        EN,
        1,
        "missing required key 'summary'",
        id="missing-summary",
    ),
    pytest.param(
        _edit(LESSON, "kind: lesson\n", ""),
        LESSON,
        1,
        "missing required key 'kind'",
        id="missing-kind",
    ),
    pytest.param(
        _edit(EN, 'title: "Estonia: building a digital state"', 'title: "  "'),
        EN,
        2,
        "'title' must not be empty",
        id="empty-title",
    ),
    pytest.param(
        _edit(LESSON, "title: Introduction", "title:"),
        LESSON,
        2,
        "'title' must be text, not nothing",
        id="null-title",
    ),
    pytest.param(
        _edit(EN, "country: EE", "country: BY"),
        EN,
        4,
        "unknown country 'BY'",
        id="unknown-country",
    ),
    pytest.param(
        _edit(EN, "country: EE", "country: NO"),
        EN,
        4,
        "unknown country False (true/false)",
        id="country-read-as-boolean",
    ),
    pytest.param(
        _edit(EN, "level: all", "level: regional"),
        EN,
        6,
        "unknown level 'regional'",
        id="unknown-level",
    ),
    pytest.param(
        _edit(EN, "digital-identity, institutions", "digital-identity, e-services"),
        EN,
        5,
        "unknown topic 'e-services'; did you mean 'services'?",
        id="unknown-topic",
    ),
    pytest.param(
        _edit(EN, "topics: [interoperability, digital-identity, institutions]", "topics: []"),
        EN,
        5,
        "'topics' must list at least one item",
        id="no-topics",
    ),
    pytest.param(
        _edit(EN, "language: en", "language: de"),
        EN,
        7,
        "unknown language 'de'",
        id="unknown-language",
    ),
    pytest.param(
        _edit(EN, "language: en", "language: ru"),
        EN,
        7,
        "does not match the folder name 'en'",
        id="language-not-folder",
    ),
    pytest.param(
        _edit(EN, "order: 2", "order: second"),
        EN,
        8,
        "'order' must be a whole number",
        id="bad-order",
    ),
    pytest.param(
        _edit(EN, "order: 2", "order: 2\nauthor: Someone"),
        EN,
        9,
        "unknown key 'author'",
        id="unknown-module-key",
    ),
    pytest.param(
        _edit(LESSON, "kind: lesson", "kind: lesson\ntitel: Intro"),
        LESSON,
        4,
        "unknown key 'titel' in a lesson file (allowed: title, kind); did you mean 'title'?",
        id="unknown-lesson-key",
    ),
    pytest.param(
        _edit(LESSON, "kind: lesson", "kind: lecture"),
        LESSON,
        3,
        "unknown kind 'lecture'",
        id="unknown-kind",
    ),
    pytest.param(
        _edit(EN, "    year: 2023", "    year: 2023\n    pages: 10"),
        EN,
        17,
        "unknown key 'pages' in source 1",
        id="unknown-source-key",
    ),
    pytest.param(
        _edit(EN, "    url: https://e-estonia.com/", "    url: e-estonia.com"),
        EN,
        19,
        "the url of source 2 must start with https://",
        id="bad-source-url",
    ),
    pytest.param(
        _edit(EN, "    year: 2023", "    year: 23"),
        EN,
        16,
        "four-digit year",
        id="bad-source-year",
    ),
    pytest.param(
        _edit(EN, "    publisher: e-Estonia Briefing Centre\n", ""),
        EN,
        17,
        "missing required key 'publisher' in source 2",
        id="source-without-publisher",
    ),
    pytest.param(
        _rename(LESSON, "1-introduction.md"),
        "en/1-introduction.md",
        None,
        "bad lesson file name",
        id="one-digit-position",
    ),
    pytest.param(
        _rename(LESSON, "01-Introduction.md"),
        "en/01-Introduction.md",
        None,
        "bad lesson file name",
        id="uppercase-slug",
    ),
    pytest.param(
        _write("en/notes.txt", "scratch"),
        "en/notes.txt",
        None,
        "unexpected file",
        id="unexpected-file",
    ),
    pytest.param(
        _write("en/images/map.png", b"png"),
        "en/images",
        None,
        "unexpected folder",
        id="unexpected-folder",
    ),
    pytest.param(
        _both(
            _write("en/01-other.md", "---\ntitle: Other\nkind: lesson\n---\n"),
            _write("ru/01-other.md", "---\ntitle: Другой\nkind: lesson\n---\n"),
        ),
        "en/01-other.md",
        None,
        "duplicate lesson position 01 (also 01-introduction.md)",
        id="duplicate-position",
    ),
    pytest.param(
        _both(
            _write("en/03-introduction.md", "---\ntitle: Again\nkind: lesson\n---\n"),
            _write("ru/03-introduction.md", "---\ntitle: Снова\nkind: lesson\n---\n"),
        ),
        "en/03-introduction.md",
        None,
        "duplicate lesson slug 'introduction'",
        id="duplicate-slug",
    ),
    pytest.param(
        _both(
            _rename("en/02-x-road.md", "00-x-road.md"),
            _rename("ru/02-x-road.md", "00-x-road.md"),
        ),
        "en/00-x-road.md",
        None,
        "lesson positions start at 01",
        id="position-zero",
    ),
    pytest.param(
        _edit(LESSON, "[X-Road](02-x-road.md#how-it-works)", "[X-Road](03-x-road.md)"),
        LESSON,
        8,
        "link to a lesson that does not exist in this folder: 03-x-road.md",
        id="link-to-missing-lesson",
    ),
    pytest.param(
        _edit(EN, "[introduction](01-introduction.md)", "[introduction](01-intro.md)"),
        EN,
        22,
        "link to a lesson that does not exist in this folder: 01-intro.md",
        id="intro-link-to-missing-lesson",
    ),
    pytest.param(
        _edit(LESSON, "## Why Estonia", "# Why Estonia"),
        LESSON,
        6,
        "headings in the text start at ##",
        id="h1-in-lesson",
    ),
    pytest.param(
        _write("de/module.md", "---\ntitle: Estland\n---\n"),
        "de",
        None,
        "unknown language folder 'de'",
        id="unknown-language-folder",
    ),
    pytest.param(
        _write("README.md", "notes"),
        "README.md",
        None,
        "unexpected file: a module folder holds only language folders",
        id="file-in-module-folder",
    ),
    pytest.param(
        lambda root: (root / "ru" / "module.md").unlink(),
        "ru/module.md",
        None,
        "missing module.md",
        id="missing-module-file",
    ),
    pytest.param(
        _edit("ru/module.md", "country: EE", "country: LV"),
        "ru/module.md",
        None,
        "country 'LV' differs from the en version ('EE')",
        id="translations-disagree-on-country",
    ),
    pytest.param(
        _edit("ru/module.md", "order: 2", "order: 3"),
        "ru/module.md",
        None,
        "order 3 differs from the en version (2)",
        id="translations-disagree-on-order",
    ),
    pytest.param(
        _edit("ru/02-x-road.md", "kind: case-study", "kind: lesson"),
        "ru/02-x-road.md",
        None,
        "kind 'lesson' differs from the en version ('case-study')",
        id="translations-disagree-on-kind",
    ),
]


@pytest.mark.parametrize(("breaker", "relative", "line", "message"), PROBLEM_CASES)
def test_problem_is_reported_with_file_and_line(
    module_dir: Path, breaker: Breaker, relative: str, line: int | None, message: str
) -> None:
    breaker(module_dir)
    problem = find_problem(problems_of(module_dir), message)
    assert problem.path == module_dir / relative
    assert problem.line == line


def test_unreadable_file_is_reported(module_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which reads any file whatever its mode, so fake the failure.
    broken = module_dir / "en" / "02-x-road.md"
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == broken:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    problem = find_problem(problems_of(module_dir), "cannot read the file: Permission denied")
    assert problem.path == broken


def test_all_problems_are_collected_before_raising(module_dir: Path) -> None:
    edit(module_dir / "en" / "module.md", "country: EE", "country: XX")
    edit(module_dir / "en" / "module.md", "level: all", "level: everyone")
    edit(module_dir / "ru" / "01-introduction.md", "kind: lesson", "kind: lecture")
    (module_dir / "ru" / "03-Bad Name.md").write_text("x", encoding="utf-8")
    problems = problems_of(module_dir)
    for text in ("unknown country 'XX'", "unknown level 'everyone'", "unknown kind 'lecture'"):
        find_problem(problems, text)
    find_problem(problems, "bad lesson file name")
    assert len(problems) == 4


def test_error_message_lists_every_problem(module_dir: Path) -> None:
    edit(module_dir / "en" / "module.md", "country: EE", "country: XX")
    edit(module_dir / "ru" / "module.md", "level: all", "level: everyone")
    with pytest.raises(CourseFileError) as caught:
        load_module_folder(module_dir)
    text = str(caught.value)
    assert "2 problem(s)" in text
    assert f"{module_dir / 'en' / 'module.md'}:4: unknown country 'XX'" in text
    assert "unknown level 'everyone'" in text


def test_module_folder_name_must_be_a_slug(tmp_path: Path) -> None:
    target = tmp_path / "Estonia_2"
    shutil.copytree(SAMPLE, target)
    find_problem(problems_of(target), "module folder name must be a slug")


def test_empty_module_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    find_problem(problems_of(tmp_path / "empty"), "no language folder")


def test_missing_module_folder(tmp_path: Path) -> None:
    find_problem(problems_of(tmp_path / "nothing"), "does not exist")


def test_lesson_links_inside_code_are_not_checked(module_dir: Path) -> None:
    edit(module_dir / "en" / "01-introduction.md", "## Why Estonia", "`[x](09-nowhere.md)`")
    load_module_folder(module_dir)


def test_single_language_module_is_fine(module_dir: Path) -> None:
    shutil.rmtree(module_dir / "ru")
    assert list(load_module_folder(module_dir).translations) == ["en"]


# --- Loading a tree ------------------------------------------------------------------------


def test_load_course_tree_separates_good_and_bad_modules(module_dir: Path) -> None:
    root = module_dir.parent
    shutil.copytree(SAMPLE, root / "latvia")
    edit(root / "latvia" / "en" / "module.md", "country: EE", "country: XX")
    shutil.copytree(SAMPLE, root / "serbia")
    (root / "README.md").write_text("Course folder notes.", encoding="utf-8")
    (root / ".git").mkdir()

    tree = load_course_tree(root)
    assert [module.slug for module in tree.modules] == ["estonia", "serbia"]
    assert list(tree.problems) == ["latvia"]
    assert not tree.ok
    [problem] = tree.problems["latvia"]
    assert problem.path == root / "latvia" / "en" / "module.md"
    assert problem.line == 4
    assert tree.all_problems() == [problem]


def test_load_course_tree_of_good_modules_is_ok(module_dir: Path) -> None:
    tree = load_course_tree(module_dir.parent)
    assert tree.ok
    assert tree.problems == {}
    assert tree.all_problems() == []


def test_load_course_tree_needs_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CourseFileError):
        load_course_tree(tmp_path / "missing")


def test_the_real_courses_folder_has_no_problems() -> None:
    if not REPO_COURSES.is_dir() or not any(
        entry.is_dir() and not entry.name.startswith(".") for entry in REPO_COURSES.iterdir()
    ):
        pytest.skip("courses/ has no modules yet")
    tree = load_course_tree(REPO_COURSES)
    assert tree.all_problems() == [], "\n".join(str(p) for p in tree.all_problems())
    assert tree.modules


# --- Writing and round trips ---------------------------------------------------------------


def test_round_trip_of_sample_module(module_dir: Path, tmp_path: Path) -> None:
    module = load_module_folder(module_dir)
    target = tmp_path / "out" / "estonia"
    write_module_folder(module, target)
    again = load_module_folder(target)
    assert again == module
    assert again.fingerprint() == module.fingerprint()


def test_round_trip_of_module_built_in_code(tmp_path: Path) -> None:
    module = make_module()
    target = tmp_path / "digital-latvia"
    write_module_folder(module, target)
    assert load_module_folder(target) == module


def test_written_files_are_readable_utf8_in_format_order(tmp_path: Path) -> None:
    write_module_folder(make_module(), tmp_path / "digital-latvia")
    text = (tmp_path / "digital-latvia" / "ru" / "module.md").read_text(encoding="utf-8")
    assert "Латвия" in text
    assert "\\u" not in text  # allow_unicode: no escaped Cyrillic
    keys = [
        line.split(":")[0]
        for line in text.split("---\n")[1].splitlines()
        if line and not line.startswith(" ")
    ]
    assert keys == [
        "title",
        "summary",
        "country",
        "topics",
        "level",
        "language",
        "order",
        "objectives",
        "sources",
    ]
    assert "topics: [services, open-data]\n" in text
    assert "objectives:\n  - " in text
    lesson = (tmp_path / "digital-latvia" / "ru" / "01-portal.md").read_text(encoding="utf-8")
    assert lesson == "---\ntitle: 'Портал: Latvija.lv'\nkind: lesson\n---\n\n## Раздел\n\nТекст.\n"
    assert (tmp_path / "digital-latvia" / "ru" / "12-debate.md").exists()
    gift = (tmp_path / "digital-latvia" / "ru" / "questions.gift").read_text(encoding="utf-8")
    assert gift == "::Q1:: Вопрос? {T}\n"


def test_writing_twice_gives_the_same_bytes(module_dir: Path, tmp_path: Path) -> None:
    module = load_module_folder(module_dir)
    first, second = tmp_path / "a" / "estonia", tmp_path / "b" / "estonia"
    write_module_folder(module, first)
    write_module_folder(load_module_folder(first), second)
    for path in sorted(first.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_writer_removes_lessons_the_module_no_longer_has(module_dir: Path) -> None:
    module = load_module_folder(module_dir)
    en = module.translations["en"]
    shorter = ModuleSource(
        slug="estonia",
        translations={
            "en": ModuleTranslationSource(
                **{**en.__dict__, "lessons": en.lessons[:1], "gift_text": None}
            )
        },
    )
    (module_dir / "en" / "notes.txt").write_text("keep me", encoding="utf-8")
    write_module_folder(shorter, module_dir)
    assert not (module_dir / "en" / "02-x-road.md").exists()
    assert not (module_dir / "en" / "questions.gift").exists()
    assert (module_dir / "en" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_writer_needs_the_folder_named_after_the_slug(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="named after"):
        write_module_folder(make_module(), tmp_path / "other-name")


def test_writer_rejects_lessons_without_a_valid_file_name(tmp_path: Path) -> None:
    bad = make_module(lessons=[LessonSource("Bad Slug", 1, "t", "lesson", "")])
    with pytest.raises(ValueError, match="valid file name"):
        write_module_folder(bad, tmp_path / "digital-latvia")


# --- Fingerprints --------------------------------------------------------------------------


def test_fingerprint_is_stable_and_content_based() -> None:
    first = make_module().translations["ru"]
    second = make_module().translations["ru"]
    assert first is not second
    assert first.fingerprint() == second.fingerprint()
    assert len(first.fingerprint()) == 64
    int(first.fingerprint(), 16)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Другое название"},
        {"topics": ["open-data", "services"]},  # order of topics counts
        {"order": 1},
        {"intro_markdown": "    indented code first\n\nthen text."},
        {"gift_text": None},
        {"sources": []},
        {"lessons": [LessonSource("portal", 1, "Портал: Latvija.lv", "lesson", "## Раздел")]},
    ],
)
def test_fingerprint_changes_with_content(change: dict[str, object]) -> None:
    original = make_module().translations["ru"]
    changed = make_module(**change).translations["ru"]
    assert original.fingerprint() != changed.fingerprint()


def test_module_fingerprint_covers_slug_and_translations(module_dir: Path) -> None:
    module = load_module_folder(module_dir)
    renamed = ModuleSource(slug="estonia-2", translations=module.translations)
    only_en = ModuleSource(slug="estonia", translations={"en": module.translations["en"]})
    fingerprints = {module.fingerprint(), renamed.fingerprint(), only_en.fingerprint()}
    assert len(fingerprints) == 3


def test_fingerprint_survives_a_round_trip_through_files(tmp_path: Path) -> None:
    module = make_module()
    write_module_folder(module, tmp_path / "digital-latvia")
    loaded = load_module_folder(tmp_path / "digital-latvia")
    assert loaded.translations["ru"].fingerprint() == module.translations["ru"].fingerprint()


def test_a_translation_missing_a_lesson_loads_as_incomplete(module_dir: Path) -> None:
    (module_dir / "ru" / "02-x-road.md").unlink()
    text = (module_dir / "ru" / "01-introduction.md").read_text(encoding="utf-8")
    (module_dir / "ru" / "01-introduction.md").write_text(
        text.replace("[X-Road](02-x-road.md#как-это-работает)", "X-Road"), encoding="utf-8"
    )
    module = load_module_folder(module_dir)
    assert [lesson.filename for lesson in module.translations["ru"].lessons] == [
        "01-introduction.md"
    ]
    assert len(module.translations["en"].lessons) == 2
