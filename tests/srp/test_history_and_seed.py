from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from srp.models import District, Membership, School, User

pytestmark = pytest.mark.django_db


def test_changes_are_kept_with_who_and_when(world, client_for):
    """SPEC R-23: every change is kept with who, when and what; one click away for the admin."""
    c = client_for(world.admin)
    data = {
        "name": "Alder Senior High",
        "building_code": "3401",
        "level": "high",
        "grade_span": "9-12",
        "active": "on",
    }
    assert c.post(reverse("srp:school_edit", args=[world.school_a.pk]), data).status_code == 302
    record = world.school_a.history.first()
    assert record.history_user == world.admin
    assert record.history_type == "~"
    page = c.get(reverse("srp:school_history", args=[world.school_a.pk])).content.decode()
    assert "Alder Senior High" in page and "Alder High" in page
    assert str(world.admin) in page
    detail = c.get(reverse("srp:school_detail", args=[world.school_a.pk])).content.decode()
    assert reverse("srp:school_history", args=[world.school_a.pk]) in detail


def test_history_is_for_program_admins_only(world, client_for):
    assert (
        client_for(world.principal_a)
        .get(reverse("srp:school_history", args=[world.school_a.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(world.outsider)
        .get(reverse("srp:school_history", args=[world.school_a.pk]))
        .status_code
        == 404
    )


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_demo_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        District.objects.count(),
        School.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        District.objects.count(),
        School.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    out = capsys.readouterr().out
    assert "admin@cascadevalley.example.org" in out and "srp-demo-2026" in out
    district = District.objects.get(code="99001")
    assert district.schools.count() == 12
    assert district.school_years.count() == 3
