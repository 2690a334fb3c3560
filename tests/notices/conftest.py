"""Fixtures for notices: staff at school A and B, the year's notice in English and Spanish."""

from __future__ import annotations

from decimal import Decimal

import pytest

from notices.services import notice_create
from tests.notices.factories import StaffAssignmentFactory, StaffMemberFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are hashed once per test; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staffed(world):
    """Two staff members at school A (one also at B) and one at B, in 2026-27."""
    district, year = world.district, world.year
    rivera = StaffMemberFactory(district=district, first_name="Marisol", last_name="Rivera")
    chen = StaffMemberFactory(
        district=district,
        first_name="Wei",
        last_name="Chen",
        kind="school_security_officer",
        commissioned=False,
        employer=None,
        email="",
        phone="",
    )
    okafor = StaffMemberFactory(district=district, first_name="Ngozi", last_name="Okafor")
    StaffAssignmentFactory(staff_member=rivera, school=world.school_a, school_year=year)
    StaffAssignmentFactory(
        staff_member=chen, school=world.school_a, school_year=year, days_per_week=Decimal("5")
    )
    StaffAssignmentFactory(staff_member=rivera, school=world.school_b, school_year=year)
    StaffAssignmentFactory(staff_member=okafor, school=world.school_b, school_year=year)
    return {"rivera": rivera, "chen": chen, "okafor": okafor}


@pytest.fixture
def notice(world, staffed):
    """The 2026-27 notice from the default text (English and Spanish), still a draft."""
    return notice_create(district=world.district, school_year=world.year, by=world.admin)
