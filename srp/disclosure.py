"""Who looked at what: the disclosure log FERPA expects (34 CFR 99.32; SPEC R-09).

Every view, download and export of a complaint, a call with students, a student list, a report
with unsuppressed figures or the state package calls `disclosure_record` once. The log is
append-only: `srp.models.DisclosureLog` refuses updates and deletes, and no page edits it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from srp.models import DisclosureLog

if TYPE_CHECKING:
    from django.http import HttpRequest

    from srp.models import District

VIEWED = DisclosureLog.Action.VIEWED
DOWNLOADED = DisclosureLog.Action.DOWNLOADED
EXPORTED = DisclosureLog.Action.EXPORTED


def disclosure_record(
    request: HttpRequest,
    *,
    what: Any,
    obj: models.Model | None = None,
    record_type: str = "",
    record_id: Any = "",
    rows: int | None = None,
    action: str = VIEWED,
    district: District | None = None,
) -> DisclosureLog | None:
    """Log that the signed-in user viewed, downloaded or exported `what` (one row).

    `obj` names the record (its type `app_label.model` and id, and its name in `what`);
    without it give `record_type` (`reports.internal`) and `record_id` (a year's label).
    `rows`: how many records a list or export showed. Nothing is logged for an anonymous visitor
    (public pages disclose nothing personal).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    scope = getattr(request, "scope", None)
    scope_district = getattr(scope, "district", None)
    if district is None and obj is not None:
        # The reader's own district when the record is in it (it is, past the scope checks):
        # no query to load the record's district again.
        if scope_district is not None and getattr(obj, "district_id", None) == scope_district.pk:
            district = scope_district
        else:
            district = getattr(obj, "district", None)
    district = district or scope_district
    if district is None:
        return None
    if obj is not None:
        record_type = record_type or obj._meta.label_lower
        record_id = record_id or obj.pk
        name = str(obj)
        # "Call: Call CV-00042 …" says it twice: a name that starts with `what` stands alone.
        description = f"{what}: {name}" if what and not name.startswith(str(what)) else name
    else:
        description = str(what)
    entry = DisclosureLog(
        district=district,
        user=user,
        action=action,
        record_type=record_type[:100],
        record_id=str(record_id or "")[:64],
        description=description[:255],
        rows=rows,
        path=request.get_full_path()[:500],
    )
    entry.save()
    return entry
