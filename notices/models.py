"""Start-of-year notices to students and families, and their delivery (SPEC §6, R-17, R-18).

A district writes one `Notice` per school year, in sections, with a `NoticeTranslation` per
family language. Each school's notice is that text plus the school's own staff from the roster,
so nothing per school is stored. `Delivery` records that the notice was presented to students or
distributed to families at one school, with `DeliveryEvidence` files. `NoticeArchive` is the job
row behind the district-wide zip of every school's notice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from srp import schooldays
from srp.models import District, School, SchoolYear
from srp.rules import RuleError
from srp.uploads import private_upload_to

# `private_upload_to` returns a closure that migrations cannot import by name, so each
# upload_to here is a module-level function that delegates to one.
_evidence_path = private_upload_to("notices/evidence")
_archive_path = private_upload_to("notices/archives")
_archive_part_path = private_upload_to("notices/archive-parts")


def evidence_upload_to(instance: object, filename: str) -> str:
    return _evidence_path(instance, filename)


def archive_upload_to(instance: object, filename: str) -> str:
    return _archive_path(instance, filename)


def archive_part_upload_to(instance: object, filename: str) -> str:
    return _archive_part_path(instance, filename)


# The sections of every notice, in reading order (SPEC R-17). Each has a heading and a text.
SECTION_KEYS: tuple[str, ...] = (
    "role",
    "staff",
    "limits",
    "interventions",
    "complaints",
    "contacts",
)
SECTION_LABELS = {
    "role": _("Role and responsibilities"),
    "staff": _("Who works at this school"),
    "limits": _("What staff do and do not do"),
    "interventions": _("When teachers may ask them to intervene"),
    "complaints": _("How to file a complaint"),
    "contacts": _("Contacts"),
}


# Words the system prints around the district's text (table headings, kinds of staff). They are
# part of each translation so that a notice in any language is in that language throughout.
LABEL_FIELDS: tuple[str, ...] = (
    "label_name",
    "label_role",
    "label_days",
    "label_contact",
    "label_complaint_form",
    "kind_sro",
    "kind_school_security_officer",
    "kind_campus_security_officer",
    "kind_other",
)
TRANSLATION_FIELDS: tuple[str, ...] = (
    ("title",)
    + tuple(f"{key}_{part}" for key in SECTION_KEYS for part in ("heading", "text"))
    + LABEL_FIELDS
)


class NoticeError(RuleError):
    """A notice or delivery rule was broken; the message is shown to the person who tried."""


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_district(self, district: District) -> NoticeQuerySet:
        return self.filter(district=district)

    def published(self) -> NoticeQuerySet:
        return self.filter(status=Notice.Status.PUBLISHED)


class Notice(models.Model):
    """The district's notice for one school year, written once for every school."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # Allowed moves of the state machine; anything else raises NoticeError.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.PUBLISHED}),
        Status.PUBLISHED: frozenset({Status.DRAFT}),
    }

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="notices")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="notices")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "school_year"], name="notice_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return str(_("Notice %(year)s") % {"year": self.school_year.label})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class NoticeTranslation(models.Model):
    """The notice in one language: a title and a heading and text per section."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=12)
    title = models.CharField(_("title"), max_length=200, blank=True)
    role_heading = models.CharField(_("heading: role"), max_length=200, blank=True)
    role_text = models.TextField(_("role and responsibilities"), blank=True)
    staff_heading = models.CharField(_("heading: staff"), max_length=200, blank=True)
    staff_text = models.TextField(
        _("who works at this school (introduction)"),
        blank=True,
        help_text=_("Each school's staff from the roster are listed after this text."),
    )
    limits_heading = models.CharField(_("heading: limits"), max_length=200, blank=True)
    limits_text = models.TextField(_("what staff do and do not do"), blank=True)
    interventions_heading = models.CharField(
        _("heading: interventions"), max_length=200, blank=True
    )
    interventions_text = models.TextField(_("when teachers may ask them to intervene"), blank=True)
    complaints_heading = models.CharField(_("heading: complaints"), max_length=200, blank=True)
    complaints_text = models.TextField(
        _("how to file a complaint"),
        blank=True,
        help_text=_("The complaint form's web address and QR code are added after this text."),
    )
    contacts_heading = models.CharField(_("heading: contacts"), max_length=200, blank=True)
    contacts_text = models.TextField(
        _("contacts"),
        blank=True,
        help_text=_("The district's and the school's contact details are added after this text."),
    )
    label_name = models.CharField(_("table heading: name"), max_length=80, blank=True)
    label_role = models.CharField(_("table heading: role"), max_length=80, blank=True)
    label_days = models.CharField(_("table heading: days a week here"), max_length=80, blank=True)
    label_contact = models.CharField(
        _("table heading: how to reach them"), max_length=80, blank=True
    )
    label_complaint_form = models.CharField(
        _("label: online complaint form"), max_length=120, blank=True
    )
    kind_sro = models.CharField(_("school resource officer"), max_length=120, blank=True)
    kind_school_security_officer = models.CharField(
        _("school security officer"), max_length=120, blank=True
    )
    kind_campus_security_officer = models.CharField(
        _("campus security officer"), max_length=120, blank=True
    )
    kind_other = models.CharField(_("other safety and security staff"), max_length=120, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "language"], name="notice_translation_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} [{self.language}]"

    def sections(self) -> list[dict[str, str]]:
        return [
            {
                "key": key,
                "heading": getattr(self, f"{key}_heading"),
                "text": getattr(self, f"{key}_text"),
            }
            for key in SECTION_KEYS
        ]

    def empty_fields(self) -> list[str]:
        """Names of the fields still empty (the title, a heading, a section text or a label)."""
        return [name for name in TRANSLATION_FIELDS if not (getattr(self, name) or "").strip()]

    def kind_label(self, kind: str) -> str:
        return getattr(self, f"kind_{kind}", "") or kind

    @property
    def is_complete(self) -> bool:
        return not self.empty_fields()


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def recorded(self) -> DeliveryQuerySet:
        return self.filter(status=Delivery.Status.RECORDED)

    def for_year(self, school_year: SchoolYear) -> DeliveryQuerySet:
        return self.filter(school_year=school_year)


class Delivery(models.Model):
    """The notice presented to students, or distributed to families, at one school (R-18)."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presented to and discussed with students")
        DISTRIBUTION = "distribution", _("Distributed to families")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.RECORDED: frozenset({Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset(),
    }

    class Format(models.TextChoices):
        ASSEMBLY = "assembly", _("Assembly")
        CLASSROOM = "classroom", _("In classrooms")
        ADVISORY = "advisory", _("Advisory or homeroom")
        SMALL_GROUP = "small_group", _("Small groups")
        VIDEO = "video", _("Video")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        MAIL = "mail", _("Mail")
        APP = "app", _("School app")
        BACKPACK = "backpack", _("Backpack (paper sent home)")
        WEBSITE = "website", _("School website")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="notice_deliveries")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="notice_deliveries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    delivered_on = models.DateField(_("date"))
    # Presentation to students.
    audience = models.CharField(
        _("grades or audience"), max_length=200, blank=True, help_text=_("For example: grades 9-12")
    )
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    presentation_format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, blank=True
    )
    # Distribution to families.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECORDED
    )
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        indexes = [models.Index(fields=["school_year", "school", "kind"], name="delivery_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["presentation", "distribution"]), name="delivery_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.school} ({self.delivered_on})"

    @property
    def is_presentation(self) -> bool:
        return self.kind == self.Kind.PRESENTATION

    def language_labels(self) -> list[str]:
        from srp.languages import language_name

        return [language_name(code) for code in self.languages]

    def channel_labels(self) -> list[str]:
        labels = dict(self.Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


class DeliveryEvidence(models.Model):
    """A file showing the delivery: a slide, the letter sent home, a photo of the assembly."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NoticeArchive(models.Model):
    """One build of the district-wide zip: every school's notice in every written language.

    The row is the job: any app server can advance it one school at a time (`archive_step`),
    claiming it with `select_for_update(skip_locked=True)`; finished parts are kept in storage as
    `NoticeArchivePart`s, so progress survives a closed browser or a restarted server, and
    `manage.py build_notice_archive` can finish it without a browser.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="archives")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    school_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=archive_upload_to, max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.district.code} {self.school_year} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}


class NoticeArchivePart(models.Model):
    """One school's PDFs inside an archive being built (a zip of that school's files)."""

    archive = models.ForeignKey(NoticeArchive, on_delete=models.CASCADE, related_name="parts")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=archive_part_upload_to, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["archive", "school"], name="archive_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.archive} – {self.school}"


class LateNoticeReminder(models.Model):
    """A reminder sent to a late school's principals, kept so that one is not sent twice."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "sent_on"], name="late_notice_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year} {self.sent_on}"


def deadline_for(school_year: SchoolYear, district: District) -> datetime.date:
    """The day by which each school must have presented and distributed the notice: the
    district's `notice_deadline_days` days after the year's first school day, counted by
    `srp.schooldays.add_days_outside_breaks` (days of a recorded break, holiday, closure or
    professional day do not count, so a deadline never runs out while the school is closed;
    without recorded days off it is plain calendar days). One query."""
    return schooldays.add_days_outside_breaks(
        district, school_year.first_instructional_day, district.notice_deadline_days
    )
