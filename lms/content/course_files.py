"""Read and write the built-in curriculum folders (`courses/<module>/<language>/*.md`).

The layout, one folder per module and one sub-folder per language::

    courses/<module-slug>/<lang>/module.md       YAML front matter + optional introduction
    courses/<module-slug>/<lang>/NN-<lesson>.md  YAML front matter (title, kind) + Markdown
    courses/<module-slug>/<lang>/questions.gift  optional Moodle GIFT questions

Loading checks everything it can and reports all problems of a module at once (with file
and line), because the files are written by hand and a fix-one-rerun loop is slow. A module
with any problem is refused as a whole, so an importer never applies half a module.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from lms.content.rendering import LESSON_FILE_PATTERN, find_lesson_links, render_markdown

LANGUAGES = ("en", "ru", "be")
COUNTRIES = ("EE", "RS", "LV", "INT")
LEVELS = ("all", "central", "local")
LESSON_KINDS = ("lesson", "case-study", "discussion")
TOPICS = (
    "services",
    "interoperability",
    "digital-identity",
    "once-only",
    "measurement",
    "e-participation",
    "legal-framework",
    "institutions",
    "open-data",
    "service-centres",
    "regional",
    "planning",
    "change-management",
)

MODULE_FILE = "module.md"
GIFT_FILE = "questions.gift"

# Front matter keys, in the order the writer puts them (the order of the format description).
MODULE_KEYS = (
    "title",
    "summary",
    "country",
    "topics",
    "level",
    "language",
    "order",
    "objectives",
    "sources",
)
SOURCE_KEYS = ("title", "publisher", "url", "year")
LESSON_KEYS = ("title", "kind")
_OPTIONAL_SOURCE_KEYS = frozenset({"year"})

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FRONT_MATTER_DELIMITER = "---"
# Bumped when the canonical form changes, so old fingerprints never match new ones by accident.
_FINGERPRINT_VERSION = 1


@dataclass(frozen=True)
class CourseProblem:
    """One thing wrong in the course files; `line` is 1-based, None when it is not about a line."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"


