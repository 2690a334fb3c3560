"""Shared reference data: districts, schools, school years, users and their roles (SPEC §2)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from srp.languages import validate_language_code
from srp.roles import SCHOOL_SCOPED_ROLES, Role

if TYPE_CHECKING:
    pass


class User(AbstractUser):
    """A person who signs in. Roles come from memberships; host admins run the instance."""

    is_host_admin = models.BooleanField(
        _("host administrator"),
        default=False,
        help_text=_("May create districts and their first program administrator."),
    )
    history = HistoricalRecords()

    if TYPE_CHECKING:
        # Set on the signed-in user by django-otp's `OTPMiddleware`.
        def is_verified(self) -> bool: ...

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def default_family_languages() -> list[str]:
    return ["en", "es"]


class District(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("state district code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z-]{2,10}$", _("Use letters, digits or '-'."))],
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    complaint_contact_name = models.CharField(
        _("public complaint contact"), max_length=200, blank=True
    )
    complaint_contact_email = models.EmailField(_("complaint contact email"), blank=True)
    complaint_contact_phone = models.CharField(
        _("complaint contact phone"), max_length=40, blank=True
    )
    # Settings (SPEC §2).
    acknowledge_within_school_days = models.PositiveSmallIntegerField(
        _("acknowledge complaints within (school days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    respond_within_days = models.PositiveSmallIntegerField(
        _("respond to complaints within (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    investigation_max_days = models.PositiveSmallIntegerField(
        _("longest investigation (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    small_count_threshold = models.PositiveSmallIntegerField(
        _("small-count threshold"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("Public reports show counts from 1 to this number minus one as '<N'."),
    )
    family_languages = models.JSONField(
        _("languages offered to families"),
        default=default_family_languages,
        help_text=_("Language codes, for example en, es, ru, vi, zh-hans, so."),
    )
    notice_deadline_days = models.PositiveSmallIntegerField(
        _("notice deadline (days after the first school day)"),
        default=30,
        validators=[MaxValueValidator(180)],
    )
    require_totp_for_admins = models.BooleanField(
        _("require a second factor for program administrators"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        languages = self.family_languages
        if not isinstance(languages, list) or not languages:
            raise ValidationError({"family_languages": _("List at least one language.")})
        for code in languages:
            validate_language_code(code, field="family_languages")
        if "en" not in languages:
            raise ValidationError({"family_languages": _("English must be offered.")})

    def current_school_year(self, on: datetime.date | None = None) -> SchoolYear | None:
        return SchoolYear.objects.filter(district=self).current(on).first()

    def school_year_in_effect(self, on: datetime.date | None = None) -> SchoolYear | None:
        """The current school year or, when `on` falls in no year (the summer before the next
        year is rolled over), the latest year that has ended: its staff keep working."""
        on = on or timezone.localdate()
        return (
            self.current_school_year(on)
            or SchoolYear.objects.filter(district=self, ends_on__lt=on).order_by("-ends_on").first()
        )


class SchoolQuerySet(models.QuerySet["School"]):
    def active(self) -> SchoolQuerySet:
        return self.filter(active=True)


class School(models.Model):
    class Level(models.TextChoices):
        ELEMENTARY = "elementary", _("Elementary")
        MIDDLE = "middle", _("Middle")
        HIGH = "high", _("High")
        K8 = "k8", _("K-8")
        ALTERNATIVE = "alternative", _("Alternative")
        OTHER = "other", _("Other")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)
    building_code = models.CharField(
        _("state building code"),
        max_length=10,
        validators=[RegexValidator(r"^[0-9A-Za-z-]{1,10}$", _("Use letters, digits or '-'."))],
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    grade_span = models.CharField(_("grade span"), max_length=20, help_text=_("For example K-5."))
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "building_code"], name="school_unique_code_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SchoolYearQuerySet(models.QuerySet["SchoolYear"]):
    def current(self, on: datetime.date | None = None) -> SchoolYearQuerySet:
        """The year whose span (1 July to 30 June around its instructional days) holds `on`."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class SchoolYear(models.Model):
    """A school year of one district: label `2026-27` and its instructional days."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="school_years")
    label = models.CharField(
        _("label"),
        max_length=7,
        validators=[RegexValidator(r"^\d{4}-\d{2}$", _("Write the year as 2026-27."))],
    )
    first_instructional_day = models.DateField(_("first instructional day"))
    last_instructional_day = models.DateField(_("last instructional day"))
    # The reporting span: 1 July to 30 June. Derived from the label on save.
    starts_on = models.DateField(editable=False)
    ends_on = models.DateField(editable=False)
    # A closed year's figures are final: set by the closing service, never by a form.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("closed by"),
    )
    history = HistoricalRecords()

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["district", "label"], name="school_year_unique_label")
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.starts_on, self.ends_on = self.span_for_label(self.label)
        super().save(*args, **kwargs)

    @staticmethod
    def span_for_label(label: str) -> tuple[datetime.date, datetime.date]:
        first = int(label[:4])
        return datetime.date(first, 7, 1), datetime.date(first + 1, 6, 30)

    def clean(self) -> None:
        if not self.label or len(self.label) != 7:
            return
        first, second = int(self.label[:4]), int(self.label[5:])
        if (first + 1) % 100 != second:
            raise ValidationError({"label": _("The second year must follow the first.")})
        starts_on, ends_on = self.span_for_label(self.label)
        errors = {}
        if self.first_instructional_day and not (
            starts_on <= self.first_instructional_day <= ends_on
        ):
            errors["first_instructional_day"] = _("This day is outside the school year.")
        if self.last_instructional_day and not (
            starts_on <= self.last_instructional_day <= ends_on
        ):
            errors["last_instructional_day"] = _("This day is outside the school year.")
        if (
            not errors
            and self.first_instructional_day
            and self.last_instructional_day
            and self.last_instructional_day <= self.first_instructional_day
        ):
            errors["last_instructional_day"] = _("The last day must come after the first.")
        if errors:
            raise ValidationError(errors)

    def is_finished(self, on: datetime.date | None = None) -> bool:
        return (on or timezone.localdate()) > self.last_instructional_day

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Enrollment(models.Model):
    """Students enrolled at a school in a school year (October count), for rates per 1,000."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="enrollments")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="enrollments"
    )
    students = models.PositiveIntegerField(_("students enrolled"))
    # Copied from last year's count by the rollover: shown "draft — confirm" and left out of
    # reports until a program administrator (or the SIS import) records the year's count.
    draft = models.BooleanField(_("draft"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="enrollment_unique_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}: {self.students}"

    def clean(self) -> None:
        if self.school_id and self.school_year_id:
            if self.school.district_id != self.school_year.district_id:
                raise ValidationError(_("The school and the year belong to different districts."))


class NonInstructionalDayQuerySet(models.QuerySet["NonInstructionalDay"]):
    def live(self) -> NonInstructionalDayQuerySet:
        """The entries that count: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class NonInstructionalDay(models.Model):
    """A day or a run of days of a school year without instruction (a break, a holiday, a
    closure, a professional day), which `srp.schooldays` leaves out of school days and, when
    the district office is closed too, out of business days.

    Entries are corrected (with history) or withdrawn with a reason, never deleted.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        BREAK = "break", _("Break")
        PROFESSIONAL = "professional", _("Professional day (no students)")
        CLOSURE = "closure", _("Emergency closure")

    # Kinds on which the district office is closed unless the entry says otherwise (the import
    # and the form start from this; a holiday always closes the office).
    OFFICE_CLOSED_KINDS = frozenset({Kind.HOLIDAY, Kind.CLOSURE})

    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="non_instructional_days",
        verbose_name=_("school year"),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(
        _("last day"), help_text=_("The same as the first day for a single day.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    office_closed = models.BooleanField(
        _("district office closed"),
        default=False,
        help_text=_(
            "The district office is closed too, so these days are not business days "
            "(restraint report and notice clocks skip them). Always true for a holiday."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdraw_reason = models.TextField(
        _("reason for withdrawing"), blank=True, max_length=2000, editable=False
    )
    history = HistoricalRecords()

    objects = NonInstructionalDayQuerySet.as_manager()

    class Meta:
        ordering = ["first_day", "pk"]
        verbose_name = _("non-instructional day")
        verbose_name_plural = _("non-instructional days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="non_instructional_day_order",
            )
        ]
        indexes = [
            models.Index(fields=["school_year", "first_day"], name="non_instr_year_first_day")
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.name} ({self.first_day})"
        return f"{self.name} ({self.first_day} – {self.last_day})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def days(self) -> int:
        """Calendar days the entry spans."""
        return (self.last_day - self.first_day).days + 1

    def clean(self) -> None:
        if self.kind == self.Kind.HOLIDAY:
            self.office_closed = True
        if self.first_day is None or self.last_day is None or self.school_year_id is None:
            return
        year = self.school_year
        errors: dict[str, Any] = {}
        for field in ("first_day", "last_day"):
            day = getattr(self, field)
            if not (year.starts_on <= day <= year.ends_on):
                errors[field] = _(
                    "%(day)s is outside the %(year)s school year (%(start)s to %(end)s)."
                ) % {"day": day, "year": year.label, "start": year.starts_on, "end": year.ends_on}
        if not errors and self.last_day < self.first_day:
            errors["last_day"] = _("The last day cannot come before the first day.")
        if not errors and self.withdrawn_at is None:
            other = (
                NonInstructionalDay.objects.live()
                .filter(
                    school_year_id=self.school_year_id,
                    first_day__lte=self.last_day,
                    last_day__gte=self.first_day,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if other is not None:
                errors["first_day"] = _("These days overlap %(other)s already on the calendar.") % {
                    "other": other
                }
        if errors:
            raise ValidationError(errors)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(active=True)

    def with_role(self, *roles: str) -> MembershipQuerySet:
        return self.filter(role__in=roles)


class Membership(models.Model):
    """One role of one user in one district; school-scoped roles name their schools.

    An agency liaison's provider is linked from the agreements app (it owns providers).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    schools = models.ManyToManyField(School, blank=True, related_name="memberships")
    title = models.CharField(_("title"), max_length=120, blank=True)
    # The name this district knows the person by, when it is not theirs to set on the account
    # (an account that also serves another district): blank follows the account's own name.
    first_name = models.CharField(_("first name in this district"), max_length=150, blank=True)
    last_name = models.CharField(_("last name in this district"), max_length=150, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[schools])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["district__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.district.code})"

    @property
    def is_school_scoped(self) -> bool:
        return self.role in SCHOOL_SCOPED_ROLES

    @property
    def names(self) -> tuple[str, str]:
        """(first, last) as the district knows the person."""
        if self.first_name or self.last_name:
            return self.first_name, self.last_name
        return self.user.first_name, self.user.last_name

    @property
    def display_name(self) -> str:
        return " ".join(part for part in self.names if part) or self.user.username


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def due(self, now: datetime.datetime | None = None) -> OutboundEmailQuerySet:
        return self.filter(
            status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )

    def for_district(self, district: District) -> OutboundEmailQuerySet:
        return self.filter(district=district)

    def unconfirmed(self, now: datetime.datetime | None = None) -> OutboundEmailQuerySet:
        """Handed to the mail server by a sender that stopped before it could record the result.

        Such an email may or may not have gone out, so it is never sent again on its own.
        """
        before = (now or timezone.now()) - OutboundEmail.UNCONFIRMED_AFTER
        return self.filter(status=OutboundEmail.Status.SENDING, claimed_at__lt=before)

    def needs_attention(self, now: datetime.datetime | None = None) -> OutboundEmailQuerySet:
        """Failed for good, or unconfirmed: what a program administrator may re-queue."""
        before = (now or timezone.now()) - OutboundEmail.UNCONFIRMED_AFTER
        return self.filter(
            models.Q(status=OutboundEmail.Status.FAILED)
            | models.Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=before)
        )

    def purgeable(self, now: datetime.datetime | None = None) -> OutboundEmailQuerySet:
        """Sent emails holding a private link, sent more than OUTBOX_PURGE_DAYS ago."""
        before = (now or timezone.now()) - datetime.timedelta(days=settings.OUTBOX_PURGE_DAYS)
        return self.filter(
            status=OutboundEmail.Status.SENT,
            private_link=True,
            purged_at__isnull=True,
            sent_at__lt=before,
        )


class OutboundEmail(models.Model):
    """An email in the outbox, written in the transaction of the change that caused it.

    `manage.py send_queued_email` delivers it: queued → sending (claimed and committed before the
    mail server is called) → sent, or back to queued for a retry, or failed after
    OUTBOX_MAX_ATTEMPTS. An email left sending by a sender that stopped is never sent again
    unless a program administrator re-queues it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # A single message takes at most EMAIL_TIMEOUT seconds; one still "sending" after this long
    # belongs to a sender that stopped.
    UNCONFIRMED_AFTER = datetime.timedelta(minutes=10)

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbound_emails",
        help_text=_("Empty for the host's own emails (password links)."),
    )
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    bcc = models.JSONField(default=list)
    reply_to = models.JSONField(default=list)
    headers = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    private_link = models.BooleanField(
        default=False,
        help_text=_(
            "The body holds a private link (a complaint's status link, a password link); "
            "it is removed OUTBOX_PURGE_DAYS after sending."
        ),
    )
    purged_at = models.DateTimeField(null=True, blank=True)
    # Who re-queued an email, and when; the bodies are never copied into the history.
    history = HistoricalRecords(excluded_fields=["body", "html_body", "headers"])

    if TYPE_CHECKING:
        # What simple-history reads from a record being saved (who, why, or not at all).
        skip_history_when_saving: bool
        _history_user: User | None
        _change_reason: str

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["district", "status"], name="outbox_district_status_idx"),
            # The purge, every delivery run, reads only what it may purge.
            models.Index(
                fields=["sent_at"],
                condition=models.Q(private_link=True, purged_at__isnull=True),
                name="outbox_purge_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"

    def is_unconfirmed(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.status == self.Status.SENDING
            and self.claimed_at is not None
            and self.claimed_at < (now or timezone.now()) - self.UNCONFIRMED_AFTER
        )


class OutboundEmailAttachment(models.Model):
    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class DisclosureLogQuerySet(models.QuerySet["DisclosureLog"]):
    def update(self, **kwargs: object) -> int:
        raise ValidationError(_("The disclosure log is never edited."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("The disclosure log is never erased."))


class DisclosureLog(models.Model):
    """Who looked at which education records, and when (FERPA, 34 CFR 99.32; SPEC R-09).

    One row per view, download or export of a complaint, a call with students, a student list,
    a report with unsuppressed figures or the state package. Written by
    `srp.disclosure.disclosure_record` only; append-only: a saved row is never changed or erased.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPORTED = "exported", _("Exported")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    # `app_label.model` of the record, or a report's key (`reports.internal`, `reports.state`).
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record"), max_length=64, blank=True)
    description = models.CharField(_("what"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)

    objects = DisclosureLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("disclosure log entry")
        verbose_name_plural = _("disclosure log")
        indexes = [models.Index(fields=["district", "-at"], name="disclosure_district_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.description} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise ValidationError(_("The disclosure log is never edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The disclosure log is never erased."))


class YearRollover(models.Model):
    """One rollover of a district's school year into the next (`srp.rollover`): who ran it,
    when, and what each step did. One per year rolled from and per year rolled into, so a
    rollover run twice is refused by the database too."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="rollovers")
    from_year = models.OneToOneField(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="rollover_out",
        verbose_name=_("rolled over from"),
    )
    to_year = models.OneToOneField(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="rollover_in",
        verbose_name=_("rolled over into"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("run by"),
    )
    at = models.DateTimeField(_("run at"), default=timezone.now)
    # [{"key", "label", "counts": {...}, "lines": [...]}, ...] in the steps' order.
    summary = models.JSONField(_("summary"), default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.from_year} → {self.to_year}"


class BulkImport(models.Model):
    """One CSV file of schools, people or staff offered for import (issue #14): every row went
    in, or none did; or it was only checked. The audit record of the import (R-23): who, when,
    which file (name, size, SHA-256), rows read, records created and updated, and the first
    errors of a rejected file. Written by `srp.csv_import.run_import` only, never edited."""

    class Kind(models.TextChoices):
        SCHOOLS = "schools", _("Schools")
        PEOPLE = "people", _("People")
        STAFF = "staff", _("Safety and security staff")

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        CHECKED = "checked", _("Checked, nothing imported")
        REJECTED = "rejected", _("Rejected")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="bulk_imports")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records updated"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors only (a file of 10,000 bad rows stays readable): row, column, message.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the import did besides creating and updating (invitations sent, for example).
    notes = models.JSONField(_("notes"), default=list, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulk import")
        verbose_name_plural = _("bulk imports")
        indexes = [
            models.Index(fields=["district", "kind", "-created_at"], name="bulk_import_district")
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def unchanged_count(self) -> int:
        """Rows that matched a record already as the file has it."""
        if self.status != self.Status.IMPORTED:
            return 0
        return max(self.rows - self.created_count - self.updated_count, 0)
