from __future__ import annotations

from collections.abc import Collection
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


@register.simple_tag
def link_if(allowed: object, url: str, label: object) -> str:
    """A link when the reader may open it, else the label as plain text (issue #14 item 6):
    pages never offer a link that would answer 403 or 404. The view decides `allowed` from
    the same scope rule as the target page (for a list, one set of openable ids per page, so
    that no row costs a query); `is_in` reads such a set."""
    if allowed:
        return format_html('<a href="{}">{}</a>', url, label)
    return format_html("{}", label)


@register.filter
def is_in(value: object, collection: Collection[object] | None) -> bool:
    """`{% link_if row.call_id|is_in:openable_call_ids url label %}`."""
    return bool(collection) and value in collection  # type: ignore[operator]
