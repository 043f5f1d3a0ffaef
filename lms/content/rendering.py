"""Render lesson Markdown to sanitised HTML, with a table of contents and a reading time.

Python-Markdown passes raw HTML in the source through untouched, so its output is treated
as untrusted whoever wrote the text: nh3 then keeps only an explicit allow-list of tags,
attributes, classes and URL schemes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

# About 200 words a minute: civil servants read these official texts carefully, and many
# read them in a second language.
WORDS_PER_MINUTE = 200

# `attr_list` (and `md_in_html`, `codehilite`...) are deliberately absent: attr_list lets
# authors write `{onclick=...}` or `{style=...}` after any element.
MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "footnotes", "toc", "sane_lists")
_MARKDOWN_CONFIG = {
    # Keep Cyrillic letters in anchors ("#что-такое-x-road") instead of dropping them,
    # and switch off the `[TOC]` marker: the app draws the contents from `headings`.
    "toc": {"slugify": slugify_unicode, "marker": ""},
    # `align="right"` instead of `style="text-align: right"`, so no style attribute is needed.
    "tables": {"use_align_attribute": True},
}

ALLOWED_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6",
        "p", "br", "hr", "blockquote",
        "ul", "ol", "li",
        "table", "thead", "tbody", "tr", "th", "td",
        "pre", "code",
        "em", "strong", "del",
        "a", "img",
        "sup", "div",  # footnote references and the footnote list
    }
)  # fmt: skip

# Dropped together with everything inside them, not just unwrapped: their content is code,
# markup or form controls, never text meant for the reader.
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset",
        "object", "embed", "applet", "svg", "math", "textarea", "select", "xmp",
        "noembed", "noframes", "title",
    }
)  # fmt: skip

_ATTRIBUTES = {
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    # Footnotes: <sup id="fnref:1"> points at <li id="fn:1"> and back.
    "sup": {"id"},
    "li": {"id"},
}
# Only these classes survive, and only on these tags: the ones Python-Markdown's footnotes use.
_ALLOWED_CLASSES = {
    "div": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}
_TAG_ATTRIBUTE_VALUES = {
    "th": {"align": {"left", "center", "right"}},
    "td": {"align": {"left", "center", "right"}},
}
# Relative URLs (lesson links, "#fn:1", "/static/...") are allowed too: nh3 passes them through.
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# Generated anchors are slugs ("что-такое-x-road_1") or footnote ids ("fn:1", "fnref2:1");
# anything else (quotes, spaces, "javascript:...") in an id is dropped.
_SAFE_ID = re.compile(r"[\w.:-]{1,200}")
_DIGITS = re.compile(r"\d{1,6}")

# A lesson file of the same module: "02-x-road.md", optionally "./02-x-road.md#anchor".
LESSON_FILE_PATTERN = re.compile(r"(?P<position>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md")
_LESSON_LINK = re.compile(
    r"(?:\./)?(?P<name>" + LESSON_FILE_PATTERN.pattern + r")(?P<fragment>#.*)?"
)

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")

LessonLinkResolver = Callable[[str], str | None]
"""Maps a lesson file name ("02-x-road.md") to the lesson's URL in the app, or None."""


@dataclass(frozen=True)
class Heading:
    """One heading of a rendered text, for a table of contents."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class RenderedMarkdown:
    """Sanitised HTML of a Markdown text and facts about it."""

    html: str
    headings: list[Heading]
    word_count: int
    reading_minutes: int


def render_markdown(
    text: str, *, link_resolver: LessonLinkResolver | None = None
) -> RenderedMarkdown:
    """Render Markdown to sanitised HTML; with `link_resolver`, also rewrite lesson links."""
    html = sanitize_html(_convert(text))
    if link_resolver is not None:
        html = rewrite_lesson_links(html, link_resolver)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    # Joined without spaces so "X-<em>Road</em>" stays one word; blocks end in newlines.
    words = len(_WORD.findall("".join(collector.text)))
    return RenderedMarkdown(
        html=html,
        headings=collector.headings,
        word_count=words,
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
    )


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes, classes and URL schemes of `html`."""
    return _clean(html, {})


def rewrite_lesson_links(html: str, resolver: LessonLinkResolver) -> str:
    """Point links to lesson files ("02-x-road.md#part") at the URLs `resolver` returns.

    The resolver gets the file name and returns a URL, or None for an unknown lesson, whose
    link then loses its href (the text stays). The result is sanitised like any other
    output, so a resolver returning a `javascript:` URL cannot open a hole.
    """
    html = sanitize_html(html)
    # nh3 swallows exceptions raised inside its attribute callback (and drops the
    # attribute), so the resolver is called here, where its errors reach the caller.
    urls = {name: resolver(name) for name in _lesson_links_in_html(html)}
    if not urls:
        return html
    rewritten = _clean(html, urls)
    # nh3 checks URL schemes before calling the attribute filter, so the resolver's URLs
    # have not been checked yet: one more pass does it.
    return sanitize_html(rewritten)


def find_lesson_links(text: str) -> list[str]:
    """Return the lesson file names that Markdown `text` links to, in order, without repeats.

    The Markdown is rendered first, so links inside code are not counted, and reference
    links (`[x][ref]` ... `[ref]: 02-x.md`) are.
    """
    return _lesson_links_in_html(sanitize_html(_convert(text)))


def parse_lesson_link(href: str) -> tuple[str, str] | None:
    """Split a lesson link into (file name, fragment), or return None if it is not one."""
    match = _LESSON_LINK.fullmatch(href.strip())
    if match is None:
        return None
    return match["name"], match["fragment"] or ""


def _convert(text: str) -> str:
    # A fresh Markdown object per call: instances keep state (footnotes, used anchors)
    # and are not safe to share between threads.
    md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), extension_configs=_MARKDOWN_CONFIG)
    return md.convert(text)


def _clean(html: str, lesson_urls: Mapping[str, str | None]) -> str:
    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if _SAFE_ID.fullmatch(value) else None
        if attribute == "start":
            return value if _DIGITS.fullmatch(value) else None
        if tag == "a" and attribute == "href" and lesson_urls:
            link = parse_lesson_link(value)
            if link is not None and link[0] in lesson_urls:
                url = lesson_urls[link[0]]
                return None if url is None else url + link[1]
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT_TAGS),
        attributes=_ATTRIBUTES,
        attribute_filter=filter_attribute,
        allowed_classes=_ALLOWED_CLASSES,
        tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _lesson_links_in_html(html: str) -> list[str]:
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    names: dict[str, None] = {}  # a dict keeps the first-seen order
    for href in collector.hrefs:
        link = parse_lesson_link(href)
        if link is not None:
            names.setdefault(link[0], None)
    return list(names)


class _LinkCollector(HTMLParser):
    """Collects the href of every <a>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


class _TextCollector(HTMLParser):
    """Collects the visible text and the headings (with an id) of sanitised HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.headings: list[Heading] = []
        self._heading: tuple[int, str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            anchor = dict(attrs).get("id")
            if anchor:
                self._heading = (int(tag[1]), anchor, [])

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading[0]}":
            level, anchor, parts = self._heading
            self.headings.append(Heading(level, " ".join("".join(parts).split()), anchor))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading[2].append(data)
