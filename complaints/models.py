"""Families' complaints about safety and security staff (SPEC §4, R-06 to R-09).

A complaint is never hard-deleted: it ends as closed or withdrawn. Its status link token is kept
only as a SHA-256 hash; investigation notes are internal and never reach the public page.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Collection

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import Provider, StaffMember
from srp.models import District, School, SchoolYear, User
from srp.uploads import private_upload_to


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    REFERRED = "referred", _("Referred to provider")
    FINDINGS = "findings", _("Findings made")
    RESPONSE_SENT = "response_sent", _("Response sent")
    CLOSED = "closed", _("Closed")
    APPEALED = "appealed", _("Appeal under review")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which the district still owes the family an answer.
OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.UNDER_INVESTIGATION,
        Status.REFERRED,
        Status.FINDINGS,
        Status.APPEALED,
    }
)


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent or guardian")
    STUDENT = "student", _("Student")
    COMMUNITY = "community", _("Community member")
    OTHER = "other", _("Other")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    MAIL = "mail", _("Mail")
    NONE = "none", _("Do not contact me")


class Category(models.TextChoices):
    JOB_DUTIES = "job_duties", _("Job duties")
    STUDENT_INTERACTION = "student_interaction", _("Student interaction")
    OTHER = "other", _("Other")


class Finding(models.TextChoices):
    SUSTAINED = "sustained", _("Sustained")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    EXONERATED = "exonerated", _("Exonerated")
    UNFOUNDED = "unfounded", _("Unfounded")
    POLICY_FAILURE = "policy_failure", _("Policy failure")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What each finding means, in words a family understands (used in the response letter).
FINDING_PLAIN = {
    Finding.SUSTAINED: _("What you described happened, and it was against the rules."),
    Finding.NOT_SUSTAINED: _(
        "We could not find enough information to show whether it happened or not."
    ),
    Finding.EXONERATED: _("It happened, but it was within the rules and the law."),
    Finding.UNFOUNDED: _("The information we found shows it did not happen."),
    Finding.POLICY_FAILURE: _(
        "It happened because our rules or training were not good enough; we will change them."
    ),
    Finding.WITHDRAWN: _("You withdrew this part of the complaint."),
}


class ComplaintCounter(models.Model):
    """The last reference number given in a district and calendar year (locked to increment)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="complaint_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.district_id}/{self.year}: {self.last_number}"


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def in_district(self, district: District) -> ComplaintQuerySet:
        return self.filter(district=district)

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, on: datetime.date | None = None) -> ComplaintQuerySet:
        """Open complaints past their acknowledgement or response deadline."""
        on = on or timezone.localdate()
        return self.open().filter(
            Q(status=Status.RECEIVED, acknowledge_due__lt=on)
            | Q(respond_due__lt=on, response_sent_at__isnull=True)
            | Q(status=Status.APPEALED, respond_due__lt=on)
        )

    def due_within(self, days: int, on: datetime.date | None = None) -> ComplaintQuerySet:
        on = on or timezone.localdate()
        limit = on + datetime.timedelta(days=days)
        return self.open().filter(
            Q(status=Status.RECEIVED, acknowledge_due__lte=limit)
            | Q(respond_due__lte=limit, response_sent_at__isnull=True)
        )

    def not_about(
        self, user: User | None, *, referred_to: Collection[int] = ()
    ) -> ComplaintQuerySet:
        """Without the complaints this person may never open (R-09); every reader goes through
        here (`complaints.selectors.complaints_for_scope`, the assignment rule, reminders).

        A complaint is about a person when its staff member, or the staff member of any of its
        allegations, is one of their roster entries (`StaffMember.objects.of_person`: the entry
        linked to their account or, until one is linked, an entry with their email). Staff of
        the same provider as a subject do not see it either, unless it was referred to a
        provider they are the liaison for (`referred_to`).

        The person's roster entries are read first (one small query) so that the complaint
        query itself only gains conditions for the few people who are on the roster; the
        conditions are a join and NOT EXISTS per candidate row, not a `pk NOT IN` subquery over
        every complaint of the instance (68 ms at 100,000 complaints).
        """
        entries = list(StaffMember.objects.of_person(user).values_list("pk", "employer_id"))
        if not entries:
            return self
        staff_ids = sorted({pk for pk, _employer in entries})
        qs = self.exclude(staff_member_id__in=staff_ids).exclude(
            Exists(
                Allegation.objects.filter(complaint=OuterRef("pk"), staff_member_id__in=staff_ids)
            )
        )
        employers = sorted({employer for _pk, employer in entries if employer is not None})
        if employers:
            same_provider = Q(staff_member__employer_id__in=employers) | Exists(
                Allegation.objects.filter(
                    complaint=OuterRef("pk"), staff_member__employer_id__in=employers
                )
            )
            qs = qs.exclude(same_provider & ~Q(referred_provider_id__in=list(referred_to)))
        return qs

    def received_in(self, school_year: SchoolYear) -> ComplaintQuerySet:
        """For the annual report: complaints received in the year's 1 July – 30 June span."""
        return self.filter(
            district_id=school_year.district_id,
            received_at__date__gte=school_year.starts_on,
            received_at__date__lte=school_year.ends_on,
        )

    def with_list_data(self) -> ComplaintQuerySet:
        return self.select_related("school", "staff_member", "investigator", "referred_provider")

    def days_to_respond(self) -> list[int]:
        """Days from receipt to the response letter, for complaints that have one."""
        return [
            (sent.date() - received.date()).days
            for received, sent in self.filter(response_sent_at__isnull=False).values_list(
                "received_at", "response_sent_at"
            )
        ]

    def median_days_to_respond(self) -> float | None:
        days = self.days_to_respond()
        return statistics.median(days) if days else None


