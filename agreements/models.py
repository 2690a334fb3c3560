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
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from srp.models import District, Membership, School, SchoolYear

MAX_DAYS_PER_WEEK = Decimal("5")


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
    def active_on(self, on: datetime.date | None = None) -> StaffMemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(active_from__lte=on).filter(
            Q(active_until__isnull=True) | Q(active_until__gte=on)
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
    commissioned = models.BooleanField(
        _("commissioned law enforcement officer"), default=False
    )
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
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
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
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
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


class StaffAssignment(models.Model):
    """A staff member's days per week at one school in one school year."""

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
    history = HistoricalRecords()

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

    def clean(self) -> None:
        if not (self.staff_member_id and self.school_id and self.school_year_id):
            return
        district_id = self.staff_member.district_id
        if self.school.district_id != district_id or self.school_year.district_id != district_id:
            raise ValidationError(_("The school, year and staff member must share a district."))
        if self.days_per_week is None:
            return
        others = (
            StaffAssignment.objects.filter(
                staff_member_id=self.staff_member_id, school_year_id=self.school_year_id
            )
            .exclude(pk=self.pk)
            .aggregate(total=Sum("days_per_week"))["total"]
            or Decimal("0")
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
