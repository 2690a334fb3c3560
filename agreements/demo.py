"""Demo data: two providers, agreements in several states, reviews with engagement, about 15
staff with assignments and varied training progress. Idempotent (natural keys)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from agreements.models import (
    REVIEW_AFTER_MONTHS,
    Agreement,
    AgreementElement,
    AnnualReview,
    BoardAdoption,
    EngagementEvent,
    EsdDocumentation,
    HiringRecord,
    LiaisonLink,
    PerformanceEvaluation,
    Provider,
    RequiredElement,
    StaffAssignment,
    StaffMember,
    TrainingRecord,
    TrainingTopic,
    add_months,
)
from srp.models import Membership
from srp.roles import Role

if TYPE_CHECKING:
    from srp.demo import DemoContext

DEMO_PDF = b"%PDF-1.4\n% demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# first, last, kind, employer key (None = district), badge, months on campus, training level
STAFF = [
    ("Sam", "Okafor", StaffMember.Kind.SRO, "sheriff", "CCSO-2211", 26, "esd"),
    ("Dana", "Whitfield", StaffMember.Kind.SRO, "sheriff", "CCSO-1874", 40, "all"),
    ("Luis", "Ortega", StaffMember.Kind.SRO, "sheriff", "CCSO-2390", 8, "partial"),
    ("Grace", "Lindqvist", StaffMember.Kind.SRO, "sheriff", "CCSO-2455", 2, "none"),
    ("Ahmed", "Farah", StaffMember.Kind.SRO, "sheriff", "CCSO-2102", 14, "classroom"),
    (
        "Keisha",
        "Monroe",
        StaffMember.Kind.SCHOOL_SECURITY_OFFICER,
        "security",
        "NWS-0412",
        9,
        "partial",
    ),
    ("Peter", "Novak", StaffMember.Kind.SCHOOL_SECURITY_OFFICER, "security", "NWS-0388", 20, "all"),
    ("Mai", "Tran", StaffMember.Kind.SCHOOL_SECURITY_OFFICER, "security", "NWS-0450", 3, "partial"),
    ("Olga", "Petrenko", StaffMember.Kind.CAMPUS_SECURITY_OFFICER, None, "CV-10231", 30, "esd"),
    ("Jamal", "Reed", StaffMember.Kind.CAMPUS_SECURITY_OFFICER, None, "CV-10388", 16, "all"),
    ("Hannah", "Berg", StaffMember.Kind.CAMPUS_SECURITY_OFFICER, None, "CV-10412", 7, "classroom"),
    (
        "Carlos",
        "Mendoza",
        StaffMember.Kind.CAMPUS_SECURITY_OFFICER,
        None,
        "CV-10459",
        13,
        "partial",
    ),
    ("Fatima", "Hassan", StaffMember.Kind.CAMPUS_SECURITY_OFFICER, None, "CV-10477", 1, "none"),
    ("Ray", "Donnelly", StaffMember.Kind.OTHER, None, "CV-10102", 50, "all"),
    (
        "Sofia",
        "Alvarez",
        StaffMember.Kind.SCHOOL_SECURITY_OFFICER,
        "security",
        "NWS-0471",
        5,
        "none",
    ),
]

# Staff index -> (school code, days per week) in the current year.
ASSIGNMENTS = {
    0: [("3401", Decimal("3")), ("3201", Decimal("2"))],
    1: [("3402", Decimal("5"))],
    2: [("3403", Decimal("2")), ("3202", Decimal("3"))],
    3: [("3301", Decimal("4"))],
    4: [("3501", Decimal("1")), ("3402", Decimal("1"))],
    5: [("3401", Decimal("5"))],
    6: [("3201", Decimal("3")), ("3202", Decimal("2"))],
    7: [("3301", Decimal("1"))],
    8: [("3401", Decimal("5"))],
    9: [("3402", Decimal("5"))],
    10: [("3101", Decimal("2")), ("3102", Decimal("2.5"))],
    11: [("3103", Decimal("2")), ("3104", Decimal("2"))],
    12: [("3105", Decimal("1"))],
    13: [("3403", Decimal("3"))],
    14: [("3201", Decimal("2"))],
}


def _provider(ctx: DemoContext, name: str, **defaults: object) -> Provider:
    provider, _ = Provider.objects.get_or_create(
        district=ctx.district, name=name, defaults=defaults
    )
    return provider


def _agreement(
    ctx: DemoContext, provider: Provider, title: str, *, present: set[str], **fields: object
) -> Agreement:
    agreement, created = Agreement.objects.get_or_create(
        district=ctx.district, title=title, defaults={"provider": provider, **fields}
    )
    if created:
        for index, (code, _label) in enumerate(RequiredElement.choices, start=1):
            is_present = code in present
            AgreementElement.objects.create(
                agreement=agreement,
                code=code,
                present=is_present,
                section=f"{index + 2}.{index % 3 + 1}" if is_present else "",
                page=index + 1 if is_present else None,
                excerpt=_EXCERPTS.get(code, "") if is_present else "",
            )
    return agreement


_EXCERPTS = {
    "A1": "The SRO shall not be involved in formal school discipline, which is the "
    "responsibility of school administrators.",
    "E": "SRO duties do not extend to immigration enforcement; the SRO will not inquire into "
    "immigration or citizenship status.",
}


def _review(agreement: Agreement, year: object, events: list[tuple]) -> AnnualReview:
    review, created = AnnualReview.objects.get_or_create(agreement=agreement, school_year=year)
    if created:
        for held_on, kind, parents, students, community, summary in events:
            EngagementEvent.objects.create(
                review=review,
                held_on=held_on,
                kind=kind,
                parents=parents,
                students=students,
                community_members=community,
                summary=summary,
            )
    return review


def _adopt(
    agreement: Agreement, review: AnnualReview, adopted_on: datetime.date, action: str
) -> None:
    if BoardAdoption.objects.filter(agreement=agreement, review=review).exists():
        return
    BoardAdoption.objects.create(
        agreement=agreement, review=review, adopted_on=adopted_on, board_action=action
    )
    review.status = AnnualReview.Status.ADOPTED
    review.adopted_on = adopted_on
    review.board_action = action
    review.save()
    agreement.adopted_on = adopted_on
    agreement.board_action = action
    agreement.review_due_on = add_months(adopted_on, REVIEW_AFTER_MONTHS)
    agreement.save()


def _training(staff: StaffMember, level: str, today: datetime.date) -> None:
    if staff.training_records.exists() or staff.esd_documents.exists() or level == "none":
        return
    first = staff.first_day_on_campus
    span = max((today - first).days, 1)

    def on(fraction: float) -> datetime.date:
        return first + datetime.timedelta(days=int(span * fraction))

    topics = list(TrainingTopic.values)
    if level in ("all", "classroom", "esd"):
        chosen = topics
    else:
        chosen = topics[:7]
    for index, topic in enumerate(chosen):
        TrainingRecord.objects.create(
            staff_member=staff,
            kind=TrainingRecord.Kind.CLASSROOM,
            topic=topic,
            completed_on=on(0.05 + 0.02 * index),
            provided_by="ESD 113 SRO/SSS training series",
        )
    if level in ("all", "esd", "partial"):
        days = 2 if level != "partial" else 1
        for index in range(days):
            TrainingRecord.objects.create(
                staff_member=staff,
                kind=TrainingRecord.Kind.ON_THE_JOB,
                completed_on=on(0.3 + 0.1 * index),
                provided_by="Sgt. Dana Whitfield",
            )
    if not staff.is_sro and level in ("all", "esd", "partial"):
        for index in range(6 if level != "partial" else 3):
            TrainingRecord.objects.create(
                staff_member=staff,
                kind=TrainingRecord.Kind.CHECK_IN,
                completed_on=on(0.4 + 0.08 * index),
                provided_by="Office of Student Safety",
            )
    if level == "esd":
        document = EsdDocumentation(
            staff_member=staff,
            issuer="Puget Sound ESD",
            issued_on=on(0.9),
            original_name="esd-training-certificate.pdf",
        )
        document.file.save("esd.pdf", ContentFile(DEMO_PDF), save=False)
        document.save()


def seed_agreements(ctx: DemoContext) -> None:
    today = timezone.localdate()
    current, previous = ctx.current_year, ctx.years[-2]
    sheriff = _provider(
        ctx,
        "Cascade County Sheriff's Office",
        kind=Provider.Kind.LAW_ENFORCEMENT,
        contact_name="Lt. Lena Park",
        contact_email="liaison@sheriff.example.org",
        contact_phone="(360) 555-0190",
        address="500 Courthouse Square\nCascade Valley, WA 98000",
        complaint_address="Office of Professional Standards\n500 Courthouse Square\n"
        "Cascade Valley, WA 98000",
        complaint_phone="(360) 555-0199",
        complaint_url="https://sheriff.example.org/complaints",
    )
    security = _provider(
        ctx,
        "Northwest Safe Schools Security LLC",
        kind=Provider.Kind.SECURITY_COMPANY,
        contact_name="Morgan Ellis",
        contact_email="contracts@nwsafeschools.example.com",
        contact_phone="(360) 555-0170",
        address="77 Industrial Way\nCascade Valley, WA 98001",
        complaint_address="Client Relations, 77 Industrial Way, Cascade Valley, WA 98001",
        complaint_phone="(360) 555-0171",
    )
    membership = Membership.objects.filter(
        user=ctx.users["liaison"], district=ctx.district, role=Role.AGENCY_LIAISON
    ).first()
    if membership is not None:
        LiaisonLink.objects.get_or_create(membership=membership, defaults={"provider": sheriff})

    everything = set(RequiredElement.values)
    # 1. The sheriff's SRO agreement: adopted almost a year ago, its review due within 60 days.
    adopted_on = add_months(today, -REVIEW_AFTER_MONTHS) + datetime.timedelta(days=20)
    sro_agreement = _agreement(
        ctx,
        sheriff,
        "School Resource Officer Agreement with Cascade County Sheriff's Office",
        present=everything,
        effective_from=previous.starts_on,
        status=Agreement.Status.ADOPTED,
    )
    year_of_adoption = previous if previous.starts_on <= adopted_on <= previous.ends_on else current
    review = _review(
        sro_agreement,
        year_of_adoption,
        [
            (
                adopted_on - datetime.timedelta(days=40),
                EngagementEvent.Kind.LISTENING_SESSION,
                34,
                0,
                11,
                "Evening listening session at Cascade Valley High; Spanish interpretation.",
            ),
            (
                adopted_on - datetime.timedelta(days=30),
                EngagementEvent.Kind.SURVEY,
                212,
                388,
                0,
                "Online survey of families and students in five languages.",
            ),
            (
                adopted_on - datetime.timedelta(days=14),
                EngagementEvent.Kind.PUBLIC_COMMENT,
                6,
                2,
                9,
                "Public comment at the board's study session.",
            ),
        ],
    )
    _adopt(sro_agreement, review, adopted_on, "Resolution 2025-41")
    if year_of_adoption != current:
        _review(
            sro_agreement,
            current,
            [
                (
                    current.first_instructional_day + datetime.timedelta(days=30),
                    EngagementEvent.Kind.MEETING,
                    21,
                    6,
                    0,
                    "Family advisory committee reviewed the year's calls for service.",
                ),
            ],
        )
    # 2. The security company's contract: ready for adoption, review done.
    contract = _agreement(
        ctx,
        security,
        "Campus Security Services Contract 2026-27",
        present=everything,
        effective_from=current.starts_on,
        effective_until=current.ends_on,
        status=Agreement.Status.READY,
    )
    _review(
        contract,
        current,
        [
            (
                current.first_instructional_day + datetime.timedelta(days=20),
                EngagementEvent.Kind.MEETING,
                15,
                9,
                7,
                "Joint meeting of the PTSA and student council on the contract's duties "
                "and limits.",
            ),
        ],
    )
    # 3. The previous contract, ended.
    _agreement(
        ctx,
        security,
        "Campus Security Services Contract 2024-25",
        present=everything - {"C"},
        effective_from=ctx.years[0].starts_on,
        effective_until=ctx.years[0].ends_on,
        status=Agreement.Status.ENDED,
        ended_on=ctx.years[0].ends_on,
    )
    # 4. A new agreement in community review, checklist under way.
    _agreement(
        ctx,
        sheriff,
        "Mental Health Co-Responder Addendum",
        present={"A1", "A2", "A3", "A4", "E"},
        effective_from=current.starts_on,
        status=Agreement.Status.COMMUNITY_REVIEW,
    )
    draft = _agreement(
        ctx,
        sheriff,
        "Summer School Patrol Agreement (draft)",
        present=set(),
        effective_from=current.ends_on - datetime.timedelta(days=20),
        status=Agreement.Status.DRAFT,
    )
    del draft

    providers = {"sheriff": sheriff, "security": security}
    for index, (first, last, kind, employer, badge, months, level) in enumerate(STAFF):
        first_day = add_months(today, -months)
        staff, _ = StaffMember.objects.get_or_create(
            district=ctx.district,
            badge_number=badge,
            defaults={
                "first_name": first,
                "last_name": last,
                "kind": kind,
                "commissioned": kind == StaffMember.Kind.SRO,
                "employer": providers.get(employer),
                "title": "Deputy" if kind == StaffMember.Kind.SRO else "",
                "active_from": first_day - datetime.timedelta(days=14),
                "first_day_on_campus": first_day,
                "user": ctx.users["sro"] if index == 0 else None,
            },
        )
        for code, days in ASSIGNMENTS.get(index, []):
            StaffAssignment.objects.get_or_create(
                staff_member=staff,
                school=ctx.schools[code],
                school_year=current,
                defaults={"days_per_week": days},
            )
            if months >= 12:
                StaffAssignment.objects.get_or_create(
                    staff_member=staff,
                    school=ctx.schools[code],
                    school_year=previous,
                    defaults={"days_per_week": days},
                )
        _training(staff, level, today)
        if index in (0, 1) and not staff.hiring_records.exists():
            HiringRecord.objects.create(
                staff_member=staff,
                kind=HiringRecord.Kind.PLACEMENT,
                decided_on=first_day - datetime.timedelta(days=7),
                school=ctx.schools[ASSIGNMENTS[index][0][0]],
                agreement=sro_agreement,
                district_participants="Alex Rivera; Priya Nguyen (principal)",
                provider_participants="Lt. Lena Park",
                notes="Joint interview panel with two students and a parent representative.",
            )
        if index in (0, 1, 9) and not staff.evaluations.exists():
            PerformanceEvaluation.objects.create(
                staff_member=staff,
                evaluated_on=min(today, previous.last_instructional_day),
                agreement=sro_agreement if staff.employer_id == sheriff.pk else None,
                district_evaluator="Alex Rivera",
                provider_evaluator="Lt. Lena Park" if staff.employer_id else "",
                summary="Meets expectations; strong relationships with students; completed "
                "restorative practices circles with the counselling team.",
            )
