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
    # The board member is never served the administrator's entry: before a publication there
    # is nothing for them (issue #11; this asserted they read the internal report).
    assert client_for(world.board).get(url("detail")).status_code == 404


def test_each_year_has_its_own_entry(client_for, world, known):
    c = client_for(world.admin)
    current = report_of(c.get(url("detail")))
    previous = report_of(c.get(url("detail", dataset.PREVIOUS)))
    assert current["school_year"] == YEAR and previous["school_year"] == dataset.PREVIOUS
    assert previous["calls"]["total"] == known.previous_calls
    assert current["calls"]["total"] == len(known.calls)


def public_url(world, name="report", label=YEAR):
    kwargs = {"district_code": world.district.code}
    if name != "index":
        kwargs["label"] = label
    return reverse(f"reports_public:{name}", kwargs=kwargs)


def sections_of(response) -> str:
    """The report's contents and sections (the rest of the page holds per-request tokens)."""
    html = response.content.decode()
    return html[html.index("report-toc") : html.rindex("</section>")]


def calls_fact(total: int) -> str:
    return f"<dt>Calls</dt><dd>{total}</dd>"


def test_rendered_sections_follow_the_records_and_the_version(client_for, world, known):
    c = client_for(world.admin)
    internal = c.get(url("detail")).content.decode()
    assert calls_fact(len(known.calls)) in internal
    public = c.get(url("detail") + "?version=public").content.decode()
    assert "&lt;10" in public and "&lt;10" not in internal
    assert "&lt;10" not in c.get(url("detail")).content.decode()
    Call.objects.create(
        district=world.district,
        school=world.school_b,
        call_ref="NEW-2",
        occurred_at=dataset.at(datetime.date(2026, 2, 2)),
        requested_by="teacher",
        reason="theft",
        outcome="no_action",
        responding_staff=StaffMember.objects.filter(district=world.district).first(),
    )
    assert calls_fact(len(known.calls) + 1) in c.get(url("detail")).content.decode()


def test_public_page_is_cheap_and_follows_each_publication(
    client, client_for, world, known, django_assert_max_num_queries
):
    admin = client_for(world.admin)
    admin.post(url("publish"))
    first = sections_of(client.get(public_url(world)))
    assert calls_fact(len(known.calls)) in first
    # Warm: district, publication, other publications, agreements, providers.
    with django_assert_max_num_queries(8):
        assert sections_of(client.get(public_url(world))) == first
    Call.objects.create(
        district=world.district,
        school=world.school_a,
        call_ref="NEW-3",
        occurred_at=dataset.at(datetime.date(2026, 3, 3)),
        requested_by="teacher",
        reason="fight",
        outcome="no_action",
        responding_staff=StaffMember.objects.filter(district=world.district).first(),
    )
    # The snapshot is frozen until published again ...
    assert calls_fact(len(known.calls)) in client.get(public_url(world)).content.decode()
    admin.post(url("publish"))
    # ... and the next request shows the new publication.
    assert calls_fact(len(known.calls) + 1) in client.get(public_url(world)).content.decode()


def test_each_language_has_its_own_rendered_sections(client, client_for, world, known):
    client_for(world.admin).post(url("publish"))
    english = sections_of(client.get(public_url(world), HTTP_ACCEPT_LANGUAGE="en"))
    client.cookies["django_language"] = "es"
    spanish = sections_of(client.get(public_url(world), HTTP_ACCEPT_LANGUAGE="es"))
    assert "Llamadas de servicio a las fuerzas del orden" in spanish
    assert "Calls for law-enforcement service" not in spanish
    client.cookies["django_language"] = "en"
    again = sections_of(client.get(public_url(world), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Calls for law-enforcement service" in english and again == english


@pytest.fixture
def pdf_renders(monkeypatch):
    """The reports rendered to PDF, in order (the real renderer still runs)."""
    from reports import public_views, views

    rendered = []
    real = views.render_annual_report_pdf

    def counting(report, **kwargs):
        rendered.append(report)
        return real(report, **kwargs)

    monkeypatch.setattr(views, "render_annual_report_pdf", counting)
    monkeypatch.setattr(public_views, "render_annual_report_pdf", counting)
    return rendered


def test_pdf_is_made_once_per_report_and_version(client_for, world, known, pdf_renders):
    c = client_for(world.admin)
    internal = c.get(url("pdf")).content
    assert c.get(url("pdf")).content == internal
    assert len(pdf_renders) == 1 and pdf_renders[0]["public"] is False
    public = c.get(url("pdf") + "?version=public").content
    assert public != internal
    assert len(pdf_renders) == 2 and pdf_renders[1]["public"] is True
    mine = client_for(world.principal_a).get(url("pdf")).content
    assert len(pdf_renders) == 3 and pdf_renders[2]["scope"] == "schools"
    assert mine != internal
    Call.objects.create(
        district=world.district,
        school=world.school_a,
        call_ref="NEW-4",
        occurred_at=dataset.at(datetime.date(2026, 4, 4)),
        requested_by="teacher",
        reason="fight",
        outcome="no_action",
        responding_staff=StaffMember.objects.filter(district=world.district).first(),
    )
    c.get(url("pdf"))
    assert len(pdf_renders) == 4
    assert pdf_renders[3]["calls"]["total"] == len(known.calls) + 1


def test_public_pdf_is_made_once_per_publication(client, client_for, world, known, pdf_renders):
    admin = client_for(world.admin)
    admin.post(url("publish"))
    first = client.get(public_url(world, "pdf")).content
    assert first.startswith(b"%PDF") and client.get(public_url(world, "pdf")).content == first
    assert len(pdf_renders) == 1 and pdf_renders[0]["public"] is True
    # The snapshot does not change with the district's records: a new call leaves the PDF.
    Call.objects.create(
        district=world.district,
        school=world.school_a,
        call_ref="NEW-5",
        occurred_at=dataset.at(datetime.date(2026, 4, 5)),
        requested_by="teacher",
        reason="fight",
        outcome="no_action",
        responding_staff=StaffMember.objects.filter(district=world.district).first(),
    )
    assert client.get(public_url(world, "pdf")).content == first
    assert len(pdf_renders) == 1
    admin.post(url("publish"))  # a new publication (same figures): made again
    client.get(public_url(world, "pdf"))
    assert len(pdf_renders) == 2
