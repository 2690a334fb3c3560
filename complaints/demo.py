"""Demo complaints: about 40 in every state across the demo district (seeder order 40).

Staff and providers come from the agreements seeder when it has run; without them complaints
name no staff member and referrals are skipped. Running the seeder twice adds nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from agreements.models import Provider, StaffMember
from complaints import services
from complaints.models import (
    Category,
    Complaint,
    ContactPreference,
    Event,
    Finding,
    LetterText,
    Relationship,
    Status,
)
from srp import schooldays

if TYPE_CHECKING:
    from srp.demo import DemoContext

TOTAL = 40

STORIES = [
    ("Front office", "The officer shouted at my son in front of other students when he was late."),
    ("Cafeteria", "A security officer grabbed my daughter's arm to move her out of the line."),
    ("Parking lot", "The officer searched my son's backpack without telling the principal."),
    ("Main hallway", "My child was questioned about a fight without us being called first."),
    ("Gym", "The officer made a joke about my daughter's accent in front of her class."),
    ("Bus loop", "A security guard blocked students from leaving and would not say why."),
    ("Library", "The officer handcuffed a student who was having a panic attack."),
    ("Football field", "Security staff asked students where their parents were born."),
]
REQUESTS = [
    "An apology and a meeting with the principal.",
    "Training for the officer on working with students with disabilities.",
    "That my child is not questioned again without a parent present.",
    "",
]

# How many complaints end in each state (sums to TOTAL).
PLAN = [
    (Status.RECEIVED, 6),
    (Status.ACKNOWLEDGED, 5),
    (Status.UNDER_INVESTIGATION, 6),
    (Status.REFERRED, 4),
    (Status.FINDINGS, 4),
    (Status.RESPONSE_SENT, 4),
    (Status.CLOSED, 6),
    (Status.APPEALED, 2),
    (Status.WITHDRAWN, 3),
]

FINDINGS = [
    Finding.SUSTAINED,
    Finding.NOT_SUSTAINED,
    Finding.EXONERATED,
    Finding.UNFOUNDED,
    Finding.POLICY_FAILURE,
]


def seed(ctx: DemoContext) -> None:
    district = ctx.district
    if Complaint.objects.filter(district=district).count() >= TOTAL:
        return
    rng = random.Random(4)  # noqa: S311 - demo data, not security
    admin = ctx.users["admin"]
    investigator = ctx.users["investigator"]
    schools = list(ctx.schools.values())
    staff = list(StaffMember.objects.filter(district=district).select_related("employer"))
    provider = Provider.objects.filter(district=district).order_by("pk").first()
    LetterText.objects.get_or_create(
        district=district,
        language="vi",
        defaults={
            "opening": "Cảm ơn quý vị đã cho chúng tôi biết về mối quan tâm của mình. "
            "Chúng tôi đã xem xét từng phần của khiếu nại.",
            "appeal_route": "Quý vị có thể kháng nghị trong vòng 30 ngày bằng cách viết thư "
            "cho Văn phòng An toàn Học sinh, nêu số tham chiếu khiếu nại.",
            "signature": "Văn phòng An toàn Học sinh",
        },
    )
    now = timezone.now()
    index = 0
    for status, count in PLAN:
        for _n in range(count):
            index += 1
            days_ago = {
                Status.RECEIVED: rng.randint(0, 9),
                Status.ACKNOWLEDGED: rng.randint(5, 40),
                Status.UNDER_INVESTIGATION: rng.randint(10, 50),
                Status.REFERRED: rng.randint(10, 45),
                Status.FINDINGS: rng.randint(20, 40),
            }.get(status, rng.randint(40, 300))
            _seed_one(
                ctx,
                rng=rng,
                status=status,
                index=index,
                received=now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8)),
                school=schools[index % len(schools)],
                staff_member=staff[index % len(staff)] if staff and index % 4 else None,
                provider=provider,
                admin=admin,
                investigator=investigator,
            )


def _seed_one(
    ctx, *, rng, status, index, received, school, staff_member, provider, admin, investigator
):  # noqa: ANN001, E501, PLR0913
    place, story = STORIES[index % len(STORIES)]
    anonymous = index % 5 == 0
    language = ["en", "es", "en", "vi", "es", "ru", "so"][index % 7]
    if staff_member is not None and not _on_roster(staff_member, school, ctx):
        staff_member = None
    submission = services.complaint_submit(
        district=ctx.district,
        school=school,
        staff_member=staff_member,
        occurred_at=received - datetime.timedelta(days=rng.randint(0, 5)),
        location=place,
        description=story,
        requested_outcome=REQUESTS[index % len(REQUESTS)],
        relationship=[Relationship.PARENT, Relationship.STUDENT, Relationship.COMMUNITY][index % 3],
        anonymous=anonymous,
        contact_name="" if anonymous else f"Demo Family {index}",
        contact_preference=ContactPreference.EMAIL if index % 3 else ContactPreference.PHONE,
        email="" if index % 3 == 0 else f"family{index}@example.org",
        phone=f"(360) 555-01{index:02d}",
        mailing_address="",
        language=language,
    )
    complaint = submission.complaint
    path = {
        Status.RECEIVED: [],
        Status.ACKNOWLEDGED: ["acknowledge"],
        Status.UNDER_INVESTIGATION: ["acknowledge", "start"],
        Status.REFERRED: ["acknowledge", "refer"],
        Status.FINDINGS: ["acknowledge", "start", "allege", "findings"],
        Status.RESPONSE_SENT: ["acknowledge", "start", "allege", "findings", "respond"],
        Status.CLOSED: ["acknowledge", "start", "allege", "findings", "respond", "close"],
        Status.APPEALED: [
            "acknowledge",
            "start",
            "allege",
            "findings",
            "respond",
            "close",
            "appeal",
        ],
        Status.WITHDRAWN: ["acknowledge", "allege_open", "withdraw"],
    }[status]
    if "refer" in path and provider is None:
        path = ["acknowledge", "start"]
    if status != Status.RECEIVED or index % 2:
        complaint = services.complaint_assign(
            complaint=complaint, investigator=investigator, by=admin
        )
    for step in path:
        if step == "acknowledge":
            complaint = services.complaint_acknowledge(complaint=complaint, by=investigator)
        elif step == "start":
            complaint = services.complaint_start_investigation(complaint=complaint, by=investigator)
        elif step == "refer":
            complaint = services.complaint_refer(
                complaint=complaint,
                provider=provider,
                referred_on=received.date() + datetime.timedelta(days=3),
                case_number=f"CCSO-{received:%y}-{1000 + index}",
                by=admin,
            )
        elif step in {"allege", "allege_open"}:
            categories = [Category.STUDENT_INTERACTION, Category.JOB_DUTIES, Category.OTHER]
            for n in range(1 + index % 2):
                finding = "" if step == "allege_open" else FINDINGS[(index + n) % len(FINDINGS)]
                services.allegation_save(
                    complaint=complaint,
                    by=investigator,
                    staff_member=complaint.staff_member,
                    category=categories[(index + n) % 3],
                    summary=story,
                    finding=finding,
                    finding_explanation=(
                        "We interviewed the staff member, two students and the assistant "
                        "principal, and reviewed the hallway camera record."
                        if finding
                        else ""
                    ),
                )
        elif step == "findings":
            complaint = services.complaint_record_findings(complaint=complaint, by=investigator)
        elif step == "respond":
            complaint = services.complaint_send_response(complaint=complaint, by=investigator)
        elif step == "close":
            complaint = services.complaint_close(complaint=complaint, by=admin)
        elif step == "appeal":
            complaint = services.complaint_appeal(
                complaint=complaint, by=admin, reason="The family disagrees with the finding."
            )
        elif step == "withdraw":
            complaint = services.complaint_withdraw(
                complaint=complaint, by=admin, reason="The family resolved it with the principal."
            )
    _backdate(complaint, received)


def _on_roster(staff_member: StaffMember, school, ctx) -> bool:  # noqa: ANN001
    return staff_member.assignments.filter(school=school, school_year=ctx.current_year).exists()


def _backdate(complaint: Complaint, received: datetime.datetime) -> None:
    """Spread the steps over the days after `received` so the demo has realistic timelines."""
    district = complaint.district
    today = timezone.localdate(received)
    updates = {
        "received_at": received,
        "acknowledge_due": schooldays.add_school_days(
            district, today, district.acknowledge_within_school_days
        ),
        "respond_due": today + datetime.timedelta(days=district.respond_within_days),
        "investigation_due": today + datetime.timedelta(days=district.investigation_max_days),
    }
    events = list(Event.objects.filter(complaint=complaint).order_by("at", "pk"))
    span = max(len(events), 1)
    for position, event in enumerate(events):
        moved = received + datetime.timedelta(days=position * 27 / span)
        Event.objects.filter(pk=event.pk).update(at=min(moved, timezone.now()))
        field = {
            "acknowledge": "acknowledged_at",
            "start_investigation": "investigation_started_at",
            "record_findings": "findings_at",
            "send_response": "response_sent_at",
            "close": "closed_at",
            "withdraw": "withdrawn_at",
            "appeal": "appealed_at",
        }.get(event.kind)
        if field:
            updates[field] = min(moved, timezone.now())
    if complaint.status == Status.APPEALED:
        updates.pop("respond_due")
    Complaint.objects.filter(pk=complaint.pk).update(**updates)
