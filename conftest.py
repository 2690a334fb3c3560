"""Root pytest configuration: personas of every role in two schools and two districts."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    """A district with two schools and a person in every role, plus an outsider district."""

    district: object
    school_a: object
    school_b: object
    year: object
    other_district: object
    other_school: object
    other_year: object
    admin: object
    principal_a: object
    principal_b: object
    teacher_a: object
    safety_staff: object
    investigator: object
    liaison: object
    board: object
    outsider: object
    host: object
    nobody: object


@pytest.fixture
def world(db):
    from srp.roles import Role
    from tests.factories import (
        DistrictFactory,
        EnrollmentFactory,
        MembershipFactory,
        SchoolFactory,
        SchoolYearFactory,
        UserFactory,
    )

    district = DistrictFactory(name="Cascade Valley SD", code="99001")
    school_a = SchoolFactory(district=district, name="Alder High", building_code="3401")
    school_b = SchoolFactory(
        district=district,
        name="Birch Middle",
        building_code="3201",
        level="middle",
        grade_span="6-8",
    )
    year = SchoolYearFactory(district=district)
    EnrollmentFactory(school=school_a, school_year=year, students=1200)
    EnrollmentFactory(school=school_b, school_year=year, students=600)
    other_district = DistrictFactory(name="Orchard Hills SD", code="99002")
    other_school = SchoolFactory(district=other_district, name="Orchard High", building_code="4101")
    other_year = SchoolYearFactory(district=other_district)

    def person(username: str, role: str, schools=(), district=district):
        user = UserFactory(username=username)
        MembershipFactory(user=user, district=district, role=role, schools=list(schools))
        return user

    return World(
        district=district,
        school_a=school_a,
        school_b=school_b,
        year=year,
        other_district=other_district,
        other_school=other_school,
        other_year=other_year,
        admin=person("admin@a.example.org", Role.PROGRAM_ADMIN),
        principal_a=person("principal.a@a.example.org", Role.PRINCIPAL, [school_a]),
        principal_b=person("principal.b@a.example.org", Role.PRINCIPAL, [school_b]),
        teacher_a=person("teacher.a@a.example.org", Role.SCHOOL_STAFF, [school_a]),
        safety_staff=person("sro@a.example.org", Role.SAFETY_STAFF),
        investigator=person("investigator@a.example.org", Role.INVESTIGATOR),
        liaison=person("liaison@a.example.org", Role.AGENCY_LIAISON),
        board=person("board@a.example.org", Role.BOARD_MEMBER),
        outsider=person("admin@b.example.org", Role.PROGRAM_ADMIN, district=other_district),
        host=UserFactory(username="host@esd.example.org", is_host_admin=True),
        nobody=UserFactory(username="nobody@example.org"),
    )


@pytest.fixture
def client_for(client):
    """`client_for(user)`: a test client signed in as that user (second factor passed)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _frozen_today(request, settings):
    """Tests run on 2026-11-27 (in the 2026-27 school year) unless they freeze time themselves."""
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("no_freeze"):
        yield
        return
    from freezegun import freeze_time

    with freeze_time("2026-11-27 10:00:00", tz_offset=0, tick=True):
        yield


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium: skipped without it, except in CI where they fail."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("SRP_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (scripts/system-deps.sh)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The production hasher is slow on purpose; tests only need it to be a hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _email_through_the_outbox(settings):
    """Django's test runner swaps EMAIL_BACKEND for locmem; srp's real path is the outbox, whose
    delivery step uses locmem in tests (see tests/srp/test_outbox.py)."""
    settings.EMAIL_BACKEND = "srp.outbox.OutboxEmailBackend"
    settings.SRP_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back tests reuse primary keys, and cached
    figures are keyed by them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
