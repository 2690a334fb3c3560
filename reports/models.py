"""Published annual reports: the frozen public snapshot the transparency page shows (R-22)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from srp.models import District, SchoolYear, User


class PublishedReportQuerySet(models.QuerySet["PublishedReport"]):
    def for_district(self, district: District) -> PublishedReportQuerySet:
        return self.filter(district=district)

    def current(self) -> PublishedReportQuerySet:
        return self.filter(status=PublishedReport.Status.PUBLISHED)


class PublishedReport(models.Model):
    """A school year's report as published: the suppressed JSON exactly as the public sees it.

    Publishing again replaces the snapshot (the history keeps every earlier version);
    withdrawing hides it from the public page. Nothing is ever deleted.
    """

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="published_reports"
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="published_reports"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    snapshot = models.JSONField(_("public report as published"))
    partial = models.BooleanField(_("published before the year ended"), default=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords()

    objects = PublishedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "school_year"], name="published_report_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.school_year}"


class BoardPacketQuerySet(models.QuerySet["BoardPacket"]):
    def for_district(self, district: District) -> BoardPacketQuerySet:
        return self.filter(district=district)

    def released(self) -> BoardPacketQuerySet:
        return self.filter(status=BoardPacket.Status.RELEASED)


class BoardPacket(models.Model):
    """A school year's board packet as released to the board members (R-22).

    Until the program administrator releases it, board members cannot open the packet; once
    released they read exactly this frozen content (the suppressed report, the agreement status
    and the notice delivery record as they were), never the live internal figures. Releasing
    again replaces the content (the history keeps every earlier version); withdrawing takes it
    back from the board. Nothing is ever deleted.
    """

    class Status(models.TextChoices):
        RELEASED = "released", _("Released to the board")
        WITHDRAWN = "withdrawn", _("Withdrawn from the board")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="board_packets")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="board_packets"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RELEASED
    )
    snapshot = models.JSONField(_("packet as released"))
    partial = models.BooleanField(_("released before the year ended"), default=False)
    released_at = models.DateTimeField(_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("released by"),
    )
    history = HistoricalRecords()
    # Who the history names for a change made outside a request (simple-history reads it).
    _history_user: User | None

    objects = BoardPacketQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "school_year"], name="board_packet_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.school_year}"

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED
