"""Calls for service, intervention requests, law-enforcement activity, restraint and isolation
reports and outside-agency information requests (SPEC §5, R-10 to R-16).

The TextChoices values of calls and students are exactly the codes of the R-16 import table:
the annual report uses them as keys. No model here has any field about immigration or
citizenship status, visa, or place or country of birth (R-15), and nothing is hard-deleted.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import StaffMember
from srp.models import District, School, SchoolYear

# Juveniles' access to an attorney (RCW 13.40.740) applies from this day.
ATTORNEY_ACCESS_FROM = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)


# Codes of the R-16 import table -------------------------------------------------------------
class RequestedBy(models.TextChoices):
    PRINCIPAL = "principal", _("Principal or administrator")
    TEACHER = "teacher", _("Teacher")
    OTHER_STAFF = "other_staff", _("Other school staff")
    SELF_INITIATED = "self_initiated", _("Safety staff, self-initiated")
    DISPATCH = "dispatch", _("Dispatch or 911")
    PARENT = "parent", _("Parent or guardian")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class Reason(models.TextChoices):
    WEAPON = "weapon", _("Weapon")
    ASSAULT = "assault", _("Assault")
    THREAT = "threat", _("Threat")
    FIGHT = "fight", _("Fight")
    DRUGS = "drugs", _("Drugs")
    ALCOHOL = "alcohol", _("Alcohol")
    THEFT = "theft", _("Theft")
    VANDALISM = "vandalism", _("Vandalism")
    TRESPASS = "trespass", _("Trespass")
    DISTURBANCE = "disturbance", _("Disturbance")
    MENTAL_HEALTH = "mental_health", _("Mental health crisis")
    WELFARE_CHECK = "welfare_check", _("Welfare check")
    TRAFFIC = "traffic", _("Traffic")
    OTHER = "other", _("Other")


class CallOutcome(models.TextChoices):
    NO_ACTION = "no_action", _("No action")
    REFERRED_TO_SCHOOL = "referred_to_school", _("Referred to the school")
    INFORMAL_CONTACT = "informal_contact", _("Informal contact")
    REPORT_TAKEN = "report_taken", _("Report taken")
    CITATION = "citation", _("Citation")
    ARREST = "arrest", _("Arrest")
    JUVENILE_REFERRAL = "juvenile_referral", _("Referral to juvenile justice")
    SERVICES_REFERRAL = "services_referral", _("Referral to services")
    MEDICAL_TRANSPORT = "medical_transport", _("Medical transport")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    PK = "PK", _("Pre-kindergarten")
    K = "K", _("Kindergarten")
    G1 = "1", "1"
    G2 = "2", "2"
    G3 = "3", "3"
    G4 = "4", "4"
    G5 = "5", "5"
    G6 = "6", "6"
    G7 = "7", "7"
    G8 = "8", "8"
    G9 = "9", "9"
    G10 = "10", "10"
    G11 = "11", "11"
    G12 = "12", "12"


class RaceEthnicity(models.TextChoices):
    HISPANIC_LATINO = "hispanic_latino", _("Hispanic or Latino of any race")
    AMERICAN_INDIAN_ALASKA_NATIVE = (
        "american_indian_alaska_native",
        _("American Indian or Alaska Native"),
    )
    ASIAN = "asian", _("Asian")
    BLACK_AFRICAN_AMERICAN = "black_african_american", _("Black or African American")
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = (
        "native_hawaiian_pacific_islander",
        _("Native Hawaiian or Other Pacific Islander"),
    )
    WHITE = "white", _("White")
    TWO_OR_MORE = "two_or_more", _("Two or more races")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    X = "x", _("X")


class Disability(models.TextChoices):
    NONE = "none", _("None")
    IDEA = "idea", _("IDEA (special education)")
    SECTION_504 = "section_504", _("Section 504 only")


class EnglishLearner(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class StudentOutcome(models.TextChoices):
    NO_ACTION = "no_action", _("No action")
    REFERRED_TO_SCHOOL = "referred_to_school", _("Referred to the school")
    WARNING = "warning", _("Warning")
    CITATION = "citation", _("Citation")
    ARREST = "arrest", _("Arrest")
    JUVENILE_REFERRAL = "juvenile_referral", _("Referral to juvenile justice")
    SERVICES_REFERRAL = "services_referral", _("Referral to services")
    MEDICAL_TRANSPORT = "medical_transport", _("Medical transport")
    OTHER = "other", _("Other")


class StudentRole(models.TextChoices):
    SUBJECT = "subject", _("Subject")
    WITNESS = "witness", _("Witness")
    VICTIM = "victim", _("Victim")


def _in_range(field: str, start: datetime.date, end: datetime.date) -> Q:
    """Local dates `start` to `end`, written as a range of aware datetimes on the column.

    `field__date` would make the database convert every row to a local date first (no index);
    local midnight of `start` up to, not including, local midnight after `end` is the same span
    and uses the (district, occurred_at) index.
    """
    after = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    before = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
    )
    return Q(**{f"{field}__gte": after, f"{field}__lt": before})


# Imports -------------------------------------------------------------------------------------
class ImportBatch(models.Model):
    """One CSV file offered for import: either every row went in, or none did (R-16).

    The batch is the audit record of the import (R-23): who imported which file (name, size,
    SHA-256), when, and how many rows, calls and students it gave. Every imported call links to
    its batch; the calls get no history row of their own at import, only at later edits.
    """

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Rejected")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="call_imports")
    filename = models.CharField(_("file name"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    calls_created = models.PositiveIntegerField(_("calls created"), default=0)
    students_created = models.PositiveIntegerField(_("students created"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors only (a file of 10,000 bad rows stays readable): row, column, message.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    # The batch stays as first written; an import of the wrong file is voided with its calls.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("why it was voided"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


# Calls ---------------------------------------------------------------------------------------
class CallQuerySet(models.QuerySet["Call"]):
    def recorded(self) -> CallQuerySet:
        return self.filter(status=Call.Status.RECORDED)

    def in_district(self, district: District) -> CallQuerySet:
        return self.filter(district=district)

    def in_period(self, start: datetime.date, end: datetime.date) -> CallQuerySet:
        return self.filter(_in_range("occurred_at", start, end))

    def in_school_year(self, year: SchoolYear) -> CallQuerySet:
        """Calls of a school year (1 July to 30 June), for the annual report."""
        return self.filter(district_id=year.district_id).in_period(year.starts_on, year.ends_on)

    def incidents(self) -> CallQuerySet:
        """Calls that ended in school discipline, use of force against a student or an arrest."""
        students = StudentInvolved.objects.filter(
            call=OuterRef("pk"), voided_at__isnull=True
        ).filter(Q(outcome=StudentOutcome.ARREST) | Q(school_discipline=True) | Q(force_used=True))
        return self.filter(Q(outcome=CallOutcome.ARREST) | Exists(students))

    def for_list(self) -> CallQuerySet:
        # An explicit order: a GROUP BY query does not use Meta.ordering, and pages need one.
        # The student count is a correlated subquery, not a JOIN + GROUP BY: the paginator's
        # COUNT(*) then drops it and reads only the calls, and each page counts the students of
        # its own 25 calls (filtered list at 200,000 calls: 646 -> 383 ms, docs/performance.md).
        students = (
            StudentInvolved.objects.filter(call=OuterRef("pk"), voided_at__isnull=True)
            .order_by()
            .values("call")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.select_related("school", "responding_staff")
            .annotate(
                student_count=Coalesce(
                    models.Subquery(students, output_field=models.IntegerField()), 0
                )
            )
            .order_by("-occurred_at", "-pk")
        )


class Call(models.Model):
    """A call for law-enforcement service at a school (SPEC §5)."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        VOIDED = "voided", _("Voided (entered in error)")

    class Source(models.TextChoices):
        FORM = "form", _("Entered on the form")
        IMPORT = "import", _("Imported from a CSV file")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="calls")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="calls")
    call_ref = models.CharField(
        _("agency call number"),
        max_length=60,
        blank=True,
        help_text=_("The police agency's id of the call, if known."),
    )
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where on campus"), max_length=200, blank=True)
    requested_by = models.CharField(_("who asked"), max_length=20, choices=RequestedBy.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    emergency = models.BooleanField(_("emergency"), default=False)
    responding_staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("responding staff member"),
    )
    narrative = models.TextField(_("what happened"), blank=True)
    outcome = models.CharField(_("outcome of the call"), max_length=20, choices=CallOutcome.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    void_reason = models.CharField(_("why it was voided"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default="form")
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "occurred_at"], name="call_district_when_idx"),
            models.Index(fields=["school", "occurred_at"], name="call_school_when_idx"),
            # The calls list filtered by reason (and dates): its page and its count read only
            # the matching entries instead of every call of the period.
            models.Index(
                fields=["district", "reason", "occurred_at"], name="call_district_reason_idx"
            ),
        ]
        constraints = [
            # Among recorded calls: a call voided as entered in error frees its number for the
            # call entered again (by hand or from a corrected file).
            models.UniqueConstraint(
                fields=["district", "call_ref"],
                condition=~Q(call_ref="") & Q(status="recorded"),
                name="call_unique_ref_per_district",
            ),
            models.CheckConstraint(
                condition=Q(requested_by__in=RequestedBy.values)
                & Q(reason__in=Reason.values)
                & Q(outcome__in=CallOutcome.values),
                name="call_codes_valid",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M")
        return f"{_('Call')} {self.call_ref or self.pk} · {when}"

    @property
    def is_incident(self) -> bool:
        if self.outcome == CallOutcome.ARREST:
            return True
        return any(s.is_incident for s in self.students.all())


class StudentInvolvedQuerySet(models.QuerySet["StudentInvolved"]):
    def in_school_year(self, year: SchoolYear) -> StudentInvolvedQuerySet:
        return self.filter(call__district_id=year.district_id).filter(
            _in_range("call__occurred_at", year.starts_on, year.ends_on)
        )

    def recorded(self) -> StudentInvolvedQuerySet:
        """Students of recorded calls, less those voided as entered in error."""
        return self.filter(call__status=Call.Status.RECORDED, voided_at__isnull=True)

    def live(self) -> StudentInvolvedQuerySet:
        return self.filter(voided_at__isnull=True)


class StudentInvolved(models.Model):
    """A student in a call, with a demographic snapshot taken at the time of the call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="students")
    student_ref = models.CharField(_("district student number"), max_length=40, blank=True)
    role = models.CharField(
        _("role"), max_length=10, choices=StudentRole.choices, default=StudentRole.SUBJECT
    )
    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices)
    race_ethnicity = models.CharField(
        _("race and ethnicity"), max_length=40, choices=RaceEthnicity.choices
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    disability = models.CharField(_("disability"), max_length=12, choices=Disability.choices)
    english_learner = models.CharField(
        _("English learner"), max_length=3, choices=EnglishLearner.choices
    )
    outcome = models.CharField(
        _("outcome for this student"), max_length=20, choices=StudentOutcome.choices
    )
    under_18 = models.BooleanField(_("under 18 at the time"), default=True)
    force_used = models.BooleanField(_("force was used against this student"), default=False)
    school_discipline = models.BooleanField(
        _("school discipline followed"),
        default=False,
        help_text=_("Discipline is decided by the principal or designee, never by an SRO."),
    )
    discipline_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administrator who decided the discipline"),
    )
    # Entered in error: the row stays (struck through, with the reason) and counts for nothing.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("why it was voided"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = StudentInvolvedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [
            # `Call.objects.incidents()` asks, per call, whether any student ended in an arrest,
            # discipline or force: a small partial index answers that without reading every
            # student row (dashboard at 1,000,000 students: 1058 ms -> 210 ms for this count).
            models.Index(
                fields=["call"],
                condition=Q(outcome="arrest") | Q(school_discipline=True) | Q(force_used=True),
                name="student_incident_call_idx",
            )
        ]
        constraints = [
            # school discipline always names the administrator who decided it.
            models.CheckConstraint(
                condition=Q(school_discipline=False) | Q(discipline_decided_by__isnull=False),
                name="student_discipline_names_administrator",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=Grade.values)
                & Q(race_ethnicity__in=RaceEthnicity.values)
                & Q(sex__in=Sex.values)
                & Q(disability__in=Disability.values)
                & Q(english_learner__in=EnglishLearner.values)
                & Q(outcome__in=StudentOutcome.values),
                name="student_codes_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {_('grade')} {self.grade}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_incident(self) -> bool:
        if self.voided_at is not None:
            return False
        return self.outcome == StudentOutcome.ARREST or self.school_discipline or self.force_used


# Law-enforcement activity --------------------------------------------------------------------
class ActivityKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    INTERROGATION = "interrogation", _("Interrogation")
    SEARCH_PERSON = "search_person", _("Search of a student's person")
    SEARCH_POSSESSIONS = "search_possessions", _("Search of possessions")
    SEARCH_LOCKER = "search_locker", _("Search of a locker")
    CITATION = "citation", _("Citation")
    DELINQUENCY_PETITION = "delinquency_petition", _("Delinquency petition")
    PROBATION_REFERRAL = "probation_referral", _("Referral to a probation officer")
    ARREST = "arrest", _("Arrest")
    JUVENILE_JUSTICE_REFERRAL = (
        "juvenile_justice_referral",
        _("Other referral to the juvenile justice system"),
    )


class AttorneyException(models.TextChoices):
    IMMINENT_THREAT = "imminent_threat", _("Imminent threat to life")
    TRAFFICKING_VICTIM = "trafficking_victim", _("Suspected victim of trafficking")


def attorney_access_required_q() -> Q:
    return Q(student_under_18=True, occurred_at__gte=ATTORNEY_ACCESS_FROM) & (
        Q(custodial_interrogation=True) | Q(detained_probable_cause=True) | Q(consent_search=True)
    )


class ActivityQuerySet(models.QuerySet["LawEnforcementActivity"]):
    def in_school_year(self, year: SchoolYear) -> ActivityQuerySet:
        return self.filter(call__district_id=year.district_id).filter(
            _in_range("occurred_at", year.starts_on, year.ends_on)
        )

    def recorded(self) -> ActivityQuerySet:
        """Activities of recorded calls, less those voided as entered in error."""
        return self.filter(call__status=Call.Status.RECORDED, voided_at__isnull=True)

    def needing_attorney_access(self) -> ActivityQuerySet:
        return self.filter(attorney_access_required_q())

    def attorney_access_violations(self) -> ActivityQuerySet:
        """Covered contacts recorded as breaking juveniles' access to an attorney (R-12)."""
        return self.filter(attorney_access_violation=True)

    def for_list(self) -> ActivityQuerySet:
        return self.select_related("call__school", "student")


class LawEnforcementActivity(models.Model):
    """Formal law-enforcement activity on a call, with juveniles' access to an attorney (R-12)."""

    class AccessMethod(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By telephone")
        VIDEO = "video", _("By video")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="activities")
    student = models.ForeignKey(
        StudentInvolved,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("student"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    on_premises = models.BooleanField(_("took place on school premises"), default=False)
    premises_reason = models.TextField(
        _("why it took place there"),
        blank=True,
        help_text=_("As a rule, law-enforcement activity takes place away from school premises."),
    )
    student_under_18 = models.BooleanField(_("the student is under 18"), default=True)
    custodial_interrogation = models.BooleanField(
        _("questioned in custodial interrogation"), default=False
    )
    detained_probable_cause = models.BooleanField(_("detained on probable cause"), default=False)
    consent_search = models.BooleanField(_("asked to consent to a search"), default=False)
    attorney_access_at = models.DateTimeField(
        _("when access to an attorney was given"), null=True, blank=True
    )
    attorney_access_method = models.CharField(
        _("how access to an attorney was given"),
        max_length=10,
        choices=AccessMethod.choices,
        blank=True,
    )
    attorney_access_before_waiver = models.BooleanField(
        _("access was given before any waiver of rights"), default=False
    )
    attorney_exception = models.CharField(
        _("exception that applied"), max_length=20, choices=AttorneyException.choices, blank=True
    )
    attorney_exception_reason = models.TextField(_("why the exception applied"), blank=True)
    parent_notified_at = models.DateTimeField(
        _("when the parent or guardian was notified"), null=True, blank=True
    )
    parent_notification_method = models.CharField(
        _("how the parent or guardian was notified"), max_length=200, blank=True
    )
    parent_not_notified_reason = models.TextField(
        _("why the parent or guardian was not notified"), blank=True
    )
    narrative = models.TextField(_("notes"), blank=True)
    # a covered contact without attorney access (or a named exception) before any waiver
    # is recorded as it happened, flagged, rather than refused: the report then counts it.
    attorney_access_violation = models.BooleanField(
        _("juveniles' access to an attorney was not respected"), default=False, editable=False
    )
    # When the program administrators were emailed about the violation (once per violation).
    violation_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Entered in error: the row stays (struck through, with the reason) and counts for nothing.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("why it was voided"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("law-enforcement activity")
        verbose_name_plural = _("law-enforcement activities")
        constraints = [
            # a covered contact with a juvenile records attorney access (when and how,
            # before any waiver) or a named exception with its reason, or else it is flagged as
            # a violation; only a covered contact can be flagged. The flag and the fields agree.
            models.CheckConstraint(
                condition=(
                    Q(attorney_access_violation=False)
                    & (
                        ~attorney_access_required_q()
                        | Q(
                            attorney_access_at__isnull=False,
                            attorney_access_before_waiver=True,
                            attorney_access_method__in=["in_person", "phone", "video"],
                        )
                        | (
                            Q(attorney_exception__in=AttorneyException.values)
                            & ~Q(attorney_exception_reason="")
                        )
                    )
                )
                | (Q(attorney_access_violation=True) & attorney_access_required_q()),
                name="activity_attorney_access_consistent",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.call}"

    @property
    def attorney_access_required(self) -> bool:
        return (
            self.student_under_18
            and self.occurred_at is not None
            and self.occurred_at >= ATTORNEY_ACCESS_FROM
            and (
                self.custodial_interrogation or self.detained_probable_cause or self.consent_search
            )
        )

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def attorney_access_compliant(self) -> bool:
        if not self.attorney_access_required:
            return True
        if self.attorney_access_violation:
            return False
        if self.attorney_exception and self.attorney_exception_reason:
            return True
        return bool(
            self.attorney_access_at
            and self.attorney_access_method
            and self.attorney_access_before_waiver
        )


# Intervention requests -----------------------------------------------------------------------
class InterventionBasis(models.TextChoices):
    """The only lawful bases for asking safety staff to intervene (R-10)."""

    DANGER = (
        "danger",
        _("The student's presence poses an immediate and continuing danger to others"),
    )
    DISRUPTION = (
        "disruption",
        _(
            "An immediate and continuing threat of material and substantial disruption of the "
            "educational process"
        ),
    )
    EMERGENCY = "emergency", _("Another emergency under the district's emergencies policy")


class InterventionOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved without further action")
    DE_ESCALATED = "de_escalated", _("De-escalated; student returned to class")
    RETURNED_TO_ADMINISTRATOR = (
        "returned_to_administrator",
        _("Handed back to school administrators"),
    )
    SCHOOL_DISCIPLINE = "school_discipline", _("School discipline (decided by an administrator)")
    SERVICES_REFERRAL = "services_referral", _("Referral to services")
    MEDICAL_TRANSPORT = "medical_transport", _("Medical transport")
    USE_OF_FORCE = "use_of_force", _("Use of force against a student")
    ARREST = "arrest", _("Arrest")
    OTHER = "other", _("Other")


INCIDENT_INTERVENTION_OUTCOMES = (
    InterventionOutcome.SCHOOL_DISCIPLINE,
    InterventionOutcome.USE_OF_FORCE,
    InterventionOutcome.ARREST,
)


class InterventionQuerySet(models.QuerySet["InterventionRequest"]):
    def in_school_year(self, year: SchoolYear) -> InterventionQuerySet:
        return self.filter(district_id=year.district_id).filter(
            _in_range("requested_at", year.starts_on, year.ends_on)
        )

    def open(self) -> InterventionQuerySet:
        return self.filter(status=InterventionRequest.Status.OPEN)

    def incidents(self) -> InterventionQuerySet:
        return self.filter(outcome__in=INCIDENT_INTERVENTION_OUTCOMES)

    def for_list(self) -> InterventionQuerySet:
        return self.select_related("school", "requested_by", "responded_by", "call")


class InterventionRequest(models.Model):
    """A teacher's or administrator's request that safety staff intervene, or a self-initiated
    emergency intervention (R-10)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request by a teacher or administrator")
        SELF_INITIATED = "self_initiated", _("Self-initiated emergency intervention")

    class RequesterRole(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        ADMINISTRATOR = "administrator", _("Administrator")
        SAFETY_STAFF = "safety_staff", _("Safety and security staff")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a response")
        RESPONDED = "responded", _("Responded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="intervention_requests"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="intervention_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default="request")
    basis = models.CharField(_("basis"), max_length=20, choices=InterventionBasis.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requester_role = models.CharField(
        _("requester's role"), max_length=20, choices=RequesterRole.choices
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    location = models.CharField(_("where"), max_length=200, blank=True)
    description = models.TextField(_("what is happening"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    responded_by = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_responses",
        verbose_name=_("responding staff member"),
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=InterventionOutcome.choices, blank=True
    )
    outcome_notes = models.TextField(_("what was done"), blank=True)
    discipline_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administrator who decided the discipline"),
    )
    call = models.ForeignKey(
        Call,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_requests",
        verbose_name=_("call for service"),
    )
    history = HistoricalRecords()

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "requested_at"], name="intervention_district_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(basis__in=InterventionBasis.values), name="intervention_lawful_basis"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="school_discipline") | Q(discipline_decided_by__isnull=False),
                name="intervention_discipline_names_administrator",
            ),
            models.CheckConstraint(
                condition=~Q(kind="self_initiated") | Q(basis="emergency"),
                name="intervention_self_initiated_is_emergency",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Intervention')} #{self.pk}"

    @property
    def response_time(self) -> datetime.timedelta | None:
        if self.responded_at is None:
            return None
        return self.responded_at - self.requested_at

    @property
    def response_minutes(self) -> int | None:
        delta = self.response_time
        return None if delta is None else max(0, int(delta.total_seconds() // 60))

    @property
    def is_incident(self) -> bool:
        return self.outcome in INCIDENT_INTERVENTION_OUTCOMES


# Restraint and isolation ---------------------------------------------------------------------
class RestraintQuerySet(models.QuerySet["RestraintReport"]):
    def in_school_year(self, year: SchoolYear) -> RestraintQuerySet:
        return self.filter(district_id=year.district_id).filter(
            _in_range("occurred_at", year.starts_on, year.ends_on)
        )

    def for_list(self) -> RestraintQuerySet:
        return self.select_related("school", "staff_member")

    def live(self) -> RestraintQuerySet:
        """Less the reports voided as entered in error (they stay on record, struck through)."""
        return self.filter(voided_at__isnull=True)


class RestraintReport(models.Model):
    """Restraint or isolation of a student by an SRO or security officer (R-13)."""

    class Kind(models.TextChoices):
        RESTRAINT = "restraint", _("Restraint")
        ISOLATION = "isolation", _("Isolation")
        BOTH = "both", _("Restraint and isolation")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="restraint_reports"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="restraint_reports")
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="restraint_reports"
    )
    students = models.ManyToManyField(
        StudentInvolved,
        blank=True,
        related_name="restraint_reports",
        verbose_name=_("students of the call"),
        help_text=_("The students of the linked call who were restrained or isolated."),
    )
    occurred_at = models.DateTimeField(_("date and time"))
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="restraint_reports",
        verbose_name=_("staff member"),
    )
    staff_title = models.CharField(_("staff member's title"), max_length=120)
    leading_activity = models.TextField(_("the activity that led to it"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    restraint_type = models.CharField(_("type used"), max_length=200)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    students_count = models.PositiveSmallIntegerField(_("students involved"), default=1)
    student_injured = models.BooleanField(_("a student was injured"), default=False)
    staff_injured = models.BooleanField(_("a staff member was injured"), default=False)
    injuries = models.TextField(_("injuries and the care given"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    parent_verbal_notice_at = models.DateTimeField(
        _("verbal notice to the parent at"), null=True, blank=True
    )
    parent_written_notice_at = models.DateTimeField(
        _("written notice to the parent at"), null=True, blank=True
    )
    # Set when the program administrator was told a clock ran out (the reminder runs once).
    late_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Entered in error: the row stays (struck through, with the reason) and counts for nothing.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("why it was voided"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[students])

    objects = RestraintQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["district", "occurred_at"], name="restraint_district_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(report_submitted_at__isnull=True)
                    | Q(report_submitted_at__gte=models.F("occurred_at"))
                )
                & (
                    Q(parent_verbal_notice_at__isnull=True)
                    | Q(parent_verbal_notice_at__gte=models.F("occurred_at"))
                )
                & (
                    Q(parent_written_notice_at__isnull=True)
                    | Q(parent_written_notice_at__gte=models.F("occurred_at"))
                ),
                name="restraint_notices_after_incident",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.get_kind_display()} · {when}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


# Outside-agency information requests (R-15) --------------------------------------------------
class AgencyRequestQuerySet(models.QuerySet["AgencyInformationRequest"]):
    def routed_to_admin(self) -> AgencyRequestQuerySet:
        return self.filter(routed_to_program_admin=True)

    def live(self) -> AgencyRequestQuerySet:
        """Less the requests voided as entered in error (they stay on record, struck through)."""
        return self.filter(voided_at__isnull=True)


class AgencyInformationRequest(models.Model):
    """A request for student or staff information from an outside agency."""

    class LegalBasis(models.TextChoices):
        JUDICIAL_ORDER = "judicial_order", _("Judicial warrant or court order signed by a judge")
        SUBPOENA = "subpoena", _("Subpoena")
        ADMINISTRATIVE_WARRANT = (
            "administrative_warrant",
            _("Administrative immigration warrant (not signed by a judge)"),
        )
        CONSENT = "consent", _("Written consent of the parent or eligible student")
        HEALTH_SAFETY_EMERGENCY = "health_safety_emergency", _("Health or safety emergency")
        NONE = "none", _("No legal basis given")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="agency_information_requests"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_on = models.DateField(_("date received"))
    agency = models.CharField(_("agency"), max_length=200)
    what_was_asked = models.TextField(_("what was asked"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    immigration_enforcement = models.BooleanField(
        _("the request is for immigration enforcement"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    routed_to_program_admin = models.BooleanField(_("routed to the program administrator"))
    notes = models.TextField(_("notes"), blank=True)
    answered_on = models.DateField(_("date answered or refused"), null=True, blank=True)
    information_given = models.TextField(_("what was given"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered or refused by"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Entered in error: the row stays (struck through, with the reason) and counts for nothing.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("why it was voided"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = AgencyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            # An immigration-enforcement request is answered only on a judge's order.
            models.CheckConstraint(
                condition=Q(immigration_enforcement=False)
                | Q(legal_basis="judicial_order")
                | Q(status="refused"),
                name="agency_immigration_only_on_judicial_order",
            ),
            models.CheckConstraint(
                condition=Q(immigration_enforcement=False) | Q(routed_to_program_admin=True),
                name="agency_immigration_routed_to_admin",
            ),
            # An answer or a refusal is dated.
            models.CheckConstraint(
                condition=Q(status="received") | Q(answered_on__isnull=False),
                name="agency_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.received_on}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None