class Complaint(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="complaints")
    reference = models.CharField(_("reference"), max_length=20)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("school")
    )
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("staff member"),
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    location = models.CharField(_("where it happened"), max_length=300)
    description = models.TextField(_("what happened"))
    requested_outcome = models.TextField(_("what you are asking for"), blank=True)
    relationship = models.CharField(
        _("relationship to the student"), max_length=20, choices=Relationship.choices
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_preference = models.CharField(
        _("how to contact you"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.NONE,
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mailing_address = models.TextField(_("mailing address"), blank=True)
    language = models.CharField(_("preferred language"), max_length=10, default="en")

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    investigation_started_at = models.DateTimeField(
        _("investigation started"), null=True, blank=True
    )
    findings_at = models.DateTimeField(_("findings made"), null=True, blank=True)
    response_sent_at = models.DateTimeField(_("response sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    appealed_at = models.DateTimeField(_("appeal received"), null=True, blank=True)
    appeal_reason = models.TextField(_("appeal"), blank=True)

    acknowledge_due = models.DateField(_("acknowledge by"))
    respond_due = models.DateField(_("respond by"))
    investigation_due = models.DateField(_("investigation ends by"))

    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("investigator"),
    )
    referred_provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_complaints",
        verbose_name=_("referred to"),
    )
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    provider_case_number = models.CharField(_("provider's case number"), max_length=60, blank=True)
    response_letter = models.FileField(
        upload_to=private_upload_to("complaints/letters"), blank=True, editable=False
    )
    response_letter_language = models.CharField(max_length=10, blank=True, editable=False)
    status_link_expires_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["district", "status"], name="complaint_district_status"),
            # The annual report's year of complaints (a received_at range per district).
            models.Index(fields=["district", "received_at"], name="complaint_district_received"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "reference"], name="complaint_reference_unique_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        if not self.is_open:
            return False
        if self.status == Status.RECEIVED and self.acknowledge_due < on:
            return True
        return self.response_sent_at is None and self.respond_due < on

    @property
    def next_due(self) -> datetime.date:
        """The deadline that matters now: acknowledgement while received, else the response."""
        if self.status == Status.RECEIVED:
            return min(self.acknowledge_due, self.respond_due)
        return self.respond_due

    @property
    def days_to_respond(self) -> int | None:
        if self.response_sent_at is None:
            return None
        return (self.response_sent_at.date() - self.received_at.date()).days

    @property
    def status_tone(self) -> str:
        if self.status in {Status.CLOSED, Status.RESPONSE_SENT}:
            return "success"
        if self.status == Status.WITHDRAWN:
            return "secondary"
        return "info"


class AllegationQuerySet(models.QuerySet["Allegation"]):
    def counts_by_category(self) -> dict[str, int]:
        counts = dict(self.values_list("category").annotate(n=Count("pk")).order_by())
        return {value: counts.get(value, 0) for value in Category.values}

    def counts_by_finding(self) -> dict[str, int]:
        counts = dict(
            self.exclude(finding="").values_list("finding").annotate(n=Count("pk")).order_by()
        )
        return {value: counts.get(value, 0) for value in Finding.values}


class Allegation(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="allegations")
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allegations",
        verbose_name=_("staff member"),
        help_text=_("Leave empty when the staff member is not known."),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    summary = models.TextField(_("allegation"))
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    finding_explanation = models.TextField(
        _("finding in plain words"),
        blank=True,
        help_text=_("This text goes into the response letter to the family."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AllegationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.get_category_display()}"

    @property
    def finding_plain(self) -> str:
        return str(FINDING_PLAIN.get(self.finding, ""))


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=private_upload_to("complaints/attachments"))
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Event(models.Model):
    """A step on the complaint's timeline. `public` events appear on the family's status page."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d}"


class InvestigationNote(models.Model):
    """Internal: never shown on the public status page nor to the complaint's subject."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.complaint_id}"


class Extension(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="extensions")
    previous_due = models.DateField()
    new_due = models.DateField(_("new response date"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.previous_due} → {self.new_due}"


class AccessLog(models.Model):
    """Every time a signed-in person opens a complaint (R-09): who and when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    what = models.CharField(max_length=60, default="detail")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.complaint_id} at {self.at:%Y-%m-%d %H:%M}"


class ReminderSent(models.Model):
    """One reminder email to one investigator on one day (keeps `send_reminders` idempotent)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    complaints = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "on"], name="complaint_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.on}"


class LetterText(models.Model):
    """The district's own wording of the response letter in one language (R-08, R-26)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="letter_texts")
    language = models.CharField(_("language"), max_length=10)
    opening = models.TextField(
        _("opening paragraph"),
        help_text=_("Thanks the family and says what the district looked into."),
    )
    appeal_route = models.TextField(
        _("how to appeal"), help_text=_("Who to write to, by when, and what happens next.")
    )
    closing = models.TextField(_("closing paragraph"), blank=True)
    signature = models.CharField(_("signed by"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["district", "language"], name="letter_text_unique")
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.language}"


class ProviderOutcome(models.TextChoices):
    """What the provider told the district it concluded on a complaint referred to it."""

    PENDING = "pending", _("Still under review by the provider")
    SUSTAINED = "sustained", _("Sustained")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    EXONERATED = "exonerated", _("Exonerated")
    UNFOUNDED = "unfounded", _("Unfounded")
    DECLINED = "declined", _("The provider declined to investigate")
    REFERRED_ON = "referred_on", _("Referred on to another agency")
    OTHER = "other", _("Other")


class ProviderResponse(models.Model):
    """The provider's answer on a complaint referred to it, recorded by its liaison (issue #14
    item 5): its own case number, what it concluded and when the district heard. One per
    complaint and provider; corrected through `referral_record_provider_outcome` with a reason,
    never deleted."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="provider_responses"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    case_number = models.CharField(_("provider's case number"), max_length=60, blank=True)
    outcome = models.CharField(
        _("provider's outcome"), max_length=20, choices=ProviderOutcome.choices
    )
    outcome_text = models.TextField(_("what the provider concluded"), blank=True)
    received_on = models.DateField(_("provider's response received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "provider"], name="provider_response_once_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.get_outcome_display()}"


class ProviderDocument(models.Model):
    """A document the provider sent with its response (its report, a letter): checked by its
    bytes, stored privately, served only to those who may open the complaint."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="provider_documents"
    )
    response = models.ForeignKey(
        ProviderResponse, on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(upload_to=private_upload_to("complaints/provider"))
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
