from __future__ import annotations

import pytest

from srp.models import Membership
from srp.roles import Role
from tests.agreements.factories import (
    AgreementFactory,
    AnnualReviewFactory,
    EngagementEventFactory,
    LiaisonLinkFactory,
    ProviderFactory,
    StaffAssignmentFactory,
    StaffMemberFactory,
    in_force_agreement,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def roster(world):
    """Provider A (the liaison's, with an agreement in force) and provider B (none), their
    agreements and staff; a staff member at school A and one at school B."""
    provider_a = ProviderFactory(district=world.district, name="Sheriff A")
    provider_b = ProviderFactory(
        district=world.district, name="Security B", kind="security_company"
    )
    membership = Membership.objects.get(user=world.liaison, role=Role.AGENCY_LIAISON)
    LiaisonLinkFactory(membership=membership, provider=provider_a)
    adopted = in_force_agreement(provider_a, world.year)
    draft_b = AgreementFactory(provider=provider_b, title="Draft B", elements=["A1"])
    ready_b = AgreementFactory(provider=provider_b, title="Ready B", elements=True, status="ready")
    review_b = AnnualReviewFactory(agreement=ready_b, school_year=world.year)
    EngagementEventFactory(review=review_b)
    staff_a = StaffMemberFactory(
        district=world.district,
        kind="sro",
        commissioned=True,
        employer=provider_a,
        last_name="Alpha",
    )
    staff_b = StaffMemberFactory(district=world.district, employer=provider_b, last_name="Beta")
    StaffAssignmentFactory(staff_member=staff_a, school=world.school_a, school_year=world.year)
    StaffAssignmentFactory(staff_member=staff_b, school=world.school_b, school_year=world.year)
    other_provider = ProviderFactory(district=world.other_district, name="Orchard PD")
    other_agreement = AgreementFactory(provider=other_provider, elements=True)
    other_staff = StaffMemberFactory(district=world.other_district, employer=other_provider)
    return {
        "provider_a": provider_a,
        "provider_b": provider_b,
        "adopted": adopted,
        "draft_b": draft_b,
        "ready_b": ready_b,
        "review_b": review_b,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "other_provider": other_provider,
        "other_agreement": other_agreement,
        "other_staff": other_staff,
    }
