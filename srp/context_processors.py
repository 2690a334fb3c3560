from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from srp.registry import registry


def _visible(scope: Any, roles: frozenset[str]) -> bool:
    return scope.has(*roles) or ("host_admin" in roles and scope.is_host_admin)


def public_links(request: HttpRequest) -> dict[str, Any]:
    """On a district's public pages, links to every public page of that district (the complaint
    form among them), for the footer of every public page."""
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("district_code") if match else None
    if not code:
        return {}
    links = []
    for link in registry.public_links:
        try:
            links.append(
                {"label": link.label, "url": reverse(link.url_name, kwargs={"district_code": code})}
            )
        except NoReverseMatch:
            continue
    return {
        "public_district_code": code,
        "public_home_url": reverse("srp:public_district", kwargs={"district_code": code}),
        "public_footer_links": links,
    }


def srp(request: HttpRequest) -> dict[str, Any]:
    """The menu for the user's roles in the active district.

    Items of an app that registered a menu group (`registry.add_nav_group`) share a dropdown
    when more than one of them is visible; otherwise each item is a plain link.
    """
    public = public_links(request)
    scope = getattr(request, "scope", None)
    if scope is None or request.user.is_anonymous:
        return {"nav_entries": [], **public}
    path = request.path_info
    entries: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in registry.nav_items:
        if not _visible(scope, item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        link = {
            "label": item.label,
            "url": url,
            "active": path.startswith(item.active_prefix or url),
        }
        namespace = item.group or item.url_name.split(":", 1)[0]
        if namespace in registry.nav_groups:
            group = groups.get(namespace)
            if group is None:
                group = {
                    "label": registry.nav_groups[namespace],
                    "links": [],
                    "key": namespace,
                    "is_group": True,
                }
                groups[namespace] = group
                entries.append(group)
            group["links"].append(link)
        else:
            entries.append(link)
    for group in groups.values():
        group["active"] = any(link["active"] for link in group["links"])
    # A group with one visible item is just that item.
    entries = [e["links"][0] if e.get("is_group") and len(e["links"]) == 1 else e for e in entries]
    return {"nav_entries": entries, "scope": scope, **public}
