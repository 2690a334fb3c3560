"""The dashboard section: the latest report and whether it is published."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from reports.models import PublishedReport
from srp.models import SchoolYear


def report_overview(request: HttpRequest) -> dict[str, Any] | None:
    district = request.scope.district
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
        "can_publish": request.scope.is_program_admin,
    }
