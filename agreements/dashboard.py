"""The program administrator's dashboard section: agreements by state, reviews due, staff
without an agreement in force, training overdue (R-03, R-04)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone

from agreements.models import Agreement, StaffMember
from agreements.selectors import provider_ids_with_agreement_in_force
from agreements.training import State, status_from_counts
from srp.http import AuthenticatedHttpRequest


def agreements_overview(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    district = request.scope.district
    if district is None:
        return None
    today = timezone.localdate()
    counts = dict(
        Agreement.objects.filter(district=district)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Agreement.Status.choices
    ]
    reviews_due = list(
        Agreement.objects.filter(district=district)
        .review_warning_window(today)
        .select_related("provider")
        .order_by("review_due_on")[:10]
    )
    in_force = provider_ids_with_agreement_in_force(district, today)
    staff = list(
        StaffMember.objects.filter(district=district)
        .active_on(today)
        .with_training_counts(today)
        .select_related("employer")
    )
    without_agreement = [s for s in staff if s.employer_id and s.employer_id not in in_force]
    overall = [status_from_counts(s, today).overall for s in staff]
    return {
        "today": today,
        "by_status": by_status,
        "reviews_due": reviews_due,
        "without_agreement": without_agreement[:10],
        "training_overdue": overall.count(State.OVERDUE),
        # Complete on time and complete late are separate figures: late is not compliant
        # on time, and the district sees how many finished after the deadline.
        "training_on_time": overall.count(State.DONE),
        "training_late": overall.count(State.DONE_LATE),
        "not_documented": sum(1 for s in staff if not s.esd_documented),
    }
