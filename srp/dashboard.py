"""The shared dashboard sections: the district at a glance and the host admin's districts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from srp.http import AuthenticatedHttpRequest
from srp.models import Membership, OutboundEmail, School
from srp.registry import DashboardSection, registry
from srp.roles import Role


def district_overview(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    district = scope.require(Role.PROGRAM_ADMIN)
    year = district.current_school_year()
    counts = School.objects.filter(district=district).aggregate(
        schools=Count("pk", filter=Q(active=True)),
    )
    people = Membership.objects.filter(district=district, active=True).aggregate(
        people=Count("user", distinct=True)
    )
    # This district's emails only: another district's failures are not this administrator's.
    failed_email = OutboundEmail.objects.for_district(district).needs_attention().count()
    return {
        "title": _("District"),
        "year": year,
        "school_count": counts["schools"],
        "people_count": people["people"],
        "failed_email": failed_email,
    }


def rollover_offer(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """Offered from 1 May of the last year's spring (or once today is past its span), until
    the next year is rolled over. Cached like every section: a new day or the rollover's own
    writes make it stale."""
    from srp.rollover import rollover_due, rollover_plan

    district = request.scope.require(Role.PROGRAM_ADMIN)
    plan = rollover_plan(district)
    if not rollover_due(plan) or plan is None:
        return None
    return {
        "from_label": plan.from_year.label,
        "label": plan.label,
        "first_day": plan.first_instructional_day,
        "overdue": plan.to_year is None and timezone.localdate() > plan.from_year.ends_on,
    }


def register() -> None:
    registry.add_dashboard_section(
        DashboardSection(
            key="srp.rollover",
            template="srp/dashboard/rollover.html",
            roles=frozenset({Role.PROGRAM_ADMIN}),
            context=rollover_offer,
            order=5,
        )
    )
    registry.add_dashboard_section(
        DashboardSection(
            key="srp.district",
            template="srp/dashboard/district.html",
            roles=frozenset({Role.PROGRAM_ADMIN}),
            context=district_overview,
            order=10,
        )
    )
