"""Factories for notices tests (and the roster records they read, which agreements owns)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from agreements.models import Provider, StaffAssignment, StaffMember
from notices.models import Delivery


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Valley Police Department {n}")
    kind = Provider.Kind.LAW_ENFORCEMENT


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    first_name = factory.Sequence(lambda n: f"Dana{n}")
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    kind = StaffMember.Kind.SRO
    commissioned = True
    employer = factory.SubFactory(ProviderFactory, district=factory.SelfAttribute("..district"))
    badge_number = factory.Sequence(lambda n: f"B{1000 + n}")
    email = factory.LazyAttribute(lambda o: f"{o.first_name.lower()}@police.example.org")
    phone = "(360) 555-0199"
    active_from = datetime.date(2026, 8, 1)


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    staff_member = factory.SubFactory(StaffMemberFactory)
    days_per_week = Decimal("2.5")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    kind = Delivery.Kind.PRESENTATION
    delivered_on = datetime.date(2026, 9, 15)
    audience = "Grades 9-12"
    presenter = "Principal"
    presentation_format = Delivery.Format.ASSEMBLY
