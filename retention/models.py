"""Retention rules, legal holds and destruction runs (issue #15 item 7).

Records are never deleted by a form or a correction; the one way a record leaves srp is a
destruction run: it lists what has passed its district's retention period and is on no legal
hold, the program administrator confirms that list, and each record is then destroyed with its
children, files and history, leaving a line in the destruction log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from srp.models import District


class RecordType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaints (with their investigation file)")
    CALL = "call", _("Calls for service (with students and law-enforcement activity)")
    INTERVENTION = "intervention", _("Intervention requests")
    RESTRAINT = "restraint", _("Restraint and isolation reports")
    AGENCY_REQUEST = "agency_request", _("Outside agencies' information requests")


# One record of each kind, as a hold or the log names it ("Complaint C-2026-00037").
RECORD_NOUNS: dict[str, StrOrPromise] = {
    RecordType.COMPLAINT: _("Complaint"),
    RecordType.CALL: _("Call"),
    RecordType.INTERVENTION: _("Intervention request"),
    RecordType.RESTRAINT: _("Restraint or isolation report"),
    RecordType.AGENCY_REQUEST: _("Agency information request"),
}


class RetentionRule(models.Model):
    """How many years after its trigger a district keeps one kind of record."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(_("records"), max_length=20, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        _("years to keep"), validators=[MaxValueValidator(100)]
    )
    disposition_authority = models.CharField(
        _("disposition authority number (DAN)"),
        max_length=40,
        blank=True,
        help_text=_("The series of the state's retention schedule your records officer applies."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "record_type"], name="retention_rule_one_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years}"


class HoldReason(models.TextChoices):
    LITIGATION = "litigation", _("Litigation, ongoing or reasonably anticipated")
    RECORDS_REQUEST = "records_request", _("Public records request (chapter 42.56 RCW)")
    AUDIT = "audit", _("Audit or investigation")
    OTHER = "other", _("Other")


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Stops the destruction of one record and everything of its case, until released."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(_("records"), max_length=20, choices=RecordType.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    # The record's reference as it was when the hold was placed (a complaint's C-2026-0001):
    # kept after a destruction so the hold still reads.
    label = models.CharField(_("record"), max_length=200)
    reason = models.CharField(_("why"), max_length=20, choices=HoldReason.choices)
    details = models.TextField(_("details"), max_length=2000)
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.TextField(_("why it was released"), blank=True, max_length=2000)
    history = HistoricalRecords()

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "record_type", "record_id"], name="hold_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.record_noun} {self.label}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    @property
    def record_noun(self) -> str:
        return str(RECORD_NOUNS.get(self.record_type, self.get_record_type_display()))


class DestructionRun(models.Model):
    """A list of records due for destruction, prepared, then confirmed (or cancelled)."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Waiting for confirmation")
        DONE = "done", _("Destroyed")
        CANCELLED = "cancelled", _("Cancelled")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARED
    )
    as_of = models.DateField(_("due on"))
    # What was listed: [{"type", "id", "label", "trigger", "due", "rule_years", "dan"}, ...]
    items = models.JSONField(_("records listed"), default=list)
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-prepared_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prepared_at:%Y-%m-%d} ({self.get_status_display()})"


class DestructionLogEntry(models.Model):
    """One destroyed record: what, when, by whom, under which rule. Written once, never changed."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(DestructionRun, on_delete=models.PROTECT, related_name="log")
    record_type = models.CharField(_("records"), max_length=20, choices=RecordType.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=200)
    trigger_date = models.DateField(_("counted from"))
    rule_years = models.PositiveSmallIntegerField(_("years kept"))
    disposition_authority = models.CharField(_("DAN"), max_length=40, blank=True)
    rows_removed = models.PositiveIntegerField(_("rows removed"), default=0)
    files_removed = models.PositiveIntegerField(_("files removed"), default=0)
    destroyed_at = models.DateTimeField(_("destroyed"), default=timezone.now)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-destroyed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()} {self.label}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValidationError(_("The destruction log is never changed."))
        super().save(*args, **kwargs)
