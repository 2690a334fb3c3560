from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


BADGE_CLASSES = {
    "danger": "text-bg-danger",
    "warning": "text-bg-warning",
    "success": "text-bg-success",
    "info": "text-bg-info",
    "secondary": "text-bg-secondary",
    "primary": "text-bg-primary",
}


@register.simple_tag
def badge(label: Any, tone: str = "secondary") -> str:
    """A status badge; the tone is also said in words by the label itself, never by colour only."""
    return format_html(
        '<span class="badge {}">{}</span>', BADGE_CLASSES.get(tone, "text-bg-secondary"), label
    )
