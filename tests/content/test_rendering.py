"""Tests for lms.content.rendering: sanitising, Markdown features, lesson links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lms.content.rendering import (
    WORDS_PER_MINUTE,
    Heading,
    find_lesson_links,
    parse_lesson_link,
    render_markdown,
    rewrite_lesson_links,
    sanitize_html,
)

# The test keeps its own allow-list instead of importing the module's, so that widening the
# module's list by mistake makes these tests fail.
ALLOWED = {
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "p": set(),
    "br": set(),
    "hr": set(),
    "blockquote": set(),
    "ul": set(),
    "ol": {"start"},
    "li": {"id"},
    "table": set(),
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": {"align"},
    "td": {"align"},
    "pre": set(),
    "code": set(),
    "em": set(),
    "strong": set(),
    "del": set(),
    "a": {"href", "title", "rel", "class"},
    "img": {"src", "alt", "title"},
    "sup": {"id"},
    "div": {"class"},
}
ALLOWED_CLASSES = {"footnote", "footnote-ref", "footnote-backref"}
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "svg", "math", "link", "meta", "base", "body", "html",
    "template", "noscript", "details", "video", "audio", "source", "marquee", "xss",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}

XSS_PAYLOADS = [
    # Script and its disguises.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input onfocus=alert(1) autofocus>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<xss id=x tabindex=1 onfocus=alert(1)></xss>",
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    '<a href="mailto:x@example.com" onmouseover=alert(1)>m</a>',
    '<h2 id="x" onmouseover="alert(1)">x</h2>',
    '<sup id="x" onclick="alert(1)">1</sup>',
    # javascript:, vbscript: and data: URLs, in Markdown and HTML form, plain and encoded.
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](jav&#x0A;ascript:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](<javascript:alert(1)>)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="&#14;javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](vbscript:msgbox(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=javascript:alert(1)>",
    '<img srcset="javascript:alert(1) 1x">',
    "![x](javascript:alert(1))",
    # Reference links and autolinks.
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "![x][evil]\n\n[evil]: javascript:alert(1)",
    '[x][evil]\n\n[evil]: javascript:alert(1) "title"',
    "<javascript:alert(1)>",
    '<http://example.com" onmouseover="alert(1)>',
    # Attribute injection through quotes in titles.
    '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
    "[x](https://example.com 'a\" onmouseover=\"alert(1)')",
    '![x](https://example.com/a.png "t\\" onerror=\\"alert(1)")',
    '[x](https://example.com" onmouseover="alert(1))',
    # Frames, objects, forms, styles.
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="position:fixed;top:0;left:0;width:100%">x</div>',
    '<a href="https://example.com" class="btn" style="color:red">x</a>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<a href="https://example.com" rel="opener" target="_blank">x</a>',
    # Payloads inside Markdown structures.
    "Text[^1]\n\n[^1]: <img src=x onerror=alert(1)> [x](javascript:alert(1))",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
    "- <svg onload=alert(1)>\n- [x](javascript:alert(1))",
    # attr_list syntax, which must stay plain text.
    "## Heading {onclick=alert(1)}",
    "## Heading {: style='color:red' }",
    '```{.python onclick="alert(1)" #x}\ncode\n```',
]


class _HtmlAudit(HTMLParser):
    """Records every tag with its attributes, to check them against the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _scheme(url: str) -> str | None:
    # Browsers ignore control characters and whitespace inside a scheme ("jav\tascript:").
    compact = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", compact)
    return match.group(1) if match else None


def assert_safe_html(html: str) -> None:
    """Fail if `html` has any tag, attribute, class or URL outside the allow-list."""
    audit = _HtmlAudit()
    audit.feed(html)
    audit.close()
    for tag, attrs in audit.elements:
        assert tag not in FORBIDDEN_TAGS, html
        assert tag in ALLOWED, f"tag <{tag}> in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert name != "style", html
            assert name in ALLOWED[tag], f"attribute {name} on <{tag}> in {html!r}"
            if name in ("href", "src"):
                scheme = _scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {html!r}"
            if name == "class":
                assert set((value or "").split()) <= ALLOWED_CLASSES, html
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer", html
    lowered = html.lower()
    for marker in ("<script", "<iframe", "<svg", "<style", "<object", "<embed", "<form", "<math"):
        assert marker not in lowered, html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload: str) -> None:
    lesson = f"## Lesson\n\nSome text before.\n\n{payload}\n\nSome text after.\n"
    result = render_markdown(lesson)
    assert_safe_html(result.html)
    # Not "after": an unclosed <style> or <math> rightly swallows the rest of the text.
    assert "Some text before." in result.html


def test_payload_list_is_long() -> None:
    assert len(XSS_PAYLOADS) >= 40


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitize_html_alone_neutralises_payload(payload: str) -> None:
    assert_safe_html(sanitize_html(payload))


def test_the_audit_itself_catches_dangerous_html() -> None:
    # Guards against a test that passes because it checks nothing.
    for bad in (
        '<a href="javascript:alert(1)" rel="noopener noreferrer">x</a>',
        '<img src="x" onerror="alert(1)">',
        "<script>alert(1)</script>",
        '<p style="color:red">x</p>',
        '<a href="https://example.com">no rel</a>',
    ):
        with pytest.raises(AssertionError):
            assert_safe_html(bad)


