"""R-18: the dashboard block (done, due, late per school) and the demo data."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils.formats import date_format

from notices import demo
from notices.models import Delivery, Notice
from notices.selectors import DONE, LATE, delivery_statuses
from srp.registry import registry
from tests.notices.test_delivery import distribute, present


def test_dashboard_shows_done_due_late_per_school(world, notice, client_for):
    present(world, world.school_a)
    distribute(world, world.school_a)
    response = client_for(world.admin).get(reverse("srp:dashboard"))
    assert response.status_code == 200
    section = notices_section(response)
    assert section["counts"] == {"Done": "1", "Due": "0", "Late": "1"}
    assert f"Deadline: {date_format(datetime.date(2026, 10, 2))}" in section["text"]
    assert section["schools"] == ["Alder High", "Birch Middle"]


def test_principal_dashboard_shows_only_their_school(world, notice, client_for):
    response = client_for(world.principal_b).get(reverse("srp:dashboard"))
    section = notices_section(response)
    assert section["schools"] == ["Birch Middle"]
    assert section["counts"]["Late"] == "1"


def notices_section(response) -> dict:
    """The notices block of a rendered dashboard: its counts, its schools and its text."""
    html = BeautifulSoup(response.content, "html.parser")
    block = html.find("section", attrs={"aria-labelledby": "sec-notices"})
    assert block is not None, "no notices section on the dashboard"
    return {
        "counts": {
            dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
            for dt in block.find_all("dt")
        },
        "schools": [row.find("td").get_text(strip=True) for row in block.select("tbody tr")],
        "text": block.get_text(" ", strip=True),
    }


def test_nav_item_for_readers_only(world, client_for):
    item = next(i for i in registry.nav_items if i.url_name == "notices:index")
    assert "principal" in item.roles and "safety_staff" not in item.roles
    body = client_for(world.principal_a).get(reverse("srp:dashboard")).content.decode()
    assert f'href="{reverse("notices:index")}"' in body


@pytest.mark.django_db
def test_demo_seeds_the_notice_and_deliveries_at_some_schools(settings):
    from srp.demo import seed_base
    from tests.notices.factories import StaffAssignmentFactory, StaffMemberFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = seed_base()
    year = ctx.current_year
    # The roster belongs to agreements' seeder; give six schools staff here.
    for code in ["3101", "3102", "3201", "3202", "3401", "3402"]:
        member = StaffMemberFactory(district=ctx.district)
        StaffAssignmentFactory(staff_member=member, school=ctx.schools[code], school_year=year)
    assert any(s.key == "notices" and s.order == 50 for s in registry.demo_seeders)
    demo.seed(ctx)
    demo.seed(ctx)  # idempotent
    notice = Notice.objects.get(district=ctx.district, school_year=year)
    assert notice.is_published
    assert sorted(notice.translations.values_list("language", flat=True)) == ["en", "es"]
    statuses = delivery_statuses(district=ctx.district, school_year=year)
    states = [s.state for s in statuses]
    assert DONE in states and LATE in states
    assert Delivery.objects.filter(school_year=year).count() == 6
