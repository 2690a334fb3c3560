"""The demo shows retention at work: a complaint series set and one complaint on hold."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retention.models import LegalHold, RetentionRule
from srp.models import District, User

pytestmark = pytest.mark.django_db


def test_demo_has_a_rule_and_a_hold_the_administrator_sees(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    district = District.objects.get(code="99001")
    assert RetentionRule.objects.filter(district=district).count() == 1
    hold = LegalHold.objects.active().get(district=district)
    client = Client()
    client.force_login(User.objects.get(username="admin@cascadevalley.example.org"))
    page = client.get(reverse("retention:overview")).content.decode()
    assert hold.label in page and "PRR-2026-031" in page