def test_script_content_is_dropped_not_shown() -> None:
    html = render_markdown("Hello <script>alert('x')</script> world\n\nNext paragraph.").html
    assert "alert" not in html
    assert "world" in html
    assert "Next paragraph." in html


def test_safe_links_keep_their_urls_and_get_rel() -> None:
    html = render_markdown(
        '[site](https://example.com/a?b=1 "Title") [plain](http://example.com) '
        "[mail](mailto:info@example.com) [page](/modules/x) [anchor](#part)"
    ).html
    assert 'href="https://example.com/a?b=1"' in html
    assert 'title="Title"' in html
    assert 'href="http://example.com"' in html
    assert 'href="mailto:info@example.com"' in html
    assert 'href="/modules/x"' in html
    assert 'href="#part"' in html
    assert html.count('rel="noopener noreferrer"') == 5
    assert_safe_html(html)


def test_images_keep_src_alt_and_title() -> None:
    html = render_markdown('![Map of X-Road](https://example.com/map.png "The map")').html
    assert '<img alt="Map of X-Road" src="https://example.com/map.png" title="The map">' in html


def test_autolinks_work() -> None:
    html = render_markdown("See <https://www.ria.ee> or write to <info@example.com>.").html
    assert 'href="https://www.ria.ee"' in html
    assert 'href="mailto:info@example.com"' in html


def test_tables() -> None:
    html = render_markdown(
        "| Country | Year |\n|:--------|-----:|\n| Estonia | 2001 |\n| Latvia  | 2006 |"
    ).html
    assert "<table>" in html
    assert '<th align="left">Country</th>' in html
    assert '<td align="right">2001</td>' in html
    assert "style=" not in html


def test_table_align_attribute_only_takes_known_values() -> None:
    html = sanitize_html('<table><tr><td align="javascript:x">a</td></tr></table>')
    assert "align" not in html


def test_fenced_code_is_escaped_and_kept_verbatim() -> None:
    html = render_markdown("```python\nif a < b:\n    print('<b>')\n```").html
    assert "<pre><code>" in html
    assert "if a &lt; b:\n    print('&lt;b&gt;')" in html
    assert "class=" not in html


def test_footnotes() -> None:
    html = render_markdown("X-Road started in 2001.[^1]\n\n[^1]: RIA, *History*.").html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert 'class="footnote-backref" href="#fnref:1"' in html
    assert "<em>History</em>" in html
    assert_safe_html(html)


def test_unknown_classes_are_dropped_on_footnote_tags() -> None:
    html = sanitize_html(
        '<div class="footnote evil"><a class="footnote-ref x" href="#a">1</a></div>'
    )
    assert 'class="footnote"' in html
    assert 'class="footnote-ref"' in html
    assert "evil" not in html


def test_ids_with_odd_characters_are_dropped() -> None:
    html = sanitize_html('<h2 id="a b">x</h2><h3 id="ok-1">y</h3><li id="\'x">z</li>')
    assert "<h2>x</h2>" in html
    assert '<h3 id="ok-1">y</h3>' in html
    assert "<li>z</li>" in html


def test_ordered_list_start_is_kept_only_when_numeric() -> None:
    assert '<ol start="3">' in render_markdown("3. three\n4. four").html
    assert "start" not in sanitize_html('<ol start="x"><li>a</li></ol>')


def test_cyrillic_heading_anchors_stay_readable() -> None:
    result = render_markdown("## Что такое X-Road?\n\nТекст.\n\n### Цифровая подпись")
    assert '<h2 id="что-такое-x-road">Что такое X-Road?</h2>' in result.html
    assert '<h3 id="цифровая-подпись">' in result.html


def test_belarusian_letters_are_kept_in_anchors() -> None:
    result = render_markdown("## Электронны ўрад і паслугі")
    assert result.headings[0].anchor == "электронны-ўрад-і-паслугі"


def test_headings_list_for_table_of_contents() -> None:
    result = render_markdown(
        "## First *part*\n\ntext\n\n### Details & `code`\n\n## First part\n\n#### Deep"
    )
    assert result.headings == [
        Heading(level=2, text="First part", anchor="first-part"),
        Heading(level=3, text="Details & code", anchor="details-code"),
        Heading(level=2, text="First part", anchor="first-part_1"),
        Heading(level=4, text="Deep", anchor="deep"),
    ]


def test_toc_marker_is_not_expanded() -> None:
    html = render_markdown("[TOC]\n\n## A").html
    assert "[TOC]" in html
    assert "toc" not in html.replace("[TOC]", "")


def test_attr_list_is_not_enabled() -> None:
    html = render_markdown("## Title {#custom .big onclick=alert(1)}\n\nText{: .x}").html
    assert 'id="custom"' not in html
    assert "{#custom" in html  # shown as written, not applied


