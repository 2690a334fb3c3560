"""Providers, the safety and security staff roster and school assignments (SPEC §3).

The agreement lifecycle, training and evaluations build on these models.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from srp.models import District, Membership, School, SchoolYear, User
from srp.uploads import private_upload_to

MAX_DAYS_PER_WEEK = Decimal("5")


class VoidableQuerySet(models.QuerySet):
    """Reads of records that are voided rather than deleted: `live()` is what counts."""

    def live(self) -> VoidableQuerySet:
        return self.filter(voided_at__isnull=True)

    def voided(self) -> VoidableQuerySet:
        return self.filter(voided_at__isnull=False)


class Voidable(models.Model):
    """A record that stays as first written: a mistaken one is voided with a reason, never
    deleted. A voided row is still shown (struck through, with its reason) and counts for
    nothing: not for compliance, not for the annual review's engagement, not for a topic."""

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=2000)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Provider(models.Model):
    """A law enforcement agency or security guard company that supplies staff."""

    class Kind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement agency")
        SECURITY_COMPANY = "security_company", _("Security guard company")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="providers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    complaint_address = models.TextField(
        _("where families may complain to the provider directly"),
        blank=True,
        help_text=_("Postal address, office or web page for complaints to the provider."),
    )
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    complaint_url = models.URLField(_("complaint web page"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="provider_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class LiaisonLink(models.Model):
    """Ties an agency-liaison membership to the provider it speaks for."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="liaison_link"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="liaison_links")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.membership.user} → {self.provider}"

    def clean(self) -> None:
        if self.membership.district_id != self.provider.district_id:
            raise ValidationError(_("The liaison and the provider belong to different districts."))


class StaffMemberQuerySet(models.QuerySet["StaffMember"]):
    """Who a roster entry is (R-09) is decided here, in both directions, by one rule: the entry
    linked to an account is that account's person; an entry not linked to any account is, until
    it is linked, the person of any account whose email is, or ever was, the entry's (compared
    without case). A family names a roster entry whether or not anyone has linked it to a
    sign-in account yet, and changing one's email on one's profile does not undo the match."""

    def of_person(self, user: User | None) -> StaffMemberQuerySet:
        """The roster entries that are this account's person (usually none or one)."""
        if user is None or user.pk is None:
            return self.none()
        email = (user.email or "").strip().lower()
        # The account's past emails, from its history (one subquery, not a round trip).
        past = (
            User.history.filter(id=user.pk)
            .exclude(email="")
            .annotate(email_lower=Lower(Trim("email")))
            .values("email_lower")
        )
        by_email = Q(email_lower__in=past)
        if email:
            by_email |= Q(email_lower=email)
        return self.alias(email_lower=Lower(Trim("email"))).filter(
            Q(user=user) | (Q(user__isnull=True) & ~Q(email="") & by_email)
        )

    def account_ids(self) -> set[int]:
        """The accounts whose person is one of these roster entries (the inverse of
        `of_person`): the linked accounts, and for unlinked entries any account whose email is
        or was theirs. Two queries at most."""
        linked: set[int] = set()
        emails: set[str] = set()
        for user_id, email in self.values_list("user_id", "email"):
            if user_id is not None:
                linked.add(user_id)
            elif email and email.strip():
                emails.add(email.strip().lower())
        if emails:
            wanted = sorted(emails)
            past = (
                User.history.annotate(email_lower=Lower(Trim("email")))
                .filter(email_lower__in=wanted)
                .values("id")
            )
            linked |= set(
                User.objects.alias(email_lower=Lower(Trim("email")))
                .filter(Q(email_lower__in=wanted) | Q(pk__in=past))
                .values_list("pk", flat=True)
            )
        return linked

    def active_on(self, on: datetime.date | None = None) -> StaffMemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(active_from__lte=on).filter(
            Q(active_until__isnull=True) | Q(active_until__gte=on)
        )

    def with_training_counts(self, on: datetime.date) -> StaffMemberQuerySet:
        """Annotate what training compliance needs, counted in the database: distinct classroom
        topics, on-the-job days, check-ins, the day each component was completed (the date of
        its last required record, for "done late"), and whether ESD documentation was issued
        by `on`. Voided records count for nothing. `agreements.training.status_from_counts`
        reads these (a dashboard over thousands of staff then loads no training rows)."""
        live = Q(training_records__voided_at__isnull=True)
        return self.annotate(
            classroom_topics=Count(
                "training_records__topic",
                filter=live & Q(training_records__kind=TrainingRecord.Kind.CLASSROOM),
                distinct=True,
            ),
            on_the_job_days=Count(
                "training_records",
                filter=live & Q(training_records__kind=TrainingRecord.Kind.ON_THE_JOB),
                distinct=True,
            ),
            check_ins=Count(
                "training_records",
                filter=live & Q(training_records__kind=TrainingRecord.Kind.CHECK_IN),
                distinct=True,
            ),
            classroom_completed_on=_nth_completed(
                TrainingRecord.Kind.CLASSROOM, len(TrainingTopic.values)
            ),
            on_the_job_completed_on=_nth_completed(
                TrainingRecord.Kind.ON_THE_JOB, ON_THE_JOB_DAYS_REQUIRED
            ),
            check_ins_completed_on=_nth_completed(TrainingRecord.Kind.CHECK_IN, CHECK_INS_REQUIRED),
            esd_documented=Exists(
                EsdDocumentation.objects.live().filter(
                    staff_member=OuterRef("pk"), issued_on__lte=on
                )
            ),
        )


def _nth_completed(kind: str, required: int) -> Subquery:
    """The date of the `required`-th live record of that kind (when the component was
    completed), or NULL while fewer are recorded. Live classroom records have one topic each."""
    return Subquery(
        TrainingRecord.objects.live()
        .filter(staff_member=OuterRef("pk"), kind=kind)
        .order_by("completed_on", "pk")
        .values("completed_on")[required - 1 : required]
    )


class StaffMember(models.Model):
    """A school resource officer, security officer or other safety and security staff member."""

    class Kind(models.TextChoices):
        SRO = "sro", _("School resource officer")
        SCHOOL_SECURITY_OFFICER = "school_security_officer", _("School security officer")
        CAMPUS_SECURITY_OFFICER = "campus_security_officer", _("Campus security officer")
        OTHER = "other", _("Other safety and security staff")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="staff_members")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    commissioned = models.BooleanField(_("commissioned law enforcement officer"), default=False)
    employer = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_members",
        verbose_name=_("employer"),
        help_text=_("Leave empty when the district employs this person."),
    )
    badge_number = models.CharField(_("badge or employee number"), max_length=40)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("work email"), blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    first_day_on_campus = models.DateField(
        _("first day on school property with students present"), null=True, blank=True
    )
    # One roster entry per account and district: a person who works for several districts of an
    # instance (an ESD's officer, say) is on each district's roster, each linked to their one
    # account, and no district learns of the others' entries.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_members",
        verbose_name=_("sign-in account"),
    )
    history = HistoricalRecords()

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "badge_number"], name="staff_unique_badge_per_district"
            ),
            models.UniqueConstraint(
                fields=["district", "user"], name="staff_one_entry_per_account_and_district"
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="staff_active_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_sro(self) -> bool:
        return self.kind == self.Kind.SRO

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.SRO and not self.commissioned:
            errors["commissioned"] = _("A school resource officer is a commissioned officer.")
        if self.kind == self.Kind.SRO and self.employer_id is None:
            errors["employer"] = _(
                "A school resource officer is employed by a police department or sheriff's office."
            )
        if self.employer_id and self.district_id and self.employer.district_id != self.district_id:
            errors["employer"] = _("This provider belongs to another district.")
        if self.active_until and self.active_from and self.active_until < self.active_from:
            errors["active_until"] = _("The end date comes before the start date.")
        if errors:
            raise ValidationError(errors)


class StaffAssignmentQuerySet(models.QuerySet["StaffAssignment"]):
    def not_ended(self) -> StaffAssignmentQuerySet:
        """Assignments still running (no end date recorded)."""
        return self.filter(ended_on__isnull=True)

    def to_confirm(self) -> StaffAssignmentQuerySet:
        """Carried forward by the rollover and waiting to be confirmed or ended."""
        return self.filter(
            carried_forward_from__isnull=False, confirmed_at__isnull=True, ended_on__isnull=True
        )

    def active_on(self, on: datetime.date | None = None) -> StaffAssignmentQuerySet:
        """Assignments the staff member still works on `on` (an assignment ends after its
        end date). Reports of a school year read every assignment of that year, ended or not:
        ending one never rewrites a year's figures."""
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


class StaffAssignment(models.Model):
    """A staff member's days per week at one school in one school year.

    An assignment is never deleted: it ends with a date (`ended_on`, the last day at the
    school), and stays in its year's records and reports."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="assignments"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff_assignments")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="staff_assignments"
    )
    days_per_week = models.DecimalField(
        _("days per week"),
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_DAYS_PER_WEEK)],
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # Set by the rollover (`agreements.rollover`): last year's assignment this one carries
    # forward. Such an assignment counts at once (the staff member keeps working at the
    # school) and waits for a program administrator to confirm it or end it.
    carried_forward_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("carried forward from"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    history = HistoricalRecords()

    objects = StaffAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "school", "school_year"], name="assignment_unique"
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__gt=0) & Q(days_per_week__lte=5),
                name="assignment_days_between_0_and_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} at {self.school} ({self.days_per_week} d/wk)"

    @property
    def to_confirm(self) -> bool:
        """Carried forward by the rollover, not yet confirmed or ended."""
        return (
            self.carried_forward_from_id is not None
            and self.confirmed_at is None
            and self.ended_on is None
        )

    def clean(self) -> None:
        if not (self.staff_member_id and self.school_id and self.school_year_id):
            return
        district_id = self.staff_member.district_id
        if self.school.district_id != district_id or self.school_year.district_id != district_id:
            raise ValidationError(_("The school, year and staff member must share a district."))
        if self.days_per_week is None:
            return
        if self.ended_on is not None:
            return
        others = StaffAssignment.objects.filter(
            staff_member_id=self.staff_member_id, school_year_id=self.school_year_id
        ).not_ended().exclude(pk=self.pk).aggregate(total=Sum("days_per_week"))["total"] or Decimal(
            "0"
        )
        if others + self.days_per_week > MAX_DAYS_PER_WEEK:
            raise ValidationError(
                {
                    "days_per_week": _(
                        "This makes %(total)s days a week across schools; the most is 5."
                    )
                    % {"total": others + self.days_per_week}
                }
            )


# ---------------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months; the 29th-31st fall back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


_document_path = private_upload_to("agreements/documents")
_engagement_path = private_upload_to("agreements/engagement")
_esd_path = private_upload_to("agreements/esd")


# Module-level functions so that migrations can name them; the stored name is a random uuid.
def agreement_document_path(instance: object, filename: str) -> str:
    return _document_path(instance, filename)


def engagement_attachment_path(instance: object, filename: str) -> str:
    return _engagement_path(instance, filename)


def esd_document_path(instance: object, filename: str) -> str:
    return _esd_path(instance, filename)


REVIEW_AFTER_MONTHS = 12
REVIEW_WARNING_DAYS = 60


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force(self, on: datetime.date | None = None) -> AgreementQuerySet:
        """Adopted (or re-adopted, or adopted and awaiting its review) and within its dates."""
        on = on or timezone.localdate()
        return self.filter(status__in=Agreement.IN_FORCE_STATUSES, effective_from__lte=on).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=on)
        )

    def adopted(self) -> AgreementQuerySet:
        return self.filter(status__in=Agreement.IN_FORCE_STATUSES)

    def review_warning_window(self, on: datetime.date | None = None) -> AgreementQuerySet:
        """In-force agreements whose review falls due within 60 days (or is already due)."""
        on = on or timezone.localdate()
        return self.adopted().filter(
            review_due_on__isnull=False,
            review_due_on__lte=on + datetime.timedelta(days=REVIEW_WARNING_DAYS),
        )


class Agreement(models.Model):
    """An agreement with a provider, adopted by the board and reviewed every year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMMUNITY_REVIEW = "community_review", _("Community review")
        READY = "ready", _("Ready for adoption")
        ADOPTED = "adopted", _("Adopted")
        REVIEW_DUE = "review_due", _("Review due")
        READOPTED = "readopted", _("Re-adopted")
        ENDED = "ended", _("Ended")

    IN_FORCE_STATUSES = (Status.ADOPTED, Status.READOPTED, Status.REVIEW_DUE)

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="agreements")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("provider")
    )
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    document = models.FileField(
        _("signed agreement (PDF)"),
        upload_to=agreement_document_path,
        blank=True,
        max_length=255,
    )
    document_name = models.CharField(max_length=255, blank=True)
    adopted_on = models.DateField(_("last adopted on"), null=True, blank=True)
    board_action = models.CharField(
        _("board motion or resolution number"), max_length=100, blank=True
    )
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="agreement_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.status in self.IN_FORCE_STATUSES

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.is_adopted
            and self.effective_from <= on
            and (self.effective_until is None or self.effective_until >= on)
        )

    @property
    def review_warning_on(self) -> datetime.date | None:
        if self.review_due_on is None:
            return None
        return self.review_due_on - datetime.timedelta(days=REVIEW_WARNING_DAYS)

    def status_tone(self) -> str:
        return {
            self.Status.ADOPTED: "success",
            self.Status.READOPTED: "success",
            self.Status.REVIEW_DUE: "warning",
            self.Status.ENDED: "secondary",
            self.Status.READY: "info",
        }.get(self.status, "primary")


