"""The dashboard section: the latest report and whether it is published (for a board member:
the latest published report and the latest packet released to the board)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from reports.access import is_board_reader
from reports.models import BoardPacket, PublishedReport
from srp.http import AuthenticatedHttpRequest
from srp.models import District, SchoolYear
from srp.roles import Role


def report_overview(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    scope = request.scope
    district = scope.require(Role.PROGRAM_ADMIN, Role.BOARD_MEMBER, Role.PRINCIPAL)
    if is_board_reader(scope):
        return _board_overview(district)
    today = timezone.localdate()
    years = list(
        SchoolYear.objects.filter(district=district, first_instructional_day__lte=today).order_by(
            "-starts_on"
        )[:2]
    )
    if not years:
        return None
    # The latest finished year is the one to report on; the current one is partial.
    finished = [y for y in years if y.is_finished(today)]
    latest = finished[0] if finished else years[0]
    published = PublishedReport.objects.filter(district=district, school_year=latest).first()
    return {
        "year": latest,
        "partial": not latest.is_finished(today),
        "published": published,
        "can_publish": scope.is_program_admin,
    }


def _board_overview(district: District) -> dict[str, Any]:
    """A board member's block: the latest published report and the latest released packet."""
    published = (
        PublishedReport.objects.current()
        .filter(district=district)
        .select_related("school_year")
        .order_by("-school_year__starts_on")
        .first()
    )
    packet = (
        BoardPacket.objects.released()
        .filter(district=district)
        .select_related("school_year")
        .order_by("-school_year__starts_on")
        .first()
    )
    return {"board_reader": True, "published": published, "packet": packet}
