"""Publishing a school year's report, and releasing its board packet to the board (R-22)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import BoardPacket, PublishedReport
from reports.packages import board_packet_contents
from reports.public import public_report
from reports.selectors import annual_report
from srp.cache import data_changed
from srp.history import as_done_by
from srp.models import District, SchoolYear, User
from srp.rules import RuleError

# Allowed moves: publishing (again) from any state; withdrawing only what is published.
TRANSITIONS: dict[str | None, set[str]] = {
    None: {PublishedReport.Status.PUBLISHED},
    PublishedReport.Status.PUBLISHED: {
        PublishedReport.Status.PUBLISHED,
        PublishedReport.Status.WITHDRAWN,
    },
    PublishedReport.Status.WITHDRAWN: {PublishedReport.Status.PUBLISHED},
}


class ReportError(RuleError):
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
        # Publishing a closed year again (after its revisions) makes the next revision.
        revision = 1
        if existing is not None and school_year.closed_at is not None:
            revision = int(existing.snapshot.get("revision") or 1) + 1
        snapshot["revision"] = revision
        snapshot["published_on"] = timezone.localdate().isoformat()
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
        if report is None:
            raise ReportError(_("This year's report has not been published."))
        _check(report.status, PublishedReport.Status.WITHDRAWN)
        report.status = PublishedReport.Status.WITHDRAWN
        report.save(update_fields=["status"])
    return report


def _check(current: str | None, new: str) -> None:
    if new not in TRANSITIONS[current]:
        if current is None:
            raise ReportError(_("This year's report has not been published."))
        raise ReportError(_("This year's report is already withdrawn."))


# Board packet: released to the board members, or withdrawn from them ---------------------------
PACKET_TRANSITIONS: dict[str | None, set[str]] = {
    None: {BoardPacket.Status.RELEASED},
    BoardPacket.Status.RELEASED: {BoardPacket.Status.RELEASED, BoardPacket.Status.WITHDRAWN},
    BoardPacket.Status.WITHDRAWN: {BoardPacket.Status.RELEASED},
}


def board_packet_release(
    *,
    district: District,
    school_year: SchoolYear,
    by: User,
    today: datetime.date | None = None,
) -> BoardPacket:
    """Freeze the year's board packet (the suppressed report, agreement status and notice
    delivery record, as they are now) and let the district's board members open it.

    Preconditions: the year belongs to the district. Effects: board members read exactly this
    content until it is released again or withdrawn; the history keeps each version.
    """
    if school_year.district_id != district.pk:
        raise ReportError(_("This school year belongs to another district."))
    contents = board_packet_contents(district=district, school_year=school_year, today=today)
    with transaction.atomic():
        existing = (
            BoardPacket.objects.select_for_update()
            .filter(district=district, school_year=school_year)
            .first()
        )
        _check_packet(existing.status if existing else None, BoardPacket.Status.RELEASED)
        packet = existing or BoardPacket(district=district, school_year=school_year)
        packet.status = BoardPacket.Status.RELEASED
        packet.snapshot = contents
        packet.partial = bool(contents["report"]["partial"])
        packet.released_at = timezone.now()
        packet.released_by = by
        as_done_by(packet, by)
        packet.save()
    return packet


def board_packet_withdraw(*, district: District, school_year: SchoolYear, by: User) -> BoardPacket:
    """Take a released packet back from the board members (it is kept, with its history)."""
    with transaction.atomic():
        packet = (
            BoardPacket.objects.select_for_update()
            .filter(district=district, school_year=school_year)
            .first()
        )
        if packet is None:
            raise ReportError(_("This year's board packet has not been released to the board."))
        _check_packet(packet.status, BoardPacket.Status.WITHDRAWN)
        packet.status = BoardPacket.Status.WITHDRAWN
        as_done_by(packet, by)
        packet.save(update_fields=["status"])
    return packet


def _check_packet(current: str | None, new: str) -> None:
    if new not in PACKET_TRANSITIONS[current]:
        if current is None:
            raise ReportError(_("This year's board packet has not been released to the board."))
        raise ReportError(_("This year's board packet is already withdrawn from the board."))


# Closing a school year ------------------------------------------------------------------------
def school_year_close(*, school_year: SchoolYear, by: User) -> SchoolYear:
    """Close a school year once its annual report is published: its figures are final.

    Preconditions: the year has ended, its report is on the public page, and it is not closed
    yet. Effects: `closed_at`/`closed_by` are set (kept in the year's history); from now on
    every change to a record the year's report counts is listed in the report as a revision
    (`reports.revisions`), and publishing again makes the next revision of the public snapshot.
    """
    with transaction.atomic():
        year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
        if year.closed_at is not None:
            raise ReportError(_("The %(year)s school year is already closed.") % {"year": year})
        if not year.is_finished():
            raise ReportError(
                _("The %(year)s school year has not ended yet: it can be closed once it is over.")
                % {"year": year}
            )
        published = PublishedReport.objects.filter(
            district_id=year.district_id,
            school_year=year,
            status=PublishedReport.Status.PUBLISHED,
        ).first()
        if published is None:
            raise ReportError(
                _("Publish the %(year)s annual report before closing the year.") % {"year": year}
            )
        if published.partial:
            raise ReportError(
                _(
                    "The published %(year)s report was drawn before the year ended: publish it "
                    "again with the whole year's figures, then close the year."
                )
                % {"year": year}
            )
        year.closed_at = timezone.now()
        year.closed_by = by
        as_done_by(year, by, "school year closed")
        year.save(update_fields=["closed_at", "closed_by"])
        data_changed(year.district_id)  # the cached reports now carry their revisions section
    school_year.closed_at, school_year.closed_by = year.closed_at, year.closed_by
    return year
