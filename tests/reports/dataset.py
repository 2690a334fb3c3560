"""A known dataset for the annual report: records created one by one, and the plain lists the
tests count from independently (no aggregation code shared with the report)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from agreements.models import Agreement, Provider, StaffAssignment, StaffMember, TrainingRecord
from complaints.models import Allegation, Complaint
from incidents.models import (
    ActivityKind,
    Call,
    CallOutcome,
    Disability,
    EnglishLearner,
    Grade,
    InterventionBasis,
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
from notices.models import Delivery
from srp.models import Enrollment, SchoolYear

YEAR = "2025-26"
PREVIOUS = "2024-25"
YEAR_DAY = datetime.date(2026, 2, 10)


@dataclass
class Known:
    year: SchoolYear
    previous: SchoolYear
    calls: list[dict] = field(default_factory=list)  # counted calls of YEAR
    students: list[dict] = field(default_factory=list)  # counted student rows of YEAR
    previous_calls: int = 0
    previous_students: int = 0
    interventions: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    restraints: list[dict] = field(default_factory=list)
    complaints: list[dict] = field(default_factory=list)
    allegations: list[dict] = field(default_factory=list)
    staff: dict = field(default_factory=dict)  # school code -> (staff count, days)
    enrollment: dict = field(default_factory=dict)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    # Noon UTC is early morning in Washington: the local date is the same day.
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=datetime.UTC)


def make_years(world) -> tuple[SchoolYear, SchoolYear]:
    year = SchoolYear.objects.create(
        district=world.district,
        label=YEAR,
        first_instructional_day=datetime.date(2025, 9, 3),
        last_instructional_day=datetime.date(2026, 6, 16),
    )
    previous = SchoolYear.objects.create(
        district=world.district,
        label=PREVIOUS,
        first_instructional_day=datetime.date(2024, 9, 4),
        last_instructional_day=datetime.date(2025, 6, 17),
    )
    return year, previous


def more_calls(world, known: Known, *, calls: int, seed: int, prefix: str = "R") -> None:
    """Random calls with their students and activities, recorded in `known` as plain lists."""
    rng = random.Random(seed)
    district, schools = world.district, [world.school_a, world.school_b]
    staff = list(StaffMember.objects.filter(district=district, badge_number__startswith="B-"))
    start = datetime.date(2025, 7, 1)
    span = (datetime.date(2026, 6, 30) - start).days
    grades = list(Grade.values)
    for i in range(calls):
        school = rng.choice(schools)
        day = start + datetime.timedelta(days=rng.randrange(span + 1))
        call = Call.objects.create(
            district=district,
            school=school,
            call_ref=f"{prefix}-{i:04d}",
            occurred_at=at(day, 12 + rng.randrange(8)),
            requested_by=rng.choice(RequestedBy.values),
            reason=rng.choice(Reason.values),
            emergency=rng.random() < 0.3,
            responding_staff=rng.choice(staff),
            outcome=rng.choice(CallOutcome.values),
        )
        known.calls.append(
            {
                "school": school.building_code,
                "reason": call.reason,
                "requested_by": call.requested_by,
                "outcome": call.outcome,
                "emergency": call.emergency,
            }
        )
        for _s in range(rng.choice([0, 1, 1, 2, 3])):
            student = StudentInvolved.objects.create(
                call=call,
                grade=rng.choice(grades),
                race_ethnicity=rng.choice(RaceEthnicity.values),
                sex=rng.choice(Sex.values),
                disability=rng.choice(Disability.values),
                english_learner=rng.choice(EnglishLearner.values),
                outcome=rng.choice(StudentOutcome.values),
            )
            known.students.append(
                {
                    f: getattr(student, f)
                    for f in (
                        "grade",
                        "race_ethnicity",
                        "sex",
                        "disability",
                        "english_learner",
                        "outcome",
                    )
                }
                | {"school": school.building_code}
            )
        if rng.random() < 0.4:
            kind = rng.choice(ActivityKind.values)
            covered = rng.random() < 0.6
            mode = rng.choice(["access", "exception", "none"]) if covered else "none"
            kwargs = {}
            if mode == "access":
                kwargs = {
                    "attorney_access_at": at(day, 12),
                    "attorney_access_method": "phone",
                    "attorney_access_before_waiver": True,
                }
            elif mode == "exception":
                kwargs = {
                    "attorney_exception": "imminent_threat",
                    "attorney_exception_reason": "A weapon was drawn.",
                }
            if covered and mode == "none":
                # The database refuses a covered contact without access: record an adult.
                kwargs = {"student_under_18": False}
            notified = rng.random() < 0.5
            on_premises = rng.random() < 0.5
            LawEnforcementActivity.objects.create(
                call=call,
                kind=kind,
                occurred_at=at(day, 13),
                on_premises=on_premises,
                custodial_interrogation=covered,
                parent_notified_at=at(day, 15) if notified else None,
                **kwargs,
            )
            required = covered and kwargs.get("student_under_18", True)
            known.activities.append(
                {
                    "kind": kind,
                    "required": required,
                    "mode": mode,
                    "notified": notified,
                    "on_premises": on_premises,
                }
            )


def build(world, *, calls: int = 60, seed: int = 7) -> Known:
    rng = random.Random(seed)
    year, previous = make_years(world)
    known = Known(year=year, previous=previous)
    district, schools = world.district, [world.school_a, world.school_b]
    for school, n in ((world.school_a, 1180), (world.school_b, 590)):
        Enrollment.objects.create(school=school, school_year=year, students=n)
        known.enrollment[school.building_code] = n

    sheriff = Provider.objects.create(
        district=district, name="Cascade County Sheriff", kind=Provider.Kind.LAW_ENFORCEMENT
    )
    guards = Provider.objects.create(
        district=district, name="Northwest Security", kind=Provider.Kind.SECURITY_COMPANY
    )
    Agreement.objects.create(
        district=district,
        provider=sheriff,
        title="SRO agreement 2025",
        effective_from=datetime.date(2025, 8, 1),
        status=Agreement.Status.ADOPTED,
        adopted_on=datetime.date(2025, 7, 15),
        board_action="Resolution 2025-14",
        review_due_on=datetime.date(2026, 7, 15),
    )
    Agreement.objects.create(
        district=district,
        provider=guards,
        title="Security services draft",
        effective_from=datetime.date(2025, 9, 1),
    )
    staff = []
    for i, (school, days, trained) in enumerate(
        [
            (world.school_a, Decimal("5"), True),
            (world.school_a, Decimal("2.5"), False),
            (world.school_b, Decimal("2.5"), False),
        ]
    ):
        member = StaffMember.objects.create(
            district=district,
            first_name=f"Officer{i}",
            last_name="Example",
            kind=StaffMember.Kind.SRO,
            commissioned=True,
            employer=sheriff,
            badge_number=f"B-{i}",
            active_from=datetime.date(2024, 8, 1),
            first_day_on_campus=datetime.date(2024, 9, 4) if i < 2 else datetime.date(2026, 3, 1),
        )
        StaffAssignment.objects.create(
            staff_member=member, school=school, school_year=year, days_per_week=days
        )
        if trained:
            for topic in TrainingRecord._meta.get_field("topic").choices:
                TrainingRecord.objects.create(
                    staff_member=member,
                    kind="classroom",
                    topic=topic[0],
                    completed_on=datetime.date(2024, 10, 1),
                )
            for d in (1, 2):
                TrainingRecord.objects.create(
                    staff_member=member,
                    kind="on_the_job",
                    completed_on=datetime.date(2024, 11, d),
                )
        staff.append(member)
        code = school.building_code
        count, total = known.staff.get(code, (0, Decimal("0")))
        known.staff[code] = (count + 1, total + days)
    # The second officer also covers school B one day a week.
    StaffAssignment.objects.create(
        staff_member=staff[1], school=world.school_b, school_year=year, days_per_week=Decimal("1")
    )
    count, total = known.staff[world.school_b.building_code]
    known.staff[world.school_b.building_code] = (count + 1, total + Decimal("1"))

    more_calls(world, known, calls=calls, seed=seed)
    start = datetime.date(2025, 7, 1)
    # A voided call and calls of other years or districts must not count.
    Call.objects.create(
        district=district,
        school=world.school_a,
        call_ref="VOID-1",
        occurred_at=at(datetime.date(2025, 10, 1)),
        requested_by="teacher",
        reason="fight",
        outcome="arrest",
        responding_staff=staff[0],
        status=Call.Status.VOIDED,
        void_reason="Entered twice",
    )
    for i, day in enumerate([datetime.date(2024, 10, 1), datetime.date(2025, 3, 3)]):
        c = Call.objects.create(
            district=district,
            school=world.school_b,
            call_ref=f"P-{i}",
            occurred_at=at(day),
            requested_by="teacher",
            reason="theft",
            outcome="report_taken",
            responding_staff=staff[0],
        )
        StudentInvolved.objects.create(
            call=c,
            grade="7",
            race_ethnicity="asian",
            sex="male",
            disability="none",
            english_learner="no",
            outcome="warning",
        )
        known.previous_calls += 1
        known.previous_students += 1
    Call.objects.create(
        district=district,
        school=world.school_a,
        call_ref="NEXT-1",
        occurred_at=at(datetime.date(2026, 9, 20)),
        requested_by="teacher",
        reason="fight",
        outcome="arrest",
        responding_staff=staff[0],
    )
    outsider_staff = StaffMember.objects.create(
        district=world.other_district,
        first_name="Other",
        last_name="Officer",
        kind=StaffMember.Kind.CAMPUS_SECURITY_OFFICER,
        badge_number="O-1",
        active_from=datetime.date(2024, 8, 1),
    )
    Call.objects.create(
        district=world.other_district,
        school=world.other_school,
        call_ref="R-0001",
        occurred_at=at(datetime.date(2025, 10, 1)),
        requested_by="teacher",
        reason="fight",
        outcome="arrest",
        responding_staff=outsider_staff,
    )

    # Interventions.
    for i in range(14):
        school = schools[i % 2]
        day = start + datetime.timedelta(days=60 + i * 9)
        requested = at(day, 16)
        kind = "self_initiated" if i % 5 == 0 else "request"
        basis = "emergency" if kind == "self_initiated" else rng.choice(InterventionBasis.values)
        minutes = [2, 7, 12, 30, 90, None][i % 6]
        InterventionRequest.objects.create(
            district=district,
            school=school,
            kind=kind,
            basis=basis,
            requested_by=world.teacher_a,
            requester_role="teacher",
            requested_at=requested,
            description="A student threatened others.",
            responded_at=None
            if minutes is None
            else requested + datetime.timedelta(minutes=minutes),
            status="open" if minutes is None else "responded",
            outcome="" if minutes is None else "de_escalated",
        )
        known.interventions.append(
            {
                "basis": basis,
                "kind": kind,
                "minutes": minutes,
                "outcome": "pending" if minutes is None else "de_escalated",
            }
        )

    # Restraint and isolation.
    for i, (kind, students, s_inj, st_inj) in enumerate(
        [
            ("restraint", 1, True, False),
            ("isolation", 2, False, False),
            ("restraint", 1, False, True),
            ("both", 1, True, True),
        ]
    ):
        RestraintReport.objects.create(
            district=district,
            school=schools[i % 2],
            occurred_at=at(datetime.date(2025, 11, 3 + i)),
            staff_member=staff[0],
            staff_title="Deputy",
            leading_activity="Ran toward the street.",
            kind=kind,
            restraint_type="Escort hold",
            duration_minutes=3,
            students_count=students,
            student_injured=s_inj,
            staff_injured=st_inj,
        )
        known.restraints.append(
            {"kind": kind, "students": students, "student_injured": s_inj, "staff_injured": st_inj}
        )

    # Complaints: received in the year, some answered.
    for i, (days, findings) in enumerate(
        [
            (10, ["sustained"]),
            (25, ["not_sustained", "unfounded"]),
            (40, ["exonerated"]),
            (None, [""]),
            (18, ["policy_failure"]),
        ]
    ):
        received = at(datetime.date(2025, 10, 1) + datetime.timedelta(days=i * 20), 17)
        complaint = Complaint.objects.create(
            district=district,
            reference=f"C-2025-{i:05d}",
            token_hash=f"{i:064d}",
            school=schools[i % 2],
            occurred_at=received,
            location="Hallway",
            description="An officer was rude.",
            relationship="parent",
            received_at=received,
            response_sent_at=None if days is None else received + datetime.timedelta(days=days),
            acknowledge_due=received.date(),
            respond_due=received.date(),
            investigation_due=received.date(),
        )
        known.complaints.append({"days": days})
        for j, finding in enumerate(findings):
            category = ["job_duties", "student_interaction", "other"][(i + j) % 3]
            Allegation.objects.create(
                complaint=complaint, category=category, summary="Rude", finding=finding
            )
            known.allegations.append({"category": category, "finding": finding or "pending"})

    # Notices: school A presented and distributed; school B only presented.
    for kind in ("presentation", "distribution"):
        Delivery.objects.create(
            school=world.school_a,
            school_year=year,
            kind=kind,
            delivered_on=datetime.date(2025, 9, 15),
            recorded_by=world.admin,
        )
    Delivery.objects.create(
        school=world.school_b,
        school_year=year,
        kind="presentation",
        delivered_on=datetime.date(2025, 9, 20),
        recorded_by=world.admin,
    )
    assert timezone.is_aware(at(start))
    return known
