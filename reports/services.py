"""Publishing a school year's report (R-22)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import PublishedReport
from reports.public import public_report
from reports.selectors import annual_report
from srp.models import District, SchoolYear, User

# Allowed moves: publishing (again) from any state; withdrawing only what is published.
TRANSITIONS: dict[str | None, set[str]] = {
    None: {PublishedReport.Status.PUBLISHED},
    PublishedReport.Status.PUBLISHED: {
        PublishedReport.Status.PUBLISHED,
        PublishedReport.Status.WITHDRAWN,
    },
    PublishedReport.Status.WITHDRAWN: {PublishedReport.Status.PUBLISHED},
}


class ReportError(Exception):
    """A publishing step that is not allowed; the message is shown to the person."""


def report_publish(
    *,
    district: District,
    school_year: SchoolYear,
    by: User,
    today: datetime.date | None = None,
) -> PublishedReport:
    """Freeze the suppressed report of the year as the public snapshot.

    Preconditions: the year belongs to the district. Effects: the public page shows exactly
    this snapshot until it is published again or withdrawn; the history keeps each version.
    """
    if school_year.district_id != district.pk:
        raise ReportError(_("This school year belongs to another district."))
    snapshot = public_report(annual_report(district=district, school_year=school_year, today=today))
    with transaction.atomic():
        existing = (
            PublishedReport.objects.select_for_update()
            .filter(district=district, school_year=school_year)
            .first()
        )
        _check(existing.status if existing else None, PublishedReport.Status.PUBLISHED)
        report = existing or PublishedReport(district=district, school_year=school_year)
        report.status = PublishedReport.Status.PUBLISHED
        report.snapshot = snapshot
        report.partial = bool(snapshot["partial"])
        report.published_at = timezone.now()
        report.published_by = by
        report.save()
    return report


def report_withdraw(*, district: District, school_year: SchoolYear, by: User) -> PublishedReport:
    """Take a published report off the public page (it is kept, with its history)."""
    with transaction.atomic():
        report = (
            PublishedReport.objects.select_for_update()
            .filter(district=district, school_year=school_year)
            .first()
        )
        _check(report.status if report else None, PublishedReport.Status.WITHDRAWN)
        report.status = PublishedReport.Status.WITHDRAWN
        report.save(update_fields=["status"])
    return report


def _check(current: str | None, new: str) -> None:
    if new not in TRANSITIONS[current]:
        if current is None:
            raise ReportError(_("This year's report has not been published."))
        raise ReportError(_("This year's report is already withdrawn."))