class RequiredElement(models.TextChoices):
    """The elements an agreement must contain (SPEC R-01, RCW 28A.320.1242)."""

    A1 = "A1", _("A1 – SROs barred from formal school discipline")
    A2 = "A2", _("A2 – Trained staff know when to interact informally and when to enforce the law")
    A3 = "A3", _("A3 – When teachers and administrators may ask staff to intervene")
    A4 = "A4", _("A4 – How staff build a positive climate and relationships")
    A5 = (
        "A5",
        _(
            "A5 – How families complain to the school and the provider, and how complaints are "
            "investigated and answered"
        ),
    )
    B1 = "B1", _("B1 – Jointly determined hiring and placement process")
    B2 = "B2", _("B2 – Performance evaluation process")
    C = "C", _("C – Training documentation confirmed, or the plan to complete it")
    D = "D", _("D – Annual collection and reporting of calls for service and their outcomes")
    E = "E", _("E – Duties and limits consistent with the policy (no immigration enforcement)")


class AgreementElement(models.Model):
    """One required element of an agreement: present or not, and where it is written."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(_("element"), max_length=2, choices=RequiredElement.choices)
    present = models.BooleanField(_("present in the agreement"), default=False)
    section = models.CharField(_("section"), max_length=60, blank=True)
    page = models.PositiveSmallIntegerField(
        _("page"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    excerpt = models.TextField(_("excerpt"), blank=True, max_length=4000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="element_unique_code"),
            models.CheckConstraint(
                condition=Q(present=False) | (~Q(section="") & Q(page__isnull=False)),
                name="element_present_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def reference(self) -> str:
        if not self.present:
            return ""
        return _("section %(section)s, page %(page)s") % {
            "section": self.section,
            "page": self.page,
        }


class AnnualReview(models.Model):
    """The review of an agreement in one school year, with the community's engagement."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ADOPTED = "adopted", _("Adopted")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="agreement_reviews",
        verbose_name=_("school year"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("notes"), blank=True, max_length=10000)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    board_action = models.CharField(
        _("board motion or resolution number"), max_length=100, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "school_year"], name="review_one_per_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {self.school_year}"


