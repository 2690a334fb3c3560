"""factory_boy factories for the shared models. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import datetime

import factory

from srp.models import District, Enrollment, Membership, School, SchoolYear, User
from srp.roles import Role

PASSWORD = "correct-horse-battery-staple"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"District {n}")
    code = factory.Sequence(lambda n: f"{10000 + n}")
    complaint_contact_email = "safety@district.example.org"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    # Six digits from 900000: the four-digit codes tests spell out never collide with these.
    building_code = factory.Sequence(lambda n: f"{900000 + n}")
    level = School.Level.HIGH
    grade_span = "9-12"


class SchoolYearFactory(factory.django.DjangoModelFactory):
    """The 2026-27 year by default (the tests' "today" is in it)."""

    class Meta:
        model = SchoolYear
        django_get_or_create = ("district", "label")

    district = factory.SubFactory(DistrictFactory)
    label = "2026-27"
    first_instructional_day = datetime.date(2026, 9, 2)
    last_instructional_day = datetime.date(2027, 6, 16)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    students = 500


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    role = Role.PROGRAM_ADMIN

    @factory.post_generation
    def schools(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.schools.set(extracted)
