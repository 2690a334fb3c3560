"""Demo data (about 40 complaints in every state), registry entries, reminders command, audit."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Status
from srp.registry import registry
from srp.roles import Role
from tests.complaints.factories import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_seeder_makes_about_40_complaints_in_every_state(fast_hasher):
    from agreements.models import Provider
    from complaints.demo import seed
    from srp.demo import seed_base

    ctx = seed_base()
    Provider.objects.create(
        district=ctx.district, name="Cascade County Sheriff", kind=Provider.Kind.LAW_ENFORCEMENT
    )
    seed(ctx)
    complaints = Complaint.objects.filter(district=ctx.district)
    assert complaints.count() == 40
    assert set(complaints.values_list("status", flat=True)) == set(Status.values)
    assert complaints.overdue().exists()
    seed(ctx)  # idempotent
    assert complaints.count() == 40
    assert not Complaint.objects.filter(district=ctx.other_district).exists()


def test_demo_seeder_works_without_agreements_data(fast_hasher):
    from complaints.demo import seed
    from srp.demo import seed_base

    ctx = seed_base()
    seed(ctx)
    assert Complaint.objects.filter(district=ctx.district).count() == 40
    assert not Complaint.objects.filter(staff_member__isnull=False).exists()


def test_registry_entries():
    nav = {item.url_name: item for item in registry.nav_items}
    assert nav["complaints:list"].roles == {
        Role.PROGRAM_ADMIN,
        Role.INVESTIGATOR,
        Role.AGENCY_LIAISON,
    }
    assert "complaints_public:process" in {link.url_name for link in registry.public_links}
    assert "complaints.due" in {s.key for s in registry.dashboard_sections}
    assert "complaints.due" in {r.key for r in registry.reminders}
    assert any(s.key == "complaints" and s.order == 40 for s in registry.demo_seeders)


def test_every_model_keeps_history():
    for model in apps.get_app_config("complaints").get_models():
        if model.__name__.startswith("Historical"):
            continue
        assert hasattr(model, "history"), model


def test_send_reminders_command_queues_once(world):
    from freezegun import freeze_time

    c = complaint(world)
    services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)
    with freeze_time("2026-12-08 14:00:00"):
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "complaints.due: 1 reminder(s) queued" in out.getvalue()
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "complaints.due: 0 reminder(s) queued" in out.getvalue()


def test_dashboard_shows_due_and_overdue_to_the_investigator(client_for, world):
    from freezegun import freeze_time

    c = complaint(world)
    services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)
    with freeze_time("2026-12-08 14:00:00"):
        page = client_for(world.investigator).get(reverse("srp:dashboard")).content.decode()
    assert c.reference in page and "Overdue" in page
    assert (
        c.reference not in client_for(world.liaison).get(reverse("srp:dashboard")).content.decode()
    )


def test_changes_are_audited_with_who(world):
    c = complaint(world)
    services.complaint_acknowledge(complaint=c, by=world.admin)
    assert c.history.count() >= 2
    assert c.history.order_by("-history_date", "-pk").first().history_user == world.admin
    assert not any("token" in f.name for f in c.history.model._meta.get_fields())
