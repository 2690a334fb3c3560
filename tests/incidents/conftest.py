"""The roster the incidents tests need: an SRO linked to `world.safety_staff`, assigned to
school A this year, and a security officer at school B."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.incidents.factories import ProviderFactory, StaffAssignmentFactory, StaffMemberFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The world fixture hashes a dozen passwords; the slow default hasher proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Roster:
    provider: object
    sro: object
    officer_b: object
    other_district_staff: object


@pytest.fixture
def roster(world):
    provider = ProviderFactory(district=world.district, name="Cascade County Sheriff")
    sro = StaffMemberFactory(
        district=world.district,
        employer=provider,
        first_name="Sam",
        last_name="Okafor",
        badge_number="4471",
        user=world.safety_staff,
    )
    StaffAssignmentFactory(staff_member=sro, school=world.school_a, school_year=world.year)
    officer_b = StaffMemberFactory(
        district=world.district,
        employer=None,
        kind="school_security_officer",
        commissioned=False,
        first_name="Rita",
        last_name="Moreno",
        badge_number="E-208",
    )
    StaffAssignmentFactory(staff_member=officer_b, school=world.school_b, school_year=world.year)
    other = StaffMemberFactory(district=world.other_district, badge_number="9001")
    return Roster(provider=provider, sro=sro, officer_b=officer_b, other_district_staff=other)
