"""Server-rendered SVG bar charts: readable without JavaScript, with a text alternative.

No `style` attributes (the CSP forbids them): colours are presentation attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1f5f8b"
SUPPRESSED_COLOUR = "#9aa5b1"
TEXT_COLOUR = "#212529"


def bar_chart(
    *, chart_id: str, title: str, items: Sequence[Sequence[Any]], width: int = 640
) -> SafeString:
    """A horizontal bar chart of (label, value); suppressed values (strings) get no bar.

    The SVG is `role="img"` with a `<title>` and a `<desc>` listing every value, so a screen
    reader hears the figures; the table printed beside it holds the same numbers.
    """
    numbers = [v for _label, v in items if isinstance(v, int | float)]
    peak = max(numbers, default=0) or 1
    label_width = 230
    bar_space = width - label_width - 70
    row = 22
    height = row * len(items) + 8
    parts = []
    description = "; ".join(f"{label}: {value}" for label, value in items)
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                label_width - 6,
                y + 14,
                TEXT_COLOUR,
                short,
            )
        )
        if isinstance(value, int | float):
            bar = int(round(bar_space * value / peak)) if value else 0
            if bar:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                        label_width,
                        y + 3,
                        bar,
                        row - 6,
                        BAR_COLOUR,
                    )
                )
            text_x = label_width + bar + 4
        else:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" '
                    'stroke-dasharray="3 2"></rect>',
                    label_width,
                    y + 3,
                    24,
                    row - 6,
                    SUPPRESSED_COLOUR,
                )
            )
            text_x = label_width + 28
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                text_x,
                y + 14,
                TEXT_COLOUR,
                value,
            )
        )
    return mark_safe(  # noqa: S308 - every piece above was escaped by format_html
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