def test_reading_time_has_a_minimum_of_one_minute() -> None:
    result = render_markdown("")
    assert result.word_count == 0
    assert result.reading_minutes == 1
    assert render_markdown("Short.").reading_minutes == 1


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(WORDS_PER_MINUTE, 1), (WORDS_PER_MINUTE + 1, 2), (5 * WORDS_PER_MINUTE, 5)],
)
def test_reading_time_from_word_count(words: int, minutes: int) -> None:
    result = render_markdown(" ".join(["слово"] * words))
    assert result.word_count == words
    assert result.reading_minutes == minutes


def test_word_count_ignores_markup() -> None:
    result = render_markdown("## Два слова\n\n*X-Road* is [the layer](https://x.example).")
    # "Два", "слова", "X-Road", "is", "the", "layer"
    assert result.word_count == 6


def test_sanitising_is_idempotent() -> None:
    html = render_markdown(
        "## Раздел\n\nText[^1] [a](02-x.md) ![i](/a.png)\n\n| a |\n|--:|\n| 1 |\n\n[^1]: Note."
    ).html
    assert sanitize_html(html) == html


def test_rendered_markdown_is_frozen() -> None:
    result = render_markdown("x")
    with pytest.raises(AttributeError):
        result.html = "<script>"  # type: ignore[misc]


# --- Lesson links ----------------------------------------------------------------------


def test_find_lesson_links_in_order_without_repeats() -> None:
    text = (
        "See [one](01-intro.md), [two](02-x-road.md#how-it-works) and [one again](01-intro.md).\n\n"
        "Also [ref][r] and [dot](./03-case.md).\n\n"
        "[r]: 04-discussion.md\n"
    )
    assert find_lesson_links(text) == [
        "01-intro.md",
        "02-x-road.md",
        "04-discussion.md",
        "03-case.md",
    ]


def test_find_lesson_links_ignores_code_and_other_links() -> None:
    text = (
        "`[x](05-code.md)`\n\n"
        "    [y](06-indented.md)\n\n"
        "[web](https://example.com/07-page.md) [other](../other/en/01-x.md) [notes](notes.md) "
        "[upper](08-Bad.md) [three](123-x.md)"
    )
    assert find_lesson_links(text) == []


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("02-x-road.md", ("02-x-road.md", "")),
        ("./02-x-road.md#part", ("02-x-road.md", "#part")),
        ("02-x-road.md#что-такое", ("02-x-road.md", "#что-такое")),
        ("x-road.md", None),
        ("2-x-road.md", None),
        ("02-x_road.md", None),
        ("https://example.com/02-x.md", None),
    ],
)
def test_parse_lesson_link(href: str, expected: tuple[str, str] | None) -> None:
    assert parse_lesson_link(href) == expected


def _resolver(name: str) -> str | None:
    return {"01-intro.md": "/modules/estonia/intro", "02-x-road.md": "/modules/estonia/x-road"}.get(
        name
    )


def test_render_markdown_rewrites_lesson_links() -> None:
    html = render_markdown(
        "[a](01-intro.md) [b](02-x-road.md#how) [c](09-missing.md) [d](https://example.com)",
        link_resolver=_resolver,
    ).html
    assert 'href="/modules/estonia/intro"' in html
    assert 'href="/modules/estonia/x-road#how"' in html
    # An unknown lesson keeps its text but loses the broken link.
    assert '<a rel="noopener noreferrer">c</a>' in html
    assert 'href="https://example.com"' in html


def test_rewrite_lesson_links_on_rendered_html() -> None:
    html = render_markdown("[a](01-intro.md)").html
    assert 'href="01-intro.md"' in html
    calls: list[str] = []

    def resolver(name: str) -> str:
        calls.append(name)
        return f"/lessons/{name.removesuffix('.md')}"

    rewritten = rewrite_lesson_links(html, resolver)
    assert 'href="/lessons/01-intro"' in rewritten
    assert calls == ["01-intro.md"]


def test_resolver_is_called_once_per_file() -> None:
    calls: list[str] = []

    def resolver(name: str) -> str:
        calls.append(name)
        return "/x"

    render_markdown("[a](01-a.md) [b](01-a.md#x) [c](02-b.md)", link_resolver=resolver)
    assert calls == ["01-a.md", "02-b.md"]


@pytest.mark.parametrize(
    "bad_url",
    ["javascript:alert(1)", "jav\tascript:alert(1)", "data:text/html,x", "vbscript:x"],
)
def test_dangerous_url_from_resolver_is_dropped(bad_url: str) -> None:
    html = render_markdown("[a](01-intro.md)", link_resolver=lambda name: bad_url).html
    assert_safe_html(html)
    assert "href" not in html


def test_resolver_errors_reach_the_caller() -> None:
    def resolver(name: str) -> str:
        raise LookupError(name)

    with pytest.raises(LookupError):
        render_markdown("[a](01-intro.md)", link_resolver=resolver)


def test_resolver_is_not_applied_to_images_or_other_links() -> None:
    calls: list[str] = []

    def resolver(name: str) -> str:
        calls.append(name)
        return "/x"

    html = render_markdown("![i](01-a.md) [w](https://e.example/01-a.md)", link_resolver=resolver)
    assert calls == []
    assert 'src="01-a.md"' in html.html
