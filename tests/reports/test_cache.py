"""The annual report is computed once and kept until the district's records change (issue #8):
a repeated page or download is cheap, a new record shows on the next request, and readers with
different scope or version never share a computed report."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from agreements.models import StaffMember
from incidents.models import Call
from reports.public import public_report
from reports.selectors import annual_report
from tests.reports import dataset

YEAR = dataset.YEAR


@pytest.fixture
def known(world):
    return dataset.build(world, calls=40)


def url(name, label=YEAR):
    return reverse(f"reports:{name}", kwargs={"label": label})


def report_of(response) -> dict:
    assert response.status_code == 200
    return response.context["report"]


def test_a_repeated_page_does_not_recompute(
    client_for, world, known, django_assert_max_num_queries
):
    c = client_for(world.admin)
    cold = report_of(c.get(url("detail")))
    # Warm: session, user, second factor, scope (with savepoints), year, publication state, and
    # now and then a session write; no query of the report's figures.
    with django_assert_max_num_queries(12) as captured:
        warm = report_of(c.get(url("detail")))
    assert warm == cold
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "incidents_call" not in tables and "incidents_studentinvolved" not in tables
    # The downloads read the same computed report.
    with django_assert_max_num_queries(12):
        data = json.loads(c.get(url("json")).content)
    assert data["calls"]["total"] == cold["calls"]["total"] == len(known.calls)


def test_a_new_call_shows_on_the_next_request(client_for, world, known):
    c = client_for(world.admin)
    before = report_of(c.get(url("detail")))
    assert report_of(c.get(url("detail"))) == before  # cached
    Call.objects.create(
        district=world.district,
        school=world.school_a,
        call_ref="NEW-1",
        occurred_at=dataset.at(datetime.date(2026, 1, 12)),
        requested_by="teacher",
        reason="fight",
        outcome="arrest",
        responding_staff=StaffMember.objects.filter(district=world.district).first(),
    )
    after = report_of(c.get(url("detail")))
    assert after["calls"]["total"] == before["calls"]["total"] + 1
    assert after["calls"]["by_outcome"]["arrest"] == before["calls"]["by_outcome"]["arrest"] + 1
    public = report_of(c.get(url("detail") + "?version=public"))
    assert public["public"] is True
    assert public == public_report(annual_report(district=world.district, school_year=known.year))


@pytest.mark.parametrize("first", ["internal", "public"])
def test_internal_and_public_versions_never_share_an_entry(client_for, world, known, first):
    c = client_for(world.admin)
    fresh = annual_report(district=world.district, school_year=known.year)
    expected = {"internal": fresh, "public": public_report(fresh)}
    order = ["internal", "public"] if first == "internal" else ["public", "internal"]
    for _round in range(2):
        for version in order:
            query = "?version=public" if version == "public" else ""
            got = report_of(c.get(url("detail") + query))
            assert got == expected[version]
            assert got["public"] is (version == "public")
            data = json.loads(c.get(url("json") + query).content)
            assert data["public"] is (version == "public")
    # The test is meaningful: the dataset has counts that suppression hides.
    assert expected["public"]["students"] != fresh["students"]


def test_principal_and_district_readers_never_share_an_entry(client_for, world, known):
    admin, principal = client_for(world.admin), client_for(world.principal_a)
    whole = report_of(admin.get(url("detail")))
    mine = report_of(principal.get(url("detail")))
    code_a = world.school_a.building_code
    assert mine["scope"] == "schools" and whole["scope"] == "district"
    assert mine["calls"]["total"] == sum(c["school"] == code_a for c in known.calls)
    assert mine["calls"]["total"] < whole["calls"]["total"]
    # The principal's request for the public version gets their own internal report, not the
    # district's public one.
    assert report_of(admin.get(url("detail") + "?version=public"))["public"] is True
    again = report_of(principal.get(url("detail") + "?version=public"))
    assert again == mine
    # Principal B's schools are another entry again.
    other = report_of(client_for(world.principal_b).get(url("detail")))
    assert [s["code"] for s in other["schools"]] == [world.school_b.building_code]
    # The board member reads the whole district: the same figures as the administrator.
    assert report_of(client_for(world.board).get(url("detail"))) == whole


def test_each_year_has_its_own_entry(client_for, world, known):
    c = client_for(world.admin)
    current = report_of(c.get(url("detail")))
    previous = report_of(c.get(url("detail", dataset.PREVIOUS)))
    assert current["school_year"] == YEAR and previous["school_year"] == dataset.PREVIOUS
    assert previous["calls"]["total"] == known.previous_calls
    assert current["calls"]["total"] == len(known.calls)
