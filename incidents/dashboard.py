"""Dashboard sections of the incidents app, registered from `IncidentsConfig.ready()`."""

from __future__ import annotations

import statistics
from typing import Any

from django.utils.translation import gettext_lazy as _

from incidents import selectors
from incidents.clocks import restraint_clocks
from incidents.models import InterventionRequest
from srp import schooldays
from srp.http import AuthenticatedHttpRequest
from srp.registry import DashboardSection, registry
from srp.roles import Role


def safety_staff_section(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    calls = selectors.calls_for_scope(scope)
    mine = selectors.staff_member_for_user(scope)
    if mine is not None:
        calls = calls.filter(responding_staff=mine)
    open_requests = (
        InterventionRequest.objects.filter(
            district=scope.district, school_id__in=scope.school_ids(Role.SAFETY_STAFF)
        )
        .open()
        .count()
    )
    return {
        "title": _("My recent calls"),
        "calls": list(calls.select_related("school")[:5]),
        "open_requests": open_requests,
    }


def principal_section(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    requests = InterventionRequest.objects.filter(
        district=scope.district, school_id__in=scope.school_ids(Role.PRINCIPAL)
    )
    year = scope.require(Role.PRINCIPAL).current_school_year()
    if year is not None:
        requests = requests.in_school_year(year)
    rows = list(requests.select_related("school").order_by("-requested_at")[:500])
    minutes = [r.response_minutes for r in rows if r.response_minutes is not None]
    return {
        "open": sum(1 for r in rows if r.status == InterventionRequest.Status.OPEN),
        "total": len(rows),
        "median_minutes": int(statistics.median(minutes)) if minutes else None,
        "recent": rows[:5],
    }


def school_staff_section(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """A teacher's own intervention requests and the way to file one."""
    scope = request.scope
    mine = InterventionRequest.objects.filter(
        district=scope.district, requested_by=request.user
    ).select_related("school")
    return {
        "open": mine.open().count(),
        "recent": list(mine.order_by("-requested_at")[:5]),
    }


def admin_section(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    year = scope.require(Role.PROGRAM_ADMIN).current_school_year()
    calls = selectors.calls_for_scope(scope).recorded()
    reports = selectors.restraint_reports_for_scope(scope).live()
    if year is not None:
        calls = calls.in_school_year(year)
        reports = reports.in_school_year(year)
    due = late = 0
    calendar = schooldays.calendar_for(scope.district)  # one query, whatever the reports
    for report in reports.only(
        "occurred_at", "report_submitted_at", "parent_verbal_notice_at", "parent_written_notice_at"
    ):
        clocks = restraint_clocks(report, calendar)
        if any(c.state == "overdue" or c.state == "late" for c in clocks):
            late += 1
        elif any(c.state == "due" for c in clocks):
            due += 1
    agency = selectors.agency_requests_for_scope(scope).live().routed_to_admin()
    # R-12: contacts recorded as breaking juveniles' access to an attorney, for review.
    violations = selectors.activities_for_scope(scope).recorded().attorney_access_violations()
    if year is not None:
        violations = violations.in_school_year(year)
    recent_violations = [
        {
            "call_id": a.call_id,
            "activity_id": a.pk,
            "occurred_at": a.occurred_at,
            "school": a.call.school.name,
            "kind": a.get_kind_display(),
        }
        for a in violations.select_related("call__school").order_by("-occurred_at")[:5]
    ]
    return {
        "attorney_violations": violations.count(),
        "recent_attorney_violations": recent_violations,
        "calls": calls.count(),
        "incidents": calls.incidents().count(),
        "restraint_due": due,
        "restraint_late": late,
        "agency_routed": agency.filter(created_at__date__gte=year.starts_on).count()
        if year
        else agency.count(),
    }


def register() -> None:
    registry.add_dashboard_section(
        DashboardSection(
            key="incidents.safety_staff",
            template="incidents/dashboard/safety_staff.html",
            roles=frozenset({Role.SAFETY_STAFF}),
            context=safety_staff_section,
            order=40,
        )
    )
    registry.add_dashboard_section(
        DashboardSection(
            key="incidents.principal",
            template="incidents/dashboard/principal.html",
            roles=frozenset({Role.PRINCIPAL}),
            context=principal_section,
            order=41,
        )
    )
    registry.add_dashboard_section(
        DashboardSection(
            key="incidents.school_staff",
            template="incidents/dashboard/school_staff.html",
            roles=frozenset({Role.SCHOOL_STAFF}),
            context=school_staff_section,
            order=39,
        )
    )
    registry.add_dashboard_section(
        DashboardSection(
            key="incidents.admin",
            template="incidents/dashboard/admin.html",
            roles=frozenset({Role.PROGRAM_ADMIN}),
            context=admin_section,
            order=42,
        )
    )
