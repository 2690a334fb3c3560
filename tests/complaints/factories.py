"""Factories and helpers for complaint tests."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import LiaisonLink, Provider, StaffAssignment, StaffMember
from complaints import services
from complaints.models import Category, Finding, Relationship
from srp.models import Membership
from srp.roles import Role

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def provider(district, name: str = "Cascade County Sheriff") -> Provider:
    return Provider.objects.get_or_create(
        district=district, name=name, defaults={"kind": Provider.Kind.LAW_ENFORCEMENT}
    )[0]


def staff(district, school, year, *, badge: str = "B-1", user=None, employer=None) -> StaffMember:
    member = StaffMember.objects.create(
        district=district,
        first_name="Sam",
        last_name=f"Officer{badge}",
        kind=StaffMember.Kind.SRO,
        commissioned=True,
        employer=employer or provider(district),
        badge_number=badge,
        active_from=datetime.date(2025, 8, 1),
        user=user,
    )
    StaffAssignment.objects.create(
        staff_member=member, school=school, school_year=year, days_per_week=5
    )
    return member


def link_liaison(user, district, prov) -> LiaisonLink:
    membership = Membership.objects.get(user=user, district=district, role=Role.AGENCY_LIAISON)
    return LiaisonLink.objects.create(membership=membership, provider=prov)


def submit(
    world,
    *,
    school=None,
    staff_member=None,
    email="family@example.org",
    language="en",
    district=None,
    files=(),
):  # noqa: ANN001, ANN201
    district = district or world.district
    return services.complaint_submit(
        district=district,
        school=school or world.school_a,
        staff_member=staff_member,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        location="Front office",
        description="The officer shouted at my son in the hallway.",
        requested_outcome="An apology.",
        relationship=Relationship.PARENT,
        anonymous=False,
        contact_name="Ana Family",
        contact_preference="email" if email else "none",
        email=email,
        phone="",
        mailing_address="",
        language=language,
        files=files,
    )


def complaint(world, **kwargs):  # noqa: ANN001, ANN201
    return submit(world, **kwargs).complaint


def to_findings(c, by, *, staff_member=None, finding=Finding.SUSTAINED):  # noqa: ANN001, ANN201
    c = services.complaint_acknowledge(complaint=c, by=by)
    c = services.complaint_start_investigation(complaint=c, by=by)
    services.allegation_save(
        complaint=c,
        by=by,
        staff_member=staff_member,
        category=Category.STUDENT_INTERACTION,
        summary="Shouted at a student.",
        finding=finding,
        finding_explanation="Two witnesses confirmed it.",
    )
    return services.complaint_record_findings(complaint=c, by=by)


def big_bytes(size: int) -> io.BytesIO:
    return io.BytesIO(PNG_BYTES + b"\0" * (size - len(PNG_BYTES)))
