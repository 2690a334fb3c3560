from __future__ import annotations

import datetime

import pytest

from agreements.models import LiaisonLink, Provider, StaffAssignment, StaffMember
from notifications.models import NotificationPreference
from srp.models import Membership
from srp.roles import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def provider(world):
    return Provider.objects.create(
        district=world.district,
        name="Cascade County Sheriff",
        kind=Provider.Kind.LAW_ENFORCEMENT,
        complaint_address="1 Main St",
    )


@pytest.fixture
def liaison_link(world, provider):
    membership = Membership.objects.get(user=world.liaison, role=Role.AGENCY_LIAISON)
    return LiaisonLink.objects.create(membership=membership, provider=provider)


def roster_entry(world, school, *, user=None, employer=None, badge="N-1", first_day=None):
    """A staff member of the district assigned to `school` this year."""
    member = StaffMember.objects.create(
        district=world.district,
        first_name="Robin",
        last_name=f"Officer{badge}",
        kind=StaffMember.Kind.SRO if employer else StaffMember.Kind.SCHOOL_SECURITY_OFFICER,
        commissioned=bool(employer),
        employer=employer,
        badge_number=badge,
        active_from=datetime.date(2025, 8, 1),
        first_day_on_campus=first_day,
        user=user,
    )
    StaffAssignment.objects.create(
        staff_member=member, school=school, school_year=world.year, days_per_week=2
    )
    return member


@pytest.fixture
def sro_a(world, provider):
    """The world's safety staff member, linked to a roster entry assigned to school A."""
    return roster_entry(world, world.school_a, user=world.safety_staff, employer=provider)


@pytest.fixture
def sro_b(world, provider):
    """Another safety staff member, assigned to school B only."""
    user = UserFactory(username="sro.b@a.example.org")
    MembershipFactory(user=user, district=world.district, role=Role.SAFETY_STAFF)
    roster_entry(world, world.school_b, user=user, employer=provider, badge="N-2")
    return user


def prefer(user, district, *, language="en", email_off=()):
    return NotificationPreference.objects.update_or_create(
        user=user,
        district=district,
        defaults={"language": language, "email_off": list(email_off)},
    )[0]