class CourseFileError(Exception):
    """Raised with every problem found in a module (or a course folder) at once."""

    def __init__(self, problems: Iterable[CourseProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the course files:\n{lines}")


@dataclass(frozen=True)
class SourceRef:
    """A document a module is based on, cited in the module's list of sources."""

    title: str
    publisher: str
    url: str
    year: int | None = None


@dataclass(frozen=True)
class LessonSource:
    """One lesson file: `NN-<slug>.md`, where NN is its position in the module."""

    slug: str
    position: int
    title: str
    kind: str
    body_markdown: str

    @property
    def filename(self) -> str:
        return lesson_filename(self.position, self.slug)


@dataclass(frozen=True)
class ModuleTranslationSource:
    """A module's files in one language folder."""

    language: str
    title: str
    summary: str
    country: str
    topics: list[str]
    level: str
    order: int
    objectives: list[str]
    sources: list[SourceRef]
    intro_markdown: str
    lessons: list[LessonSource]
    gift_text: str | None = None

    def fingerprint(self) -> str:
        """Return a sha256 hex digest of the content, equal exactly when the content is."""
        return _sha256_json({"version": _FINGERPRINT_VERSION, "translation": asdict(self)})


@dataclass(frozen=True)
class ModuleSource:
    """A module folder: its slug (the folder name) and its translations by language code."""

    slug: str
    translations: dict[str, ModuleTranslationSource]

    def fingerprint(self) -> str:
        """Return a sha256 hex digest over the slug and every translation's fingerprint."""
        return _sha256_json(
            {
                "version": _FINGERPRINT_VERSION,
                "slug": self.slug,
                "translations": {
                    language: translation.fingerprint()
                    for language, translation in self.translations.items()
                },
            }
        )


@dataclass(frozen=True)
class CourseTree:
    """The result of loading a course folder: the good modules and, by folder, the bad ones."""

    modules: list[ModuleSource]
    problems: dict[str, list[CourseProblem]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def all_problems(self) -> list[CourseProblem]:
        return [problem for problems in self.problems.values() for problem in problems]


def lesson_filename(position: int, slug: str) -> str:
    """Return the file name of a lesson: `lesson_filename(2, "x-road")` is "02-x-road.md"."""
    return f"{position:02d}-{slug}.md"


# ---------------------------------------------------------------------------------------
# Loading


def load_course_tree(root: Path) -> CourseTree:
    """Load every module folder under `root`; a broken module lands in `problems`, not `modules`.

    Files directly in `root` (a README) and hidden folders are ignored. Raises
    CourseFileError only when `root` itself is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise CourseFileError([CourseProblem(root, None, "the course folder does not exist")])
    modules: list[ModuleSource] = []
    problems: dict[str, list[CourseProblem]] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            modules.append(load_module_folder(entry))
        except CourseFileError as error:
            problems[entry.name] = error.problems
    return CourseTree(modules=modules, problems=problems)


def load_module_folder(path: Path) -> ModuleSource:
    """Load one module folder, or raise CourseFileError listing all of its problems."""
    path = Path(path)
    problems = _Problems()
    if not path.is_dir():
        raise CourseFileError([CourseProblem(path, None, "the module folder does not exist")])
    if not SLUG_PATTERN.fullmatch(path.name):
        problems.add(
            path, "a module folder name must be a slug: lowercase letters, digits and hyphens"
        )
    translations: dict[str, ModuleTranslationSource] = {}
    for entry in _visible_entries(path):
        if not entry.is_dir():
            problems.add(
                entry,
                "unexpected file: a module folder holds only language folders "
                f"({', '.join(LANGUAGES)})",
            )
        elif entry.name not in LANGUAGES:
            problems.add(
                entry,
                f"unknown language folder {entry.name!r} (expected one of {', '.join(LANGUAGES)})",
            )
        else:
            translation = _load_translation(entry, problems)
            if translation is not None:
                translations[entry.name] = translation
    if not translations and not problems:
        problems.add(path, f"no language folder ({', '.join(LANGUAGES)}) found")
    _check_translations_agree(path, translations, problems)
    if problems:
        raise CourseFileError(problems)
    ordered = {
        language: translations[language] for language in LANGUAGES if language in translations
    }
    return ModuleSource(slug=path.name, translations=ordered)


class _Problems(list[CourseProblem]):
    """The problems found so far; `add` keeps the many call sites short."""

    def add(self, path: Path, message: str, line: int | None = None) -> None:
        self.append(CourseProblem(path, line, message))


@dataclass
class _Document:
    """A Markdown file split into front matter and body, with file lines for YAML keys."""

    path: Path
    meta: Any
    body: str
    body_line: int
    # ("sources", 0, "url") -> line of that key in the file; () -> the opening "---".
    lines: dict[tuple[Any, ...], int]

    def line(self, *key: Any) -> int:
        # Fall back to the closest enclosing key that has a line, then to the "---" line.
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)


class _Checker:
    """Collects problems about one document; records whether any was found."""

    def __init__(self, document: _Document, problems: _Problems) -> None:
        self.document = document
        self.problems = problems
        self.failed = False

    def add(self, message: str, *key: Any, line: int | None = None) -> None:
        self.failed = True
        if line is None:
            line = self.document.line(*key)
        self.problems.add(self.document.path, message, line=line)

    def keys(
        self,
        mapping: dict[Any, Any],
        allowed: tuple[str, ...],
        optional: Iterable[str],
        *prefix: Any,
        what: str,
    ) -> None:
        """Report unknown keys in `mapping` and required keys missing from it."""
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                self.add(
                    f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)}){suggestion}",
                    *prefix,
                    key,
                )
        for key in allowed:
            if key not in mapping and key not in optional:
                self.add(f"missing required key {key!r} in {what}", *prefix)

    def text(self, mapping: dict[Any, Any], key: str, *prefix: Any) -> str:
        """Return mapping[key] if it is non-empty text; report it otherwise."""
        value = mapping.get(key)
        if key not in mapping:
            return ""
        if not isinstance(value, str):
            self.add(f"{key!r} must be text, not {_yaml_type(value)}", *prefix, key)
            return ""
        if not value.strip():
            self.add(f"{key!r} must not be empty", *prefix, key)
        return value

    def choice(self, mapping: dict[Any, Any], key: str, choices: tuple[str, ...]) -> str:
        """Return mapping[key] if it is one of `choices`; report it otherwise."""
        if key not in mapping:
            return ""
        value = mapping[key]
        if value not in choices:
            # YAML reads `no`, `on`, `1` as booleans and numbers: show what it understood.
            shown = repr(value) if isinstance(value, str) else f"{value!r} ({_yaml_type(value)})"
            self.add(f"unknown {key} {shown}: expected one of {', '.join(choices)}", key)
            return ""
        return value

    def text_list(self, mapping: dict[Any, Any], key: str) -> list[str]:
        """Return mapping[key] if it is a non-empty list of non-empty texts; report it otherwise."""
        if key not in mapping:
            return []
        value = mapping[key]
        if not isinstance(value, list):
            self.add(f"{key!r} must be a list, not {_yaml_type(value)}", key)
            return []
        if not value:
            self.add(f"{key!r} must list at least one item", key)
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add(f"item {index + 1} of {key!r} must be non-empty text", key, index)
            else:
                items.append(item)
        return items


def _load_translation(folder: Path, problems: _Problems) -> ModuleTranslationSource | None:
    """Load one language folder; add its problems to `problems` and return None if any."""
    count_before = len(problems)
    language = folder.name
    lesson_paths: list[tuple[int, str, Path]] = []
    has_module_file = False
    gift_path: Path | None = None
    for entry in _visible_entries(folder):
        name = entry.name
        if entry.is_dir():
            problems.add(entry, "unexpected folder in a language folder")
        elif name == MODULE_FILE:
            has_module_file = True
        elif name == GIFT_FILE:
            gift_path = entry
        elif match := LESSON_FILE_PATTERN.fullmatch(name):
            lesson_paths.append((int(match["position"]), match["slug"], entry))
        elif name.endswith(".md"):
            problems.add(
                entry,
                "bad lesson file name: expected NN-<slug>.md with a two-digit position and "
                "a lowercase slug, such as 01-introduction.md",
            )
        else:
            problems.add(
                entry,
                f"unexpected file: a language folder holds {MODULE_FILE}, lesson files "
                f"(NN-<slug>.md) and {GIFT_FILE}",
            )

    module_doc = None
    if has_module_file:
        module_doc = _read_document(folder / MODULE_FILE, problems)
    else:
        problems.add(folder / MODULE_FILE, f"missing {MODULE_FILE}")
    module_fields = _check_module_meta(module_doc, language, problems) if module_doc else None

    lessons: list[LessonSource] = []
    lesson_docs: list[_Document] = []
    seen_positions: dict[int, Path] = {}
    seen_slugs: dict[str, Path] = {}
    for position, slug, lesson_path in lesson_paths:
        if position == 0:
            problems.add(lesson_path, "lesson positions start at 01")
        if position in seen_positions:
            problems.add(
                lesson_path,
                f"duplicate lesson position {position:02d} (also {seen_positions[position].name})",
            )
        seen_positions.setdefault(position, lesson_path)
        if slug in seen_slugs:
            problems.add(
                lesson_path, f"duplicate lesson slug {slug!r} (also {seen_slugs[slug].name})"
            )
        seen_slugs.setdefault(slug, lesson_path)
        document = _read_document(lesson_path, problems)
        if document is None:
            continue
        lesson_docs.append(document)
        lesson = _check_lesson(document, slug, position, problems)
        if lesson is not None:
            lessons.append(lesson)

    # Links between lessons and the module introduction must point at files that exist here.
    existing = {path.name for _, _, path in lesson_paths}
    for document in ([module_doc] if module_doc else []) + lesson_docs:
        _check_document_body(document, existing, problems)

    gift_text = None
    if gift_path is not None:
        gift_text = _read_text(gift_path, problems)

    if len(problems) > count_before or module_fields is None:
        return None
    lessons.sort(key=lambda lesson: lesson.position)
    return ModuleTranslationSource(
        **module_fields,
        intro_markdown=module_doc.body if module_doc else "",
        lessons=lessons,
        gift_text=gift_text,
    )


def _check_module_meta(
    document: _Document, language: str, problems: _Problems
) -> dict[str, Any] | None:
    """Validate module.md front matter; return the fields for ModuleTranslationSource."""
    check = _Checker(document, problems)
    meta = document.meta
    if not isinstance(meta, dict):
        check.add("the front matter must be a set of `key: value` lines")
        return None
    check.keys(meta, MODULE_KEYS, (), what="module.md")

    title = check.text(meta, "title")
    summary = check.text(meta, "summary")
    country = check.choice(meta, "country", COUNTRIES)
    level = check.choice(meta, "level", LEVELS)
    declared_language = check.choice(meta, "language", LANGUAGES)
    if declared_language and declared_language != language:
        check.add(
            f"language {declared_language!r} does not match the folder name {language!r}",
            "language",
        )

    topics = check.text_list(meta, "topics")
    for index, topic in enumerate(topics):
        if topic not in TOPICS:
            hint = difflib.get_close_matches(topic, TOPICS, n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            check.add(f"unknown topic {topic!r}{suggestion}", "topics", index)
    if len(set(topics)) != len(topics):
        check.add("a topic is listed twice", "topics")

    order = meta.get("order")
    if "order" in meta and (type(order) is not int or order < 0):
        check.add(f"'order' must be a whole number of 0 or more, not {order!r}", "order")

    objectives = check.text_list(meta, "objectives")
    sources = _check_sources(check, meta)

    if check.failed:
        return None
    return {
        "language": language,
        "title": title,
        "summary": summary,
        "country": country,
        "topics": topics,
        "level": level,
        "order": order,
        "objectives": objectives,
        "sources": sources,
    }


def _check_sources(check: _Checker, meta: dict[str, Any]) -> list[SourceRef]:
    """Validate the `sources` list of module.md (it may be empty, but must be there)."""
    value = meta.get("sources")
    if "sources" not in meta:
        return []
    if not isinstance(value, list):
        check.add(f"'sources' must be a list, not {_yaml_type(value)}", "sources")
        return []
    sources = []
    for index, item in enumerate(value):
        what = f"source {index + 1}"
        if not isinstance(item, dict):
            check.add(f"{what} must be a set of `key: value` lines", "sources", index)
            continue
        check.keys(item, SOURCE_KEYS, _OPTIONAL_SOURCE_KEYS, "sources", index, what=what)
        title = check.text(item, "title", "sources", index)
        publisher = check.text(item, "publisher", "sources", index)
        url = check.text(item, "url", "sources", index)
        if url.strip():
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                check.add(
                    f"the url of {what} must start with https:// or http://",
                    "sources",
                    index,
                    "url",
                )
        year = item.get("year")
        if year is not None and (type(year) is not int or not 1000 <= year <= 9999):
            check.add(
                f"the year of {what} must be a four-digit year, not {year!r}",
                "sources",
                index,
                "year",
            )
        sources.append(SourceRef(title=title, publisher=publisher, url=url, year=year))
    return sources


def _check_lesson(
    document: _Document, slug: str, position: int, problems: _Problems
) -> LessonSource | None:
    """Validate a lesson file's front matter; return the lesson, or None if it has problems."""
    check = _Checker(document, problems)
    meta = document.meta
    if not isinstance(meta, dict):
        check.add("the front matter must be a set of `key: value` lines")
        return None
    check.keys(meta, LESSON_KEYS, (), what="a lesson file")
    title = check.text(meta, "title")
    kind = check.choice(meta, "kind", LESSON_KINDS)
    if check.failed:
        return None
    return LessonSource(
        slug=slug, position=position, title=title, kind=kind, body_markdown=document.body
    )


def _check_document_body(document: _Document, lesson_files: set[str], problems: _Problems) -> None:
    """Check the Markdown body: links to lessons that exist, no top-level (#) headings."""
    for name in find_lesson_links(document.body):
        if name not in lesson_files:
            problems.add(
                document.path,
                f"link to a lesson that does not exist in this folder: {name}",
                line=_body_line(document, re.escape(name)),
            )
    # The page shows the title as its only <h1>; the body starts its headings at ##.
    if any(heading.level == 1 for heading in render_markdown(document.body).headings):
        problems.add(
            document.path,
            "headings in the text start at ## (the title is the page's # heading)",
            line=_body_line(document, r"^#[^#]"),
        )


def _body_line(document: _Document, pattern: str) -> int:
    """Return the file line of the first body line matching `pattern`, or the body's start."""
    for offset, text in enumerate(document.body.split("\n")):
        if re.search(pattern, text):
            return document.body_line + offset
    return document.body_line


def _check_translations_agree(
    path: Path, translations: dict[str, ModuleTranslationSource], problems: _Problems
) -> None:
    """Report language-independent facts that differ between the translations of a module."""
    if len(translations) < 2:
        return
    languages = [language for language in LANGUAGES if language in translations]
    reference = translations[languages[0]]
    reference_lessons = {lesson.filename: lesson for lesson in reference.lessons}
    for language in languages[1:]:
        translation = translations[language]
        module_file = path / language / MODULE_FILE
        for name in ("country", "level", "order", "topics"):
            theirs, ours = getattr(translation, name), getattr(reference, name)
            if theirs != ours:
                problems.add(
                    module_file,
                    f"{name} {theirs!r} differs from the {reference.language} version ({ours!r})",
                )
        # A translation may lack lessons (it is then incomplete, and the app says so), but a
        # lesson file present in two languages is the same lesson and must be of one kind.
        lessons = {lesson.filename: lesson for lesson in translation.lessons}
        for name in sorted(lessons.keys() & reference_lessons.keys()):
            if lessons[name].kind != reference_lessons[name].kind:
                problems.add(
                    path / language / name,
                    f"kind {lessons[name].kind!r} differs from the {reference.language} "
                    f"version ({reference_lessons[name].kind!r})",
                )


def _visible_entries(folder: Path) -> list[Path]:
    # Hidden files (.DS_Store, editor swap files) are not part of the course.
    return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))


def _read_text(path: Path, problems: _Problems) -> str | None:
    """Read a UTF-8 file with "\\n" line ends; report it and return None if that fails."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.add(path, f"cannot read the file: {error.strerror}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(path, "the file is not UTF-8 text; save it with UTF-8 encoding", line=line)
        return None
    # Editors on Windows may add a byte order mark and "\r\n" line ends; neither is content.
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_document(path: Path, problems: _Problems) -> _Document | None:
    """Read a Markdown file with YAML front matter; report problems and return None on failure."""
    text = _read_text(path, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != _FRONT_MATTER_DELIMITER:
        problems.add(
            path,
            "missing YAML front matter: the file must start with a line '---', then the "
            "keys, then another '---' line",
            line=1,
        )
        return None
    closing = next(
        (
            index
            for index in range(1, len(lines))
            if lines[index].rstrip() == _FRONT_MATTER_DELIMITER
        ),
        None,
    )
    if closing is None:
        problems.add(path, "the front matter is not closed: no second '---' line", line=1)
        return None
    yaml_text = "\n".join(lines[1:closing]) + "\n"
    # The YAML starts on line 2 of the file; YAML marks count lines from 0.
    first_yaml_line = 2
    loader = _StrictLoader(yaml_text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_yaml_line if mark is not None else 1
        detail = error.problem or "cannot be parsed"
        context = f" ({error.context})" if error.context else ""
        # An unclosed bracket or quote is found lines later: say where it was opened.
        if error.context and error.context_mark and error.context_mark is not mark:
            context = f" ({error.context} that starts on line "
            context += f"{error.context_mark.line + first_yaml_line})"
        problems.add(path, f"broken YAML front matter: {detail}{context}", line=line)
        return None
    except yaml.YAMLError as error:
        problems.add(path, f"broken YAML front matter: {error}", line=1)
        return None
    finally:
        loader.dispose()
    key_lines: dict[tuple[Any, ...], int] = {(): 1}
    if node is not None:
        _collect_lines(node, (), first_yaml_line, key_lines)
    body_lines = lines[closing + 1 :]
    # The body starts at its first non-blank line, as _normalise_body drops the blank ones.
    blank = next((i for i, text in enumerate(body_lines) if text.strip(" \t")), len(body_lines))
    return _Document(
        path=path,
        meta=meta,
        body=_normalise_body("\n".join(body_lines)),
        body_line=closing + 2 + blank,
        lines=key_lines,
    )


def _normalise_body(body: str) -> str:
    # Blank lines around the body carry no meaning; dropping them makes load/write/load stable.
    # Leading spaces on the first line do carry meaning (indented code), so only whole
    # blank lines are removed at the start.
    return re.sub(r"\A(?:[ \t]*\n)+", "", body).rstrip()


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Resolve `<<` merge keys first, as SafeLoader does, so they are not taken for keys.
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _collect_lines(
    node: yaml.Node, prefix: tuple[Any, ...], offset: int, lines: dict[tuple[Any, ...], int]
) -> None:
    """Record the file line of every mapping key and list item under `node`."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = prefix + (key_node.value,)
                lines[key] = key_node.start_mark.line + offset
                _collect_lines(value_node, key, offset, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = prefix + (index,)
            lines[key] = item.start_mark.line + offset
            _collect_lines(item, key, offset, lines)


def _yaml_type(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a set of keys",
    }.get(type(value), type(value).__name__)


def _sha256_json(value: Any) -> str:
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------
# Writing


def write_module_folder(module: ModuleSource, path: Path) -> None:
    """Write `module` into folder `path` (named after its slug) in the course file format.

    Files the format owns (module.md, NN-*.md, questions.gift) that `module` no longer has
    are deleted from each written language folder, so loading the folder gives `module`
    back. Other files, and language folders `module` has no translation for, are left alone.
    """
    path = Path(path)
    if path.name != module.slug:
        raise ValueError(f"the folder of module {module.slug!r} must be named after it: {path}")
    for language, translation in module.translations.items():
        if language != translation.language:
            raise ValueError(f"translation {translation.language!r} is filed under {language!r}")
        for lesson in translation.lessons:
            if not (1 <= lesson.position <= 99 and SLUG_PATTERN.fullmatch(lesson.slug)):
                raise ValueError(
                    f"lesson {lesson.position!r} {lesson.slug!r} has no valid file name"
                )
    for language, translation in module.translations.items():
        folder = path / language
        folder.mkdir(parents=True, exist_ok=True)
        files = translation_files(translation)
        for name, text in files.items():
            _write_text(folder / name, text)
        written = set(files)
        for entry in folder.iterdir():
            owned = entry.name == GIFT_FILE or LESSON_FILE_PATTERN.fullmatch(entry.name)
            if owned and entry.name not in written and entry.is_file():
                entry.unlink()


def translation_files(translation: ModuleTranslationSource) -> dict[str, str]:
    """The text of each file of one language folder, by file name, as they would be written."""
    files = {MODULE_FILE: _document_text(_module_meta(translation), translation.intro_markdown)}
    for lesson in translation.lessons:
        meta = {"title": lesson.title, "kind": lesson.kind}
        files[lesson.filename] = _document_text(meta, lesson.body_markdown)
    if translation.gift_text is not None:
        files[GIFT_FILE] = translation.gift_text
    return files


class _FlowList(list):
    """A list written on one line: `topics: [services, open-data]`, as authors write it."""


class _Dumper(yaml.SafeDumper):
    """Writes front matter as authors do: topics on one line, list items indented under
    their key, and no `&id001` aliases when two lists happen to be the same object."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML writes "objectives:\n- item"; the format's examples indent: "  - item".
        super().increase_indent(flow, False)


_Dumper.add_representer(
    _FlowList,
    lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
)


def _module_meta(translation: ModuleTranslationSource) -> dict[str, Any]:
    # Built key by key so the written order is MODULE_KEYS whatever the dataclass order is.
    sources = []
    for source in translation.sources:
        item: dict[str, Any] = {
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
        }
        if source.year is not None:
            item["year"] = source.year
        sources.append(item)
    meta = {
        "title": translation.title,
        "summary": translation.summary,
        "country": translation.country,
        "topics": _FlowList(translation.topics),
        "level": translation.level,
        "language": translation.language,
        "order": translation.order,
        "objectives": list(translation.objectives),
        "sources": sources,
    }
    return meta


def _document_text(meta: dict[str, Any], body: str) -> str:
    front_matter = yaml.dump(
        meta,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,  # never fold long titles over several lines
    )
    body = _normalise_body(body)
    return f"---\n{front_matter}---\n" + (f"\n{body}\n" if body else "")


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
