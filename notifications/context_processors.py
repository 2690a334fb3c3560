from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def waiting(request: HttpRequest) -> dict[str, Any]:
    """`nav_waiting` for the navbar: the link to the reader's list and how many notices are open
    there. No page runs a query for it: the count is the one kept for this reader when a notice
    of theirs was created or marked or they opened their list
    (`notifications.selectors.waiting_count`), shown when known."""
    scope = getattr(request, "scope", None)
    if scope is None or scope.user is None or scope.district is None:
        return {}

    def build() -> dict[str, Any]:
        from notifications.selectors import waiting_count

        count = waiting_count(scope)
        found: dict[str, Any] = {"url": reverse("notifications:list"), "label": _("Waiting for me")}
        if count:
            found["count"] = count
            found["count_text"] = ngettext("%(n)s open notice", "%(n)s open notices", count) % {
                "n": count
            }
        return found

    return {"nav_waiting": SimpleLazyObject(build)}
