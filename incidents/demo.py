"""Demo data: a year of calls across the demo schools, with requests, activities and a few
restraint reports. Uses the roster of the agreements seeder; without staff it creates only what
needs none (intervention requests still open and outside-agency requests)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from agreements.models import StaffAssignment, StaffMember
from incidents.models import (
    AgencyInformationRequest,
    Call,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintReport,
    StudentInvolved,
)

REASONS = [
    ("fight", 18),
    ("disturbance", 14),
    ("threat", 10),
    ("drugs", 9),
    ("mental_health", 9),
    ("theft", 7),
    ("vandalism", 6),
    ("trespass", 6),
    ("welfare_check", 6),
    ("assault", 5),
    ("alcohol", 3),
    ("weapon", 3),
    ("traffic", 2),
    ("other", 2),
]
REQUESTED_BY = [
    ("principal", 30),
    ("teacher", 20),
    ("self_initiated", 20),
    ("other_staff", 10),
    ("dispatch", 10),
    ("parent", 5),
    ("student", 3),
    ("other", 2),
]
CALL_OUTCOMES = [
    ("referred_to_school", 30),
    ("informal_contact", 25),
    ("no_action", 12),
    ("report_taken", 12),
    ("services_referral", 8),
    ("citation", 5),
    ("juvenile_referral", 3),
    ("arrest", 3),
    ("medical_transport", 1),
    ("other", 1),
]
STUDENT_OUTCOMES = [
    ("referred_to_school", 30),
    ("no_action", 25),
    ("warning", 20),
    ("services_referral", 10),
    ("citation", 6),
    ("juvenile_referral", 4),
    ("arrest", 3),
    ("medical_transport", 1),
    ("other", 1),
]
RACE = [
    ("white", 45),
    ("hispanic_latino", 27),
    ("two_or_more", 10),
    ("asian", 8),
    ("black_african_american", 5),
    ("american_indian_alaska_native", 3),
    ("native_hawaiian_pacific_islander", 2),
]
GRADES = {
    "elementary": ["K", "1", "2", "3", "4", "5"],
    "middle": ["6", "7", "8"],
    "k8": ["K", "3", "5", "6", "7", "8"],
    "high": ["9", "10", "11", "12"],
    "alternative": ["10", "11", "12"],
    "other": ["12"],
}
PLACES = [
    "Cafeteria",
    "Main hallway",
    "Parking lot",
    "Gym",
    "Front office",
    "Bus loop",
    "Library",
    "Field",
    "Restroom corridor",
]
NARRATIVES = {
    "fight": "Two students exchanged punches; separated and walked to the office.",
    "disturbance": "Loud argument spilling into the hallway during passing period.",
    "threat": "Student reported a threatening message; staff checked in with both students.",
    "drugs": "Vape device found; handed to administration.",
    "mental_health": "Student in distress; counselor and family contacted.",
    "theft": "Phone reported taken from a backpack in the gym.",
}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed(ctx) -> None:  # noqa: ANN001 - srp.demo.DemoContext
    district = ctx.district
    if Call.objects.filter(district=district).exists():
        return  # idempotent: the demo year is already there
    rng = random.Random(20261127)  # noqa: S311 - demo data only
    year = ctx.current_year
    assignments = list(
        StaffAssignment.objects.filter(school_year=year, school__district=district).select_related(
            "staff_member", "school"
        )
    )
    principal = ctx.users["principal"]
    teacher = ctx.users["teacher"]
    admin = ctx.users["admin"]
    high = ctx.schools["3401"]
    now = timezone.now()
    start = timezone.make_aware(
        datetime.datetime.combine(year.first_instructional_day, datetime.time(8))
    )
    span_days = max(1, (min(now, start + datetime.timedelta(days=300)) - start).days)

    AgencyInformationRequest.objects.get_or_create(
        district=district,
        agency="U.S. Immigration and Customs Enforcement",
        defaults={
            "received_on": (start + datetime.timedelta(days=20)).date(),
            "what_was_asked": "Home addresses of a family's children (administrative warrant).",
            "legal_basis": "administrative_warrant",
            "immigration_enforcement": True,
            "status": "refused",
            "answered_on": (start + datetime.timedelta(days=20)).date(),
            "answered_by": admin,
            "routed_to_program_admin": True,
            "logged_by": admin,
        },
    )
    AgencyInformationRequest.objects.get_or_create(
        district=district,
        agency="County prosecutor's office",
        defaults={
            "received_on": (start + datetime.timedelta(days=30)).date(),
            "what_was_asked": "Attendance record of one student for a juvenile court hearing.",
            "legal_basis": "subpoena",
            "status": "received",
            "routed_to_program_admin": False,
            "logged_by": admin,
        },
    )
    if not assignments:
        # No roster yet: calls need responding staff, so only open requests are seeded.
        for days in (3, 9, 15):
            InterventionRequest.objects.create(
                district=district,
                school=high,
                basis="danger",
                requested_by=teacher,
                requester_role="teacher",
                requested_at=now - datetime.timedelta(days=days),
                description="Student threatening classmates in the hallway.",
            )
        return

    sro_users = {StaffMember.Kind.SRO}
    calls = []
    for index in range(320):
        assignment = rng.choice(assignments)
        school = assignment.school
        when = start + datetime.timedelta(
            days=rng.randrange(span_days), hours=rng.randrange(0, 7), minutes=rng.randrange(60)
        )
        if when.weekday() >= 5:
            when -= datetime.timedelta(days=2)
        reason = _pick(rng, REASONS)
        call = Call(
            district=district,
            school=school,
            call_ref=f"CCSO-{year.label[:4]}-{index + 1:05d}",
            occurred_at=when,
            location=rng.choice(PLACES),
            requested_by=_pick(rng, REQUESTED_BY),
            reason=reason,
            emergency=reason in {"weapon", "assault"} or rng.random() < 0.05,
            responding_staff=assignment.staff_member,
            outcome=_pick(rng, CALL_OUTCOMES),
            narrative=NARRATIVES.get(reason, ""),
            created_by=admin,
        )
        call.save()
        calls.append(call)
        for _n in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            outcome = "arrest" if call.outcome == "arrest" else _pick(rng, STUDENT_OUTCOMES)
            discipline = school == high and rng.random() < 0.15
            StudentInvolved.objects.create(
                call=call,
                role=rng.choice(["subject", "subject", "witness", "victim"]),
                grade=rng.choice(GRADES.get(school.level, ["9"])),
                race_ethnicity=_pick(rng, RACE),
                sex=rng.choice(
                    ["female", "male", "male", "x"] if rng.random() < 0.03 else ["female", "male"]
                ),
                disability=_pick(rng, [("none", 80), ("idea", 14), ("section_504", 6)]),
                english_learner="yes" if rng.random() < 0.12 else "no",
                outcome=outcome,
                school_discipline=discipline,
                discipline_decided_by=principal if discipline else None,
            )

    # Law-enforcement activity on a few calls, with attorney access recorded.
    for call in rng.sample(calls, 25):
        student = call.students.first()
        kind = rng.choice(["interview", "interrogation", "search_possessions", "citation"])
        covered = kind in {"interrogation", "search_possessions"}
        LawEnforcementActivity.objects.create(
            call=call,
            student=student,
            kind=kind,
            occurred_at=call.occurred_at + datetime.timedelta(minutes=30),
            on_premises=rng.random() < 0.4,
            premises_reason="Student was a danger to others; moving off campus was unsafe.",
            custodial_interrogation=kind == "interrogation",
            consent_search=kind == "search_possessions",
            attorney_access_at=call.occurred_at + datetime.timedelta(minutes=10)
            if covered
            else None,
            attorney_access_method="phone" if covered else "",
            attorney_access_before_waiver=covered,
            parent_notified_at=call.occurred_at + datetime.timedelta(minutes=15),
            parent_notification_method="Phone call to the parent",
            created_by=admin,
        )

    # Intervention requests, most answered within minutes, some linked to calls.
    for index in range(60):
        call = rng.choice(calls)
        school_assignments = [a for a in assignments if a.school_id == call.school_id]
        requested_at = call.occurred_at - datetime.timedelta(minutes=rng.randrange(3, 20))
        outcome = rng.choice(
            [
                "de_escalated",
                "resolved",
                "returned_to_administrator",
                "services_referral",
                "school_discipline",
            ]
        )
        InterventionRequest.objects.create(
            district=district,
            school=call.school,
            basis=_pick(rng, [("danger", 40), ("disruption", 45), ("emergency", 15)]),
            requested_by=teacher if index % 2 else principal,
            requester_role="teacher" if index % 2 else "administrator",
            requested_at=requested_at,
            location=call.location,
            description="Student escalating and staff could not settle the situation.",
            status="responded",
            responded_by=school_assignments[0].staff_member,
            responded_at=requested_at + datetime.timedelta(minutes=rng.randrange(2, 15)),
            outcome=outcome,
            discipline_decided_by=principal if outcome == "school_discipline" else None,
            call=call if index % 3 == 0 else None,
        )
    InterventionRequest.objects.create(
        district=district,
        school=high,
        basis="disruption",
        requested_by=teacher,
        requester_role="teacher",
        requested_at=now - datetime.timedelta(minutes=40),
        description="Student throwing books and blocking the classroom door.",
    )

    # A few restraint reports, one with its written notice overdue.
    for offset, done in ((70, True), (35, True), (6, False)):
        assignment = rng.choice(
            [a for a in assignments if a.staff_member.kind in sro_users] or assignments
        )
        when = now - datetime.timedelta(days=offset, hours=3)
        RestraintReport.objects.create(
            district=district,
            school=assignment.school,
            occurred_at=when,
            staff_member=assignment.staff_member,
            staff_title=assignment.staff_member.title or assignment.staff_member.get_kind_display(),
            leading_activity="Student ran toward the street during dismissal.",
            kind="restraint",
            restraint_type="Two-person escort hold",
            duration_minutes=rng.randrange(1, 6),
            student_injured=offset == 35,
            injuries="Scraped elbow; nurse cleaned it." if offset == 35 else "",
            recommendations="Review dismissal supervision near the street.",
            report_submitted_at=when + datetime.timedelta(days=1),
            parent_verbal_notice_at=when + datetime.timedelta(hours=2),
            parent_written_notice_at=when + datetime.timedelta(days=3) if done else None,
            created_by=admin,
        )
