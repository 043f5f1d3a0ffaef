"""Charts are plain SVG with text on every bar, a title and a description."""

from __future__ import annotations

from html.parser import HTMLParser

from lms.reports.charts import horizontal_bars


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_every_bar_has_its_label_and_value_as_text():
    svg = horizontal_bars("Officials trained by region", [
        ("Minsk city", 12, "12"), ("Grodno oblast", 7, "7"), ("Brest oblast", None, "<5"),
    ], "Officials trained in each region")
    parser = _Tags()
    parser.feed(str(svg))
    names = [tag for tag, _ in parser.tags]
    assert names.count("rect") == 2  # the hidden cell gets no bar
    assert {"Minsk city", "12", "Grodno oblast", "7", "Brest oblast", "<5"} <= set(parser.text)
    svg_attrs = parser.tags[0][1]
    assert svg_attrs["role"] == "img" and "aria-labelledby" in svg_attrs
    assert "style" not in str(svg) and "<script" not in str(svg)


def test_labels_are_escaped():
    svg = str(horizontal_bars("<b>t</b>", [("<script>alert(1)</script>", 1, "1")], "d"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