class EngagementEvent(Voidable):
    """A meeting, survey, public comment period or listening session of an annual review."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        SURVEY = "survey", _("Survey")
        PUBLIC_COMMENT = "public_comment", _("Public comment")
        LISTENING_SESSION = "listening_session", _("Listening session")

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="events")
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parents = models.PositiveIntegerField(_("parents and guardians"), default=0)
    students = models.PositiveIntegerField(_("students"), default=0)
    community_members = models.PositiveIntegerField(_("community members"), default=0)
    summary = models.TextField(_("summary"), max_length=10000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parents__gt=0) | Q(students__gt=0) | Q(community_members__gt=0),
                name="engagement_has_participants",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def participants(self) -> int:
        return self.parents + self.students + self.community_members


class EngagementAttachment(Voidable):
    event = models.ForeignKey(EngagementEvent, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=engagement_attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.original_name


class BoardAdoption(models.Model):
    """A board action adopting or re-adopting an agreement (R-03)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="adoptions")
    review = models.OneToOneField(
        AnnualReview, on_delete=models.PROTECT, related_name="adoption", null=True, blank=True
    )
    adopted_on = models.DateField(_("date of the board action"))
    board_action = models.CharField(_("board motion or resolution number"), max_length=100)
    readoption = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-adopted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.adopted_on} ({self.board_action})"


