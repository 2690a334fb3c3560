"""What srp keeps of a district's student information system (SIS) export.

Kept to the minimum the reports and the call form need: enrollment counts per school and year
with their subgroup counts (rates per 1,000 by subgroup), and per district student number the
five demographics a call records. Never a name, a birth date, a place of birth or anything about
immigration or citizenship (R-22): the importer does not read those columns at all.

The demographic codes are those of `incidents.models` (grade, race and ethnicity, sex,
disability, English learner); `sis` sits below `incidents` and cannot import them, so they are
spelled here and a test holds the two lists equal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from srp.models import District, School, SchoolYear

NOT_GIVEN = "not_given"

GRADES = ("PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
RACES = (
    "hispanic_latino",
    "american_indian_alaska_native",
    "asian",
    "black_african_american",
    "native_hawaiian_pacific_islander",
    "white",
    "two_or_more",
)
SEXES = ("female", "male", "x")
DISABILITIES = ("none", "idea", "section_504")
ENGLISH_LEARNER = ("yes", "no")


class Dimension(models.TextChoices):
    RACE = "race_ethnicity", _("Race and ethnicity")
    SEX = "sex", _("Sex")
    DISABILITY = "disability", _("Disability")
    ENGLISH_LEARNER = "english_learner", _("English learner")
    GRADE = "grade", _("Grade")


# The values each dimension may take in the counts ("not_given" where the SIS said nothing).
DIMENSION_VALUES: dict[str, tuple[str, ...]] = {
    Dimension.RACE: (*RACES, NOT_GIVEN),
    Dimension.SEX: (*SEXES, NOT_GIVEN),
    Dimension.DISABILITY: (*DISABILITIES, NOT_GIVEN),
    Dimension.ENGLISH_LEARNER: (*ENGLISH_LEARNER, NOT_GIVEN),
    Dimension.GRADE: (*GRADES, NOT_GIVEN),
}


class RosterImport(models.Model):
    """One OneRoster zip offered for import: the whole file went in, or nothing did.

    The audit record of the load (who, when, which file by name, size and SHA-256, what it gave,
    the first errors of a rejected file, the columns dropped unread). The student records it
    wrote link to it; they get no history row of their own at import (R-23, as the call import).
    """

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Rejected")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="roster_imports")
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roster_imports",
        verbose_name=_("school year"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    oneroster_version = models.CharField(_("OneRoster version"), max_length=10, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    schools = models.PositiveIntegerField(_("schools"), default=0)
    students = models.PositiveIntegerField(_("students"), default=0)
    enrollments = models.PositiveIntegerField(_("enrollments"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors only: file, row, column, message.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Columns present in the file and never read past the header ("file: column").
    dropped_columns = models.JSONField(_("columns dropped unread"), default=list, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class EnrollmentSubgroupQuerySet(models.QuerySet["EnrollmentSubgroup"]):
    def of_year(self, school_year: SchoolYear) -> EnrollmentSubgroupQuerySet:
        return self.filter(school_year=school_year)


class EnrollmentSubgroup(models.Model):
    """Students enrolled at a school in a year with one value of one demographic dimension,
    as the SIS gave it. The total is `srp.models.Enrollment`; re-importing a year replaces
    the counts (their history keeps the old ones)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=40)
    students = models.PositiveIntegerField(_("students enrolled"), default=0)
    roster_import = models.ForeignKey(
        RosterImport, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    history = HistoricalRecords()

    objects = EnrollmentSubgroupQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "dimension", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "dimension", "value"],
                name="sis_subgroup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.school_year_id} {self.dimension}={self.value}"


class StudentRecord(models.Model):
    """The demographics of one district student number as the last roster import gave them,
    to fill what a call left blank. Blank means the SIS did not say."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    student_number = models.CharField(_("district student number"), max_length=40)
    grade = models.CharField(_("grade"), max_length=2, blank=True)
    race_ethnicity = models.CharField(_("race and ethnicity"), max_length=40, blank=True)
    sex = models.CharField(_("sex"), max_length=6, blank=True)
    disability = models.CharField(_("disability"), max_length=12, blank=True)
    english_learner = models.CharField(_("English learner"), max_length=3, blank=True)
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    roster_import = models.ForeignKey(RosterImport, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["district_id", "student_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "student_number"], name="sis_student_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district_id}:{self.student_number}"
