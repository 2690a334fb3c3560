"""Template filters of the report pages and PDFs."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value: Any) -> Any:
    """A whole count with the active language's thousands separator (233,543; 233 543 in Spanish);
    anything else (a suppressed "<10", a rate, a label) unchanged. CSV and JSON keep raw numbers."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return number_format(value, force_grouping=True)