class ReviewReminder(models.Model):
    """Which review warning was emailed for which due date, so it is sent once (R-03)."""

    class Kind(models.TextChoices):
        WARNING = "warning_60", _("60-day warning")
        DUE = "due", _("Review due")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    review_due_on = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "review_due_on"], name="review_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.kind} {self.review_due_on}"


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------
class TrainingTopic(models.TextChoices):
    """The 13 classroom topics of the training series (RCW 28A.310.515)."""

    CIVIL_RIGHTS = (
        "civil_rights",
        _(
            "Constitutional and civil rights of children, including search and interrogation "
            "of youth"
        ),
    )
    DEVELOPMENT = "development", _("Child and adolescent development")
    TRAUMA = "trauma", _("Trauma-informed approaches")
    MENTAL_HEALTH = "mental_health", _("Youth mental health")
    DISABILITIES = (
        "disabilities",
        _("Rights of students with disabilities and disability-related behaviour"),
    )
    BIAS_FREE = "bias_free", _("Bias-free policing and cultural competency")
    DISPARITIES = "disparities", _("Disparities in use of force and arrests of children")
    COLLATERAL = "collateral", _("Collateral consequences of arrest and court involvement")
    ALTERNATIVES = "alternatives", _("Community alternatives to arrest")
    DE_ESCALATION = "de_escalation", _("De-escalation")
    RESTRAINT = "restraint", _("Restraint and isolation law")
    FERPA = "ferpa", _("FERPA")
    RESTORATIVE = "restorative", _("Restorative justice")


