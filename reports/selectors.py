"""The annual report's figures (SPEC R-19), computed with database aggregation.

`annual_report(...)` returns the *internal* (unsuppressed) report as plain JSON-ready data; the
public version is derived from it by `reports.public.public_report`. Every section is a handful of
grouped queries (`values().annotate(Count(...))`): the number of queries does not grow with the
number of calls, students or complaints. Medians are taken in the database (count, then the middle
row of the ordered values), which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from agreements.models import (
    Agreement,
    Provider,
    StaffAssignment,
    StaffMember,
)
from agreements.training import State as TrainingState
from agreements.training import status_from_counts
from complaints.models import Allegation, Category, Complaint, Finding
from incidents.models import (
    ActivityKind,
    Call,
    CallOutcome,
    Disability,
    EnglishLearner,
    InterventionBasis,
    InterventionOutcome,
    InterventionRequest,
    LawEnforcementActivity,
    RaceEthnicity,
    Reason,
    RequestedBy,
    RestraintReport,
    Sex,
    StudentInvolved,
    StudentOutcome,
)
from notices.selectors import DONE, DUE, LATE, delivery_statuses
from reports.revisions import revisions_since_close
from sis.models import NOT_GIVEN, EnrollmentSubgroup
from srp.models import District, Enrollment, School, SchoolYear

GRADE_BANDS: dict[str, tuple[str, ...]] = {
    "pk_5": ("PK", "K", "1", "2", "3", "4", "5"),
    "6_8": ("6", "7", "8"),
    "9_12": ("9", "10", "11", "12"),
}
GRADE_BAND_OF = {grade: band for band, grades in GRADE_BANDS.items() for grade in grades}

# The student breakdowns of SPEC §7 (`by_outcome_and`), in order, with their codes.
STUDENT_DIMENSIONS: dict[str, list[str]] = {
    "race_ethnicity": list(RaceEthnicity.values),
    "sex": list(Sex.values),
    "disability": list(Disability.values),
    "english_learner": list(EnglishLearner.values),
    "grade_band": list(GRADE_BANDS),
}

RESPONSE_TIME_BANDS: list[tuple[str, int | None]] = [
    ("under_5_minutes", 5),
    ("5_to_15_minutes", 15),
    ("15_to_60_minutes", 60),
    ("over_60_minutes", None),
]


def zeros(codes: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(codes, 0)


def _median_of(queryset: QuerySet, field: str, n: int | None = None) -> float | None:
    """Median of an annotated numeric or duration `field`, taken in the database (2 queries, or
    1 when the caller already counted the rows: `n`)."""
    if n is None:
        n = queryset.count()
    if n == 0:
        return None
    ordered = queryset.order_by(field).values_list(field, flat=True)
    low = (n - 1) // 2
    middle = list(ordered[low : low + (2 if n % 2 == 0 else 1)])
    values = [v.total_seconds() if isinstance(v, datetime.timedelta) else float(v) for v in middle]
    return sum(values) / len(values)


def _school_filter(school_ids: frozenset[int] | None, field: str = "school_id") -> Q:
    return Q() if school_ids is None else Q(**{f"{field}__in": school_ids})


def report_period(school_year: SchoolYear) -> tuple[datetime.date, datetime.date]:
    return school_year.starts_on, school_year.ends_on


# Sections -----------------------------------------------------------------------------------
def schools_section(
    *, district: District, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> list[dict[str, Any]]:
    schools = School.objects.filter(district=district).filter(_school_filter(school_ids, "pk"))
    # A draft count (last year's, copied by the rollover until this year's is recorded) is
    # not this year's enrollment: no rate is drawn from it.
    enrollment = dict(
        Enrollment.objects.filter(
            school_year=school_year, school__in=schools, draft=False
        ).values_list("school_id", "students")
    )
    staffing = {
        row["school_id"]: row
        for row in StaffAssignment.objects.filter(school_year=school_year, school__in=schools)
        .values("school_id")
        .annotate(staff=Count("staff_member", distinct=True), days=Sum("days_per_week"))
        .order_by()
    }
    result = []
    for school in schools.order_by("building_code"):
        staff = staffing.get(school.pk, {})
        if not school.active and not staff and school.pk not in enrollment:
            continue
        result.append(
            {
                "id": school.pk,
                "code": school.building_code,
                "name": school.name,
                "enrollment": enrollment.get(school.pk),
                "staff": staff.get("staff", 0),
                "days_per_week": str(staff.get("days") or Decimal("0.0")),
            }
        )
    return result


def staff_detail(
    *, district: District, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> list[dict[str, Any]]:
    """Each assignment: who, kind, employer and days per week at which school (2 queries)."""
    rows = (
        StaffAssignment.objects.filter(school_year=school_year, school__district=district)
        .filter(_school_filter(school_ids))
        .select_related("staff_member__employer", "school")
        .order_by("school__building_code", "staff_member__last_name")
    )
    return [
        {
            "school": a.school.building_code,
            "school_name": a.school.name,
            "staff_member": a.staff_member.full_name,
            "kind": a.staff_member.kind,
            "kind_label": str(a.staff_member.get_kind_display()),
            "employer": a.staff_member.employer.name if a.staff_member.employer else "",
            "days_per_week": str(a.days_per_week),
        }
        for a in rows
    ]


def _was_in_force(agreement: Agreement, on: datetime.date) -> bool:
    """Adopted by `on`, within its dates on `on`, and not ended by then (an agreement ended
    since was still the one in force on a past year's dates)."""
    if agreement.adopted_on is None or agreement.adopted_on > on:
        return False
    if agreement.effective_from > on or (
        agreement.effective_until is not None and agreement.effective_until < on
    ):
        return False
    if agreement.status in Agreement.IN_FORCE_STATUSES:
        return True
    return (
        agreement.status == Agreement.Status.ENDED
        and agreement.ended_on is not None
        and agreement.ended_on > on
    )


UNDER_REVIEW_STATUSES = (
    Agreement.Status.DRAFT,
    Agreement.Status.COMMUNITY_REVIEW,
    Agreement.Status.READY,
)


def providers_section(
    *, district: District, school_year: SchoolYear, on: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Each provider with the agreement in force on the report's date (`on`: the year's last
    day, or today if sooner), and beside it a newer agreement still being prepared, shown only
    as under review: a draft is never reported as the agreement in force (2 queries)."""
    on = on or min(school_year.ends_on, timezone.localdate())
    providers = Provider.objects.filter(district=district).order_by("name")
    agreements: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in (
        Agreement.objects.filter(district=district, provider__in=providers)
        .filter(effective_from__lte=school_year.ends_on)
        .order_by("-effective_from", "-pk")
    ):
        agreements[agreement.provider_id].append(agreement)
    result = []
    for provider in providers:
        mine = agreements[provider.pk]
        in_force = next((a for a in mine if _was_in_force(a, on)), None)
        pending = next((a for a in mine if a.status in UNDER_REVIEW_STATUSES), None)
        status_label = ""
        if in_force is not None:
            # Its standing on the report's date: an agreement ended since was then adopted.
            status_label = str(
                in_force.get_status_display()
                if in_force.status in Agreement.IN_FORCE_STATUSES
                else Agreement.Status.ADOPTED.label
            )
        result.append(
            {
                "name": provider.name,
                "kind": provider.kind,
                "kind_label": str(provider.get_kind_display()),
                "agreement": in_force.title if in_force else "",
                "agreement_status": (
                    (
                        in_force.status
                        if in_force.status in Agreement.IN_FORCE_STATUSES
                        else Agreement.Status.ADOPTED.value
                    )
                    if in_force
                    else "none"
                ),
                "agreement_status_label": status_label,
                "effective_from": in_force.effective_from.isoformat() if in_force else "",
                "effective_until": (
                    in_force.effective_until.isoformat()
                    if in_force and in_force.effective_until
                    else ""
                ),
                "adopted_on": (
                    in_force.adopted_on.isoformat() if in_force and in_force.adopted_on else ""
                ),
                "board_action": in_force.board_action if in_force else "",
                "review_due_on": (
                    in_force.review_due_on.isoformat()
                    if in_force and in_force.review_due_on
                    else ""
                ),
                "in_force": in_force is not None,
                "in_force_on": on.isoformat(),
                "under_review": (
                    {
                        "title": pending.title,
                        "status": pending.status,
                        "status_label": str(pending.get_status_display()),
                    }
                    if pending
                    else None
                ),
            }
        )
    return result


def year_bounds(school_year: SchoolYear) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight on 1 July and on the following 1 July, as aware datetimes.

    The same span as the apps' `in_school_year` (local dates 1 July to 30 June), written as a
    range on the column so the database can use its index instead of converting every row.
    """
    start = timezone.make_aware(datetime.datetime.combine(school_year.starts_on, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(school_year.ends_on + datetime.timedelta(days=1), datetime.time())
    )
    return start, end


def calls_queryset(school_year: SchoolYear, school_ids: frozenset[int] | None) -> QuerySet[Call]:
    start, end = year_bounds(school_year)
    return (
        Call.objects.recorded()
        .filter(district_id=school_year.district_id, occurred_at__gte=start, occurred_at__lt=end)
        .filter(_school_filter(school_ids))
    )


def students_queryset(
    school_year: SchoolYear, school_ids: frozenset[int] | None
) -> QuerySet[StudentInvolved]:
    start, end = year_bounds(school_year)
    return (
        StudentInvolved.objects.recorded()
        .filter(
            call__district_id=school_year.district_id,
            call__occurred_at__gte=start,
            call__occurred_at__lt=end,
        )
        .filter(_school_filter(school_ids, "call__school_id"))
    )


def grade_band_expression() -> Case:
    """The grade band computed in the database (3 groups instead of 14 grades)."""
    return Case(
        *[When(grade__in=grades, then=Value(band)) for band, grades in GRADE_BANDS.items()],
        default=Value("pk_5"),
        output_field=CharField(),
    )


def _filtered_counts(prefix: str, field: str, codes: list[str]) -> dict[str, Count]:
    """One conditional COUNT per code: the crosstab is built by the database in one pass."""
    return {
        f"{prefix}__{i}": Count("pk", filter=Q(**{field: code})) for i, code in enumerate(codes)
    }


def _read_counts(row: dict[str, Any], prefix: str, codes: list[Any], into: dict) -> None:
    for i, code in enumerate(codes):
        into[code] += row[f"{prefix}__{i}"]


def calls_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None, school_codes: dict[int, str]
) -> dict[str, Any]:
    """One query over calls, grouped by school with a conditional count per code (every code of
    R-16 is a key, 0 where there is none)."""
    section = {
        "total": 0,
        "by_school": zeros(school_codes.values()),
        "by_reason": zeros(Reason.values),
        "by_requested_by": zeros(RequestedBy.values),
        "by_outcome": zeros(CallOutcome.values),
        "emergency": 0,
    }
    breakdowns = [
        ("reason", list(Reason.values), section["by_reason"]),
        ("requested_by", list(RequestedBy.values), section["by_requested_by"]),
        ("outcome", list(CallOutcome.values), section["by_outcome"]),
    ]
    aggregates: dict[str, Any] = {
        "n": Count("pk"),
        "emergencies": Count("pk", filter=Q(emergency=True)),
    }
    for field, codes, _into in breakdowns:
        aggregates.update(_filtered_counts(field, field, codes))
    rows = (
        calls_queryset(school_year, school_ids)
        .values("school_id")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        section["total"] += row["n"]
        section["emergency"] += row["emergencies"]
        code = school_codes.get(row["school_id"])
        if code is not None:
            section["by_school"][code] += row["n"]
        for field, codes, into in breakdowns:
            _read_counts(row, field, codes, into)
    return section


def students_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None, school_codes: dict[int, str]
) -> dict[str, Any]:
    """Student rows (a student in two calls counts twice) by outcome and each demographic.

    Two narrow grouped queries: one row per combination of outcome and the five demographics
    present (a few thousand at most, whatever the number of students), summed here into each
    breakdown, and one row per school. One query with a conditional count per code (about 50
    `COUNT(*) FILTER` columns) took four times as long on a year of 230,000 student rows.
    """
    outcomes = list(StudentOutcome.values)
    section: dict[str, Any] = {
        "total": 0,
        "by_outcome": zeros(outcomes),
        "by_outcome_and": {
            dimension: {outcome: zeros(codes) for outcome in outcomes}
            for dimension, codes in STUDENT_DIMENSIONS.items()
        },
        "by_school": zeros(school_codes.values()),
    }
    students = students_queryset(school_year, school_ids)
    fields = [dimension for dimension in STUDENT_DIMENSIONS if dimension != "grade_band"]
    rows = students.values("outcome", "grade", *fields).annotate(n=Count("pk")).order_by()
    by_outcome_and = section["by_outcome_and"]
    for row in rows:
        outcome, n = row["outcome"], row["n"]
        section["total"] += n
        section["by_outcome"][outcome] += n
        values = {field: row[field] for field in fields}
        values["grade_band"] = GRADE_BAND_OF.get(row["grade"])
        for dimension, code in values.items():
            counts = by_outcome_and[dimension][outcome]
            if code in counts:
                counts[code] += n
    for row in students.values("call__school_id").annotate(n=Count("pk")).order_by():
        code = school_codes.get(row["call__school_id"])
        if code is not None:
            section["by_school"][code] += row["n"]
    return section


def rates_section(
    *, schools: list[dict[str, Any]], calls: dict[str, Any], students: dict[str, Any]
) -> dict[str, Any]:
    """Calls and students involved per 1,000 enrolled students, per school and overall."""

    def rate(count: int, enrolled: int | None) -> str | None:
        if not enrolled:
            return None
        return str((Decimal(count) * 1000 / Decimal(enrolled)).quantize(Decimal("0.1")))

    by_school = {}
    enrolled_total = 0
    calls_with_enrollment = 0
    students_with_enrollment = 0
    for school in schools:
        enrolled = school["enrollment"]
        code = school["code"]
        by_school[code] = {
            "enrollment": enrolled,
            "calls_per_1000": rate(calls["by_school"].get(code, 0), enrolled),
            "students_per_1000": rate(students["by_school"].get(code, 0), enrolled),
        }
        if enrolled:
            enrolled_total += enrolled
            calls_with_enrollment += calls["by_school"].get(code, 0)
            students_with_enrollment += students["by_school"].get(code, 0)
    return {
        "enrollment": enrolled_total,
        "calls_per_1000": rate(calls_with_enrollment, enrolled_total),
        "students_per_1000": rate(students_with_enrollment, enrolled_total),
        "by_school": by_school,
    }


def subgroup_rates_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> dict[str, Any]:
    """Students involved per 1,000 enrolled students of each subgroup (race and ethnicity, sex,
    disability, English learner, grade band), at the schools whose enrollment by subgroup came
    from the SIS roster import (`sis.EnrollmentSubgroup`). Empty when no roster gave them."""
    counts = EnrollmentSubgroup.objects.filter(
        school_year=school_year, school__district_id=school_year.district_id
    ).filter(_school_filter(school_ids))
    rows = list(counts.values("school_id", "dimension", "value", "students"))
    if not rows:
        return {}
    school_ids_counted = frozenset(r["school_id"] for r in rows)
    students = students_queryset(school_year, school_ids_counted)

    def rate(count: int, enrolled: int) -> str | None:
        if not enrolled:
            return None
        return str((Decimal(count) * 1000 / Decimal(enrolled)).quantize(Decimal("0.1")))

    section: dict[str, Any] = {}
    for dimension, codes in STUDENT_DIMENSIONS.items():
        enrollment = zeros([*codes, NOT_GIVEN])
        involved = zeros(codes)
        source = "grade" if dimension == "grade_band" else dimension
        for r in rows:
            if r["dimension"] != source:
                continue
            value = GRADE_BAND_OF.get(r["value"]) if dimension == "grade_band" else r["value"]
            enrollment[value if value in enrollment else NOT_GIVEN] += r["students"]
        for row in students.values(source).annotate(n=Count("pk")).order_by():
            value = GRADE_BAND_OF.get(row[source]) if dimension == "grade_band" else row[source]
            if value in involved:
                involved[value] += row["n"]
        section[dimension] = {
            "enrollment_total": sum(enrollment.values()),
            "enrollment": enrollment,
            "students_total": sum(involved.values()),
            "students": involved,
            "students_per_1000": {code: rate(involved[code], enrollment[code]) for code in codes},
        }
    return section


def interventions_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> dict[str, Any]:
    requests = InterventionRequest.objects.in_school_year(school_year).filter(
        _school_filter(school_ids)
    )
    section: dict[str, Any] = {
        "total": 0,
        "by_basis": zeros(InterventionBasis.values),
        "by_kind": zeros(InterventionRequest.Kind.values),
        "by_outcome": zeros([*InterventionOutcome.values, "pending"]),
        "by_response_time": zeros([band for band, _limit in RESPONSE_TIME_BANDS]),
        "median_response_minutes": None,
    }
    for row in requests.values("basis", "kind", "outcome").annotate(n=Count("pk")).order_by():
        n = row["n"]
        section["total"] += n
        section["by_basis"][row["basis"]] += n
        section["by_kind"][row["kind"]] += n
        section["by_outcome"][row["outcome"] or "pending"] += n
    responded = requests.filter(responded_at__isnull=False).annotate(
        response=ExpressionWrapper(F("responded_at") - F("requested_at"), DurationField())
    )
    bands: dict[str, Any] = {}
    previous = None
    for band, limit in RESPONSE_TIME_BANDS:
        condition = Q()
        if previous is not None:
            condition &= Q(response__gte=datetime.timedelta(minutes=previous))
        if limit is not None:
            condition &= Q(response__lt=datetime.timedelta(minutes=limit))
        bands[band] = Count("pk", filter=condition)
        previous = limit
    section["by_response_time"] = responded.aggregate(**bands)
    median = _median_of(responded, "response")
    section["median_response_minutes"] = None if median is None else round(median / 60, 1)
    return section


def activities_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Law-enforcement activities by kind, and juveniles' attorney-access compliance (R-12)."""
    activities = (
        LawEnforcementActivity.objects.in_school_year(school_year)
        .recorded()  # a recorded call, and not voided as entered in error
        .filter(_school_filter(school_ids, "call__school_id"))
    )
    section: dict[str, Any] = {
        "total": 0,
        "by_kind": zeros(ActivityKind.values),
        "on_premises": 0,
    }
    for row in activities.values("kind", "on_premises").annotate(n=Count("pk")).order_by():
        section["total"] += row["n"]
        section["by_kind"][row["kind"]] += row["n"]
        if row["on_premises"]:
            section["on_premises"] += row["n"]
    required = activities.needing_attorney_access()
    # A contact recorded as a violation is never compliant, whatever else it records.
    access_given = Q(
        attorney_access_at__isnull=False,
        attorney_access_before_waiver=True,
        attorney_access_method__in=LawEnforcementActivity.AccessMethod.values,
        attorney_access_violation=False,
    )
    exception = (
        ~Q(attorney_exception="")
        & ~Q(attorney_exception_reason="")
        & Q(attorney_access_violation=False)
    )
    counts = required.aggregate(
        required=Count("pk"),
        access_given=Count("pk", filter=access_given),
        exception=Count("pk", filter=exception & ~access_given),
        parent_notified=Count("pk", filter=Q(parent_notified_at__isnull=False)),
    )
    compliant = counts["access_given"] + counts["exception"]
    attorney = {
        "required": counts["required"],
        "compliant": compliant,
        "access_given": counts["access_given"],
        "exception": counts["exception"],
        "not_compliant": counts["required"] - compliant,
        "parent_notified": counts["parent_notified"],
        "compliance_rate": (
            str((Decimal(compliant) * 100 / counts["required"]).quantize(Decimal("0.1")))
            if counts["required"]
            else None
        ),
    }
    return section, attorney


def restraint_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> dict[str, Any]:
    # A report voided as entered in error stays on record and counts for nothing.
    reports = (
        RestraintReport.objects.in_school_year(school_year)
        .live()
        .filter(_school_filter(school_ids))
    )
    by_kind = zeros(RestraintReport.Kind.values)
    for row in reports.values("kind").annotate(n=Count("pk")).order_by():
        by_kind[row["kind"]] = row["n"]
    totals = reports.aggregate(
        reports=Count("pk"),
        students=Sum("students_count"),
        student_injuries=Count("pk", filter=Q(student_injured=True)),
        staff_injuries=Count("pk", filter=Q(staff_injured=True)),
    )
    return {
        "reports": totals["reports"],
        "students": totals["students"] or 0,
        "student_injuries": totals["student_injuries"],
        "staff_injuries": totals["staff_injuries"],
        "by_kind": by_kind,
    }


def complaints_received_in(
    school_year: SchoolYear, school_ids: frozenset[int] | None
) -> QuerySet[Complaint]:
    """`Complaint.objects.received_in(school_year)` written as a range on `received_at`: the
    same local days, but the database compares the column instead of converting every row."""
    start, end = year_bounds(school_year)
    return Complaint.objects.filter(
        district_id=school_year.district_id, received_at__gte=start, received_at__lt=end
    ).filter(_school_filter(school_ids))


def complaints_section(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None
) -> dict[str, Any]:
    complaints = complaints_received_in(school_year, school_ids)
    allegations = Allegation.objects.filter(complaint__in=complaints)
    by_category = zeros(Category.values)
    by_finding = zeros([*Finding.values, "pending"])
    for row in allegations.values("category", "finding").annotate(n=Count("pk")).order_by():
        by_category[row["category"]] += row["n"]
        by_finding[row["finding"] or "pending"] += row["n"]
    responded = complaints.filter(response_sent_at__isnull=False).annotate(
        days=ExpressionWrapper(
            TruncDate("response_sent_at") - TruncDate("received_at"), DurationField()
        )
    )
    totals = complaints.aggregate(
        total=Count("pk"), responded=Count("pk", filter=Q(response_sent_at__isnull=False))
    )
    median = _median_of(responded, "days", n=totals["responded"])
    return {
        "total": totals["total"],
        "responded": totals["responded"],
        "allegations": sum(by_category.values()),
        "by_category": by_category,
        "by_finding": by_finding,
        "median_days_to_respond": None if median is None else round(median / 86400, 1),
    }


def training_section(
    *, district: District, school_year: SchoolYear, school_ids: frozenset[int] | None, today
) -> dict[str, Any]:
    """Staff assigned in the year, by overall training state on the report's date (1 query:
    training records are counted in the database, not loaded)."""
    assigned = StaffAssignment.objects.filter(school_year=school_year).filter(
        _school_filter(school_ids)
    )
    staff = (
        StaffMember.objects.filter(district=district, pk__in=assigned.values("staff_member_id"))
        .with_training_counts(today)
        .only("pk", "kind", "first_day_on_campus")
        .order_by()
    )
    # Complete on time, complete but late (the last required record after its due date),
    # documented by the ESD, then not complete.
    done_late = getattr(TrainingState, "DONE_LATE", None)
    complete_states = [
        TrainingState.DONE,
        *([done_late] if done_late else []),
        TrainingState.ESD,
    ]
    states = zeros(
        [*complete_states, TrainingState.DUE, TrainingState.OVERDUE, TrainingState.NOT_STARTED]
    )
    for member in staff:
        states[status_from_counts(member, today).overall] += 1
    total = sum(states.values())
    complete = sum(states[state] for state in complete_states)
    return {
        "staff": total,
        "complete": complete,
        "by_state": states,
        "compliance_rate": (
            str((Decimal(complete) * 100 / total).quantize(Decimal("0.1"))) if total else None
        ),
    }


def notices_section(
    *, district: District, school_year: SchoolYear, school_ids: frozenset[int] | None, today
) -> dict[str, Any]:
    statuses = delivery_statuses(
        district=district, school_year=school_year, school_ids=school_ids, today=today
    )
    counts = zeros([DONE, DUE, LATE])
    schools = []
    for status in statuses:
        counts[status.state] += 1
        schools.append(
            {
                "code": status.school.building_code,
                "name": status.school.name,
                "deadline": status.deadline.isoformat(),
                "students": status.students.state,
                "students_on": (
                    status.students.first_on.isoformat() if status.students.first_on else ""
                ),
                "families": status.families.state,
                "families_on": (
                    status.families.first_on.isoformat() if status.families.first_on else ""
                ),
                "state": status.state,
            }
        )
    return {"schools_with_staff": len(statuses), "by_state": counts, "schools": schools}


def previous_year_totals(
    *, school_year: SchoolYear | None, school_ids: frozenset[int] | None
) -> dict[str, Any] | None:
    if school_year is None:
        return None
    calls = calls_queryset(school_year, school_ids).aggregate(
        total=Count("pk"), arrests=Count("pk", filter=Q(outcome=CallOutcome.ARREST))
    )
    students = students_queryset(school_year, school_ids).aggregate(
        total=Count("pk"), arrests=Count("pk", filter=Q(outcome=StudentOutcome.ARREST))
    )
    return {
        "school_year": school_year.label,
        "calls": calls["total"],
        "call_arrests": calls["arrests"],
        "students": students["total"],
        "student_arrests": students["arrests"],
        "interventions": InterventionRequest.objects.in_school_year(school_year)
        .filter(_school_filter(school_ids))
        .count(),
        "restraint_reports": RestraintReport.objects.in_school_year(school_year)
        .live()
        .filter(_school_filter(school_ids))
        .count(),
        "complaints": complaints_received_in(school_year, school_ids).count(),
    }


def change_section(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    keys = [
        "calls",
        "call_arrests",
        "students",
        "student_arrests",
        "interventions",
        "restraint_reports",
        "complaints",
    ]
    rows = {}
    for key in keys:
        now = current[key]
        before = previous[key] if previous else None
        rows[key] = {
            "current": now,
            "previous": before,
            "change": None if before is None else now - before,
        }
    return {"previous_year": previous["school_year"] if previous else None, "rows": rows}


# The report ---------------------------------------------------------------------------------
def annual_report(
    *,
    district: District,
    school_year: SchoolYear,
    school_ids: frozenset[int] | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The internal report of one school year (all schools, or only `school_ids`)."""
    today = today or timezone.localdate()
    # Training and notice states are those on the last day of the year, or today if sooner.
    as_of = min(today, school_year.ends_on)
    schools = schools_section(district=district, school_year=school_year, school_ids=school_ids)
    school_codes = {s["id"]: s["code"] for s in schools}
    calls = calls_section(school_year=school_year, school_ids=school_ids, school_codes=school_codes)
    students = students_section(
        school_year=school_year, school_ids=school_ids, school_codes=school_codes
    )
    activities, attorney = activities_section(school_year=school_year, school_ids=school_ids)
    interventions = interventions_section(school_year=school_year, school_ids=school_ids)
    restraint = restraint_section(school_year=school_year, school_ids=school_ids)
    complaints = complaints_section(school_year=school_year, school_ids=school_ids)
    previous_year = (
        SchoolYear.objects.filter(district=district, starts_on__lt=school_year.starts_on)
        .order_by("-starts_on")
        .first()
    )
    current_totals = {
        "calls": calls["total"],
        "call_arrests": calls["by_outcome"][CallOutcome.ARREST],
        "students": students["total"],
        "student_arrests": students["by_outcome"][StudentOutcome.ARREST],
        "interventions": interventions["total"],
        "restraint_reports": restraint["reports"],
        "complaints": complaints["total"],
    }
    return {
        "district": district.name,
        "district_code": district.code,
        "school_year": school_year.label,
        "public": False,
        "threshold": district.small_count_threshold,
        "scope": "district" if school_ids is None else "schools",
        "partial": not school_year.is_finished(today),
        "period": {
            "from": school_year.starts_on.isoformat(),
            "to": school_year.ends_on.isoformat(),
        },
        "generated_on": today.isoformat(),
        "as_of": as_of.isoformat(),
        "schools": [{k: v for k, v in s.items() if k != "id"} for s in schools],
        "providers": providers_section(district=district, school_year=school_year, on=as_of),
        "calls": calls,
        "students": students,
        "rates": rates_section(schools=schools, calls=calls, students=students),
        "subgroup_rates": subgroup_rates_section(school_year=school_year, school_ids=school_ids),
        "interventions": interventions,
        "activities": activities,
        "attorney_access": attorney,
        "restraint": restraint,
        "complaints": complaints,
        "training": training_section(
            district=district, school_year=school_year, school_ids=school_ids, today=as_of
        ),
        "notices": notices_section(
            district=district, school_year=school_year, school_ids=school_ids, today=as_of
        ),
        "change": change_section(
            current_totals, previous_year_totals(school_year=previous_year, school_ids=school_ids)
        ),
        # A closed year's figures are final; what changed after closing is listed, never silent.
        "closed_at": (
            timezone.localtime(school_year.closed_at).isoformat(timespec="minutes")
            if school_year.closed_at
            else None
        ),
        "revisions": revisions_since_close(school_year=school_year, school_ids=school_ids),
    }
