"""The notices block of the dashboard: done, due and late per school this year (R-18)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from notices.models import deadline_for
from notices.selectors import DONE, DUE, LATE, delivery_statuses, notice_for
from srp.http import AuthenticatedHttpRequest
from srp.roles import Role


def notices_section(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    district = scope.require(Role.PROGRAM_ADMIN, Role.PRINCIPAL)
    year = district.current_school_year()
    if year is None:
        return None
    school_ids = None if scope.is_program_admin else scope.school_ids(Role.PRINCIPAL)
    statuses = delivery_statuses(district=district, school_year=year, school_ids=school_ids)
    counts = {state: sum(1 for s in statuses if s.state == state) for state in (DONE, DUE, LATE)}
    return {
        "title": _("Start-of-year notices"),
        "year": year,
        "notice": notice_for(district=district, school_year=year),
        "deadline": deadline_for(year, district),
        "statuses": statuses,
        "counts": counts,
    }