CLASSROOM_DUE_MONTHS = 6
ON_THE_JOB_DUE_MONTHS = 12
ON_THE_JOB_DAYS_REQUIRED = 2
CHECK_INS_REQUIRED = 6


class TrainingRecord(Voidable):
    """One completed piece of training: a classroom topic, an on-the-job day or a check-in."""

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom topic")
        ON_THE_JOB = "on_the_job", _("On-the-job training day")
        CHECK_IN = "check_in", _("Check-in")

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="training_records"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices, blank=True)
    completed_on = models.DateField(_("completed on"))
    provided_by = models.CharField(
        _("trainer or experienced staff member"), max_length=200, blank=True
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["completed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "topic"],
                # A voided record neither blocks re-entering its topic nor counts for it.
                condition=Q(kind="classroom", voided_at__isnull=True),
                name="training_topic_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="classroom") & ~Q(topic=""))
                | (~Q(kind="classroom") & Q(topic="")),
                name="training_topic_only_for_classroom",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_topic_display() if self.topic else self.get_kind_display()
        return f"{label} {self.completed_on}"


class EsdDocumentation(Voidable):
    """The educational service district's documentation that the whole series is complete."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="esd_documents"
    )
    issuer = models.CharField(_("issuing educational service district"), max_length=200)
    issued_on = models.DateField(_("date issued"))
    file = models.FileField(_("document (PDF)"), upload_to=esd_document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.issuer} {self.issued_on}"


# ---------------------------------------------------------------------------------------------
# Hiring, placement and evaluations
# ---------------------------------------------------------------------------------------------
class HiringRecord(Voidable):
    """A jointly determined hiring or placement decision (agreement element B1)."""

    class Kind(models.TextChoices):
        HIRING = "hiring", _("Hiring")
        PLACEMENT = "placement", _("Placement at a school")

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="hiring_records"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    decided_on = models.DateField(_("date of the decision"))
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hiring_records",
        verbose_name=_("agreement whose process was followed"),
    )
    district_participants = models.CharField(_("for the district"), max_length=300)
    provider_participants = models.CharField(_("for the provider"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"


class PerformanceEvaluation(Voidable):
    """A performance evaluation following the agreement's process (agreement element B2)."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluated_on = models.DateField(_("date of the evaluation"))
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("agreement whose process was followed"),
    )
    district_evaluator = models.CharField(_("district evaluator"), max_length=200)
    provider_evaluator = models.CharField(_("provider evaluator"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=10000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.evaluated_on}"
