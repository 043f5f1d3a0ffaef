"""Bar charts drawn as SVG on the server: no script, no external service, readable in grey.

Every bar carries its label and its value as text, so the chart reads without colour, and
the SVG has a title and a description for screen readers; pages show the same numbers in a
table beside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from markupsafe import Markup, escape

_ids = itertools.count(1)

ROW_HEIGHT = 28
BAR_AREA = 360
VALUE_WIDTH = 70
# Room for labels: a glyph of the 14px font (Cyrillic included) is about 9px wide.
CHAR_WIDTH = 9
LABEL_LIMIT = 34


def _fmt(value: float | int | str) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def horizontal_bars(title: str, rows: Sequence[tuple[str, float | None, str]],
                    description: str) -> Markup:
    """One bar per row: (label, value or None when hidden, text shown at the bar's end).

    A hidden value (a small cell shown as "<5") gets no bar, only its text.
    """
    chart_id = f"chart-{next(_ids)}"
    labels = [_clip(label) for label, _value, _shown in rows]
    label_width = 16 + CHAR_WIDTH * max((len(label) for label in labels), default=4)
    top = max((value for _, value, _ in rows if value is not None), default=0) or 1
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    width = label_width + BAR_AREA + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for index, ((_label, value, shown), label) in enumerate(zip(rows, labels, strict=True)):
        y = 4 + index * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{label_width - 8}" y="{middle}" text-anchor="end" '
            f'font-size="14" fill="#1b1f24">{escape(label)}</text>'
        )
        length = 0 if value is None else BAR_AREA * value / top
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" '
                f'height="{ROW_HEIGHT - 8}" fill="#0b4f8a"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{middle}" font-size="14" '
            f'fill="#1b1f24">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is fixed markup.
    return Markup("".join(parts))  # noqa: S704


def _clip(label: str, limit: int = LABEL_LIMIT) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
