"""Factories for the incidents app (and the few roster records it needs)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from agreements.models import Provider, StaffAssignment, StaffMember
from incidents.models import Call, InterventionRequest, RestraintReport, StudentInvolved
from tests.factories import DistrictFactory, SchoolFactory, UserFactory


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"County Sheriff {n}")
    kind = Provider.Kind.LAW_ENFORCEMENT


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    district = factory.SubFactory(DistrictFactory)
    first_name = factory.Sequence(lambda n: f"Officer{n}")
    last_name = "Example"
    kind = StaffMember.Kind.SRO
    commissioned = True
    employer = factory.SubFactory(ProviderFactory, district=factory.SelfAttribute("..district"))
    badge_number = factory.Sequence(lambda n: f"B{1000 + n}")
    title = "Deputy"
    active_from = datetime.date(2024, 8, 1)


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    staff_member = factory.SubFactory(StaffMemberFactory)
    school = factory.SubFactory(SchoolFactory)
    school_year = None
    days_per_week = Decimal("5")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    district = factory.SelfAttribute("school.district")
    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    requested_by = "principal"
    reason = "fight"
    emergency = False
    responding_staff = factory.SubFactory(
        StaffMemberFactory, district=factory.SelfAttribute("..district")
    )
    narrative = "Two students fought in the cafeteria."
    outcome = "referred_to_school"
    call_ref = factory.Sequence(lambda n: f"CV-{n:05d}")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentInvolved

    call = factory.SubFactory(CallFactory)
    grade = "10"
    race_ethnicity = "white"
    sex = "female"
    disability = "none"
    english_learner = "no"
    outcome = "no_action"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterventionRequest

    district = factory.SelfAttribute("school.district")
    school = factory.SubFactory(SchoolFactory)
    basis = "danger"
    requested_by = factory.SubFactory(UserFactory)
    requester_role = "teacher"
    requested_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    description = "A student is threatening classmates."


class RestraintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RestraintReport

    district = factory.SelfAttribute("school.district")
    school = factory.SubFactory(SchoolFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    staff_member = factory.SubFactory(
        StaffMemberFactory, district=factory.SelfAttribute("..district")
    )
    staff_title = "Deputy"
    leading_activity = "A student ran toward the street."
    kind = "restraint"
    restraint_type = "Escort hold"
    duration_minutes = 3
