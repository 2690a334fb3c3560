"""The dashboard section: overdue complaints and those due in the next week."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from complaints.selectors import complaints_for_scope
from srp.http import AuthenticatedHttpRequest

DUE_SOON_DAYS = 7


def section_context(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    today = timezone.localdate()
    visible = complaints_for_scope(request.scope)
    overdue = list(visible.overdue(today).with_list_data().order_by("respond_due")[:10])
    overdue_ids = [c.pk for c in overdue]
    due_soon = list(
        visible.due_within(DUE_SOON_DAYS, today)
        .exclude(pk__in=overdue_ids)
        .with_list_data()
        .order_by("respond_due")[:10]
    )
    return {
        "overdue": overdue,
        "overdue_count": visible.overdue(today).count(),
        "due_soon": due_soon,
        "open_count": visible.open().count(),
    }
