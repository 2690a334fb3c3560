"""The demo seeder (idempotent) and the daily reminder command (R-03)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.demo import seed_agreements
from agreements.models import (
    Agreement,
    LiaisonLink,
    Provider,
    ReviewReminder,
    StaffAssignment,
    StaffMember,
)
from agreements.selectors import provider_ids_for_user, safety_staff_school_ids
from srp.demo import seed_base
from srp.models import OutboundEmail
from srp.scope import build_scope
from tests.agreements.factories import ProviderFactory, in_force_agreement


@pytest.mark.django_db
def test_demo_seeder_is_idempotent_and_complete():
    ctx = seed_base()
    seed_agreements(ctx)
    counts = (
        Provider.objects.count(),
        Agreement.objects.count(),
        StaffMember.objects.count(),
        StaffAssignment.objects.count(),
    )
    seed_agreements(ctx)
    assert counts == (
        Provider.objects.count(),
        Agreement.objects.count(),
        StaffMember.objects.count(),
        StaffAssignment.objects.count(),
    )
    assert Provider.objects.filter(kind="law_enforcement").count() == 1
    assert Provider.objects.filter(kind="security_company").count() == 1
    assert 14 <= StaffMember.objects.count() <= 16
    assert len(set(Agreement.objects.values_list("status", flat=True))) >= 4
    sro = StaffMember.objects.get(user=ctx.users["sro"])
    assert {
        (a.school.building_code, a.days_per_week)
        for a in sro.assignments.filter(school_year=ctx.current_year)
    } == {("3401", 3), ("3201", 2)}
    assert safety_staff_school_ids(ctx.users["sro"], ctx.district) == {
        ctx.schools["3401"].pk,
        ctx.schools["3201"].pk,
    }
    sheriff = Provider.objects.get(name="Cascade County Sheriff's Office")
    assert LiaisonLink.objects.get().provider == sheriff
    assert provider_ids_for_user(build_scope(ctx.users["liaison"])) == {sheriff.pk}
    # Most schools have staff this year and last year.
    for year in ctx.years[-2:]:
        assert (
            StaffAssignment.objects.filter(school_year=year).values("school").distinct().count()
            >= 8
        )


def test_send_reminders_command_warns_once(world):
    provider = ProviderFactory(district=world.district)
    in_force_agreement(provider, world.year, adopted_on=datetime.date(2025, 12, 1))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "agreements.review_due: 1 reminder(s) queued" in out.getvalue()
    call_command("send_reminders", stdout=StringIO())
    assert OutboundEmail.objects.filter(subject__contains="Review due in 4 days").count() == 1
    assert ReviewReminder.objects.count() == 1
