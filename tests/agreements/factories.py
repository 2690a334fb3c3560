"""Factories for the agreements app."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from agreements.models import (
    Agreement,
    AgreementElement,
    AnnualReview,
    EngagementEvent,
    LiaisonLink,
    Provider,
    RequiredElement,
    StaffAssignment,
    StaffMember,
)
from tests.factories import DistrictFactory

# The smallest file whose bytes say "PDF".
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Provider {n}")
    kind = Provider.Kind.LAW_ENFORCEMENT
    complaint_address = "1 Main St"


class LiaisonLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonLink


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    district = factory.SubFactory(DistrictFactory)
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = factory.Sequence(lambda n: f"Member{n}")
    kind = StaffMember.Kind.SCHOOL_SECURITY_OFFICER
    badge_number = factory.Sequence(lambda n: f"B{1000 + n}")
    active_from = datetime.date(2026, 8, 1)
    first_day_on_campus = datetime.date(2026, 9, 2)


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    days_per_week = Decimal("2")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    district = factory.SelfAttribute("provider.district")
    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    effective_from = datetime.date(2026, 7, 1)
    status = Agreement.Status.DRAFT

    @factory.post_generation
    def elements(obj, create, extracted, **kwargs):  # noqa: N805
        """`elements=True` marks every element present; a list marks those codes present."""
        if not create:
            return
        present = set(RequiredElement.values) if extracted is True else set(extracted or ())
        for index, code in enumerate(RequiredElement.values, start=1):
            AgreementElement.objects.create(
                agreement=obj,
                code=code,
                present=code in present,
                section=f"{index}.1" if code in present else "",
                page=index if code in present else None,
            )


class AnnualReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReview


class EngagementEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementEvent

    held_on = datetime.date(2026, 10, 15)
    kind = EngagementEvent.Kind.MEETING
    parents = 12
    students = 8
    community_members = 5
    summary = "Listening session in the library."


def in_force_agreement(provider, year, *, adopted_on=datetime.date(2026, 10, 20)):
    """An adopted agreement (all elements present, reviewed with everyone) for `provider`."""
    agreement = AgreementFactory(
        provider=provider,
        elements=True,
        status=Agreement.Status.ADOPTED,
        adopted_on=adopted_on,
        board_action="R-2026-14",
        review_due_on=adopted_on.replace(year=adopted_on.year + 1),
    )
    review = AnnualReviewFactory(
        agreement=agreement, school_year=year, status=AnnualReview.Status.ADOPTED
    )
    EngagementEventFactory(review=review)
    return agreement
