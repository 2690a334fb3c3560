from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from srp.registry import registry


def srp(request: HttpRequest) -> dict[str, Any]:
    """The navigation for the user's roles in the active district."""
    scope = getattr(request, "scope", None)
    if scope is None or request.user.is_anonymous:
        return {"nav_items": []}
    items = []
    path = request.path_info
    for item in registry.nav_items:
        if not scope.has(*item.roles) and not (
            "host_admin" in item.roles and scope.is_host_admin
        ):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        prefix = item.active_prefix or url
        items.append({"label": item.label, "url": url, "active": path.startswith(prefix)})
    return {"nav_items": items, "scope": scope}
