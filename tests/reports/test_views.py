"""R-19, R-22, R-24: who may open, download and publish the report; the public page."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from reports.models import PublishedReport
from tests.reports import dataset

YEAR = dataset.YEAR


@pytest.fixture
def known(world):
    return dataset.build(world, calls=40)


def url(name, label=YEAR):
    return reverse(f"reports:{name}", kwargs={"label": label})


def public_url(world, name="report", label=YEAR):
    kwargs = {"district_code": world.district.code}
    if name != "index":
        kwargs["label"] = label
    return reverse(f"reports_public:{name}", kwargs=kwargs)


# Reading ------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, world, known):
    for target in (reverse("reports:index"), url("detail"), url("pdf"), url("board_packet")):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(url("publish"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not PublishedReport.objects.exists()


def test_admin_sees_the_internal_report(client_for, world, known, django_assert_max_num_queries):
    c = client_for(world.admin)
    with django_assert_max_num_queries(45):
        response = c.get(url("detail"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "INTERNAL" in html
    assert "Alder High" in html and "Birch Middle" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img"' in html
    assert 'style="' not in html  # CSP: no inline styles, even in the charts
    assert "Publish" in html


def test_admin_previews_the_public_version(client_for, world, known):
    response = client_for(world.admin).get(url("detail") + "?version=public")
    html = response.content.decode()
    assert "Public version" in html
    assert "&lt;10" in html


def test_board_member_cannot_read_an_unpublished_report_nor_publish(client_for, world, known):
    # Issue #11: a board member reads published reports and released packets only (SPEC §1);
    # this test asserted the opposite (the internal, unsuppressed report and packet: 200).
    c = client_for(world.board)
    assert c.get(url("detail")).status_code == 404
    assert c.get(url("board_packet")).status_code == 404
    assert c.post(url("publish")).status_code == 403
    assert c.post(url("withdraw")).status_code == 403
    assert c.get(url("state_package_pdf")).status_code == 403
    assert not PublishedReport.objects.exists()


def test_principal_sees_only_their_schools(client_for, world, known):
    c = client_for(world.principal_a)
    response = c.get(url("detail"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alder High" in html and "Birch Middle" not in html
    assert "Only your schools are included." in html
    # No public preview or district documents for a principal.
    data = json.loads(c.get(url("json") + "?version=public").content)
    assert data["public"] is False and data["scope"] == "schools"
    assert data["calls"]["total"] == sum(
        call["school"] == world.school_a.building_code for call in known.calls
    )
    assert c.get(url("board_packet")).status_code == 403
    assert c.post(url("publish")).status_code == 403


@pytest.mark.parametrize("who", ["teacher_a", "safety_staff", "investigator", "liaison", "nobody"])
def test_other_roles_are_refused(client_for, world, known, who):
    c = client_for(getattr(world, who))
    assert c.get(reverse("reports:index")).status_code == 403
    assert c.get(url("detail")).status_code == 403
    assert c.post(url("publish")).status_code == 403


def test_outsider_gets_404_for_our_year(client_for, world, known):
    c = client_for(world.outsider)
    assert c.get(url("detail")).status_code == 404
    assert c.get(url("pdf")).status_code == 404
    assert c.post(url("publish")).status_code == 404
    assert not PublishedReport.objects.exists()


def test_unknown_year_is_404(client_for, world, known):
    c = client_for(world.admin)
    assert c.get(url("detail", "1999-00")).status_code == 404
    assert c.get(url("detail", "<script>")).status_code == 404
    assert c.post(url("publish", "1999-00")).status_code == 404


def test_index_lists_years_with_state(client_for, world, known, django_assert_max_num_queries):
    c = client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = c.get(reverse("reports:index"))
    html = response.content.decode()
    assert YEAR in html and dataset.PREVIOUS in html and "2026-27" in html
    assert "Partial year" in html  # 2026-27 is not over on 2026-11-27


def test_empty_year_renders_a_clear_empty_report(client_for, world):
    # The world's 2026-27 year has no calls at all, and is not finished.
    response = client_for(world.admin).get(url("detail", "2026-27"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No calls were recorded in this school year." in html
    assert "Partial year:" in html


# Downloads ----------------------------------------------------------------------------------
def test_pdf_csv_and_json_downloads(client_for, world, known):
    c = client_for(world.admin)
    pdf = c.get(url("pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(c.get(url("csv")).content))
    names = archive.namelist()
    assert "README.txt" in names
    assert any(n.endswith("calls_by_reason.csv") for n in names)
    assert "INTERNAL" in archive.read("README.txt").decode()
    data = json.loads(c.get(url("json")).content)
    assert data["calls"]["total"] == len(known.calls)
    public = json.loads(c.get(url("json") + "?version=public").content)
    assert public["public"] is True


def test_board_packet_has_cover_contents_and_appendices(client_for, world, known):
    from pypdf import PdfReader

    response = client_for(world.admin).get(url("board_packet"))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Board packet, school year 2025-26" in text
    assert "Contents" in text
    assert "Agreement status" in text and "SRO agreement 2025" in text
    assert "Notice delivery record" in text
    assert len(reader.pages) >= 4


# Publishing and the public page -------------------------------------------------------------
def test_publish_then_public_page_shows_the_suppressed_snapshot(client, client_for, world, known):
    assert client.get(public_url(world)).status_code == 404  # not published yet
    index = client.get(public_url(world, "index"))
    assert "No annual report has been published yet." in index.content.decode()

    response = client_for(world.admin).post(url("publish"))
    assert response.status_code == 302
    published = PublishedReport.objects.get()
    assert published.published_by == world.admin
    assert published.snapshot["public"] is True
    assert published.history.count() == 1

    page = client.get(public_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;10" in html
    assert "SRO agreement 2025" in html  # the adopted agreement
    assert "How to make a complaint" in html
    data = json.loads(client.get(public_url(world, "json")).content)
    from reports.exports import report_json

    assert data == json.loads(report_json(published.snapshot))  # the snapshot, in SPEC §7 form
    for value in data["calls"]["by_reason"].values():
        assert value == 0 or value in ("<10", "*") or value >= 10
    assert set(data["legend"]) == {"<10", "*"}
    assert client.get(public_url(world, "pdf")).content.startswith(b"%PDF")
    # The latest publication is also the public index.
    assert "&lt;10" in client.get(public_url(world, "index")).content.decode()


def test_public_page_in_spanish(client, client_for, world, known):
    client_for(world.admin).post(url("publish"))
    client.cookies["django_language"] = "es"
    html = client.get(public_url(world), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html
    assert "Cómo presentar una queja" in html


def test_snapshot_is_frozen_until_published_again(client, client_for, world, known):
    from incidents.models import Call

    c = client_for(world.admin)
    c.post(url("publish"))
    before = PublishedReport.objects.get().snapshot["calls"]["total"]
    call = Call.objects.filter(district=world.district, call_ref="R-0000").get()
    Call.objects.create(
        district=world.district,
        school=call.school,
        occurred_at=call.occurred_at,
        requested_by="teacher",
        reason="fight",
        outcome="arrest",
        responding_staff=call.responding_staff,
        call_ref="LATE-1",
    )
    data = json.loads(client.get(public_url(world, "json")).content)
    assert data["calls"]["total"] == before
    c.post(url("publish"))
    data = json.loads(client.get(public_url(world, "json")).content)
    assert data["calls"]["total"] == before + 1
    assert PublishedReport.objects.get().history.count() == 2


def test_withdraw_hides_the_public_page(client, client_for, world, known):
    c = client_for(world.admin)
    response = c.post(url("withdraw"))
    assert response.status_code == 302  # nothing published: a message, no change
    assert not PublishedReport.objects.exists()
    c.post(url("publish"))
    c.post(url("withdraw"))
    assert PublishedReport.objects.get().status == "withdrawn"
    assert client.get(public_url(world)).status_code == 404
    assert c.get(url("history")).status_code == 200


def test_publish_needs_post(client_for, world, known):
    assert client_for(world.admin).get(url("publish")).status_code == 405


def test_public_page_of_unknown_district_is_404(client, world):
    response = client.get(reverse("reports_public:index", kwargs={"district_code": "00000"}))
    assert response.status_code == 404


def test_public_pages_never_show_another_districts_report(client, client_for, world, known):
    client_for(world.admin).post(url("publish"))
    other = reverse(
        "reports_public:report",
        kwargs={"district_code": world.other_district.code, "label": YEAR},
    )
    assert client.get(other).status_code == 404


def nav_urls(response) -> set[str]:
    urls = set()
    for entry in response.context["nav_entries"]:
        if "url" in entry:
            urls.add(entry["url"])
        for item in entry.get("items", []) if isinstance(entry.get("items"), list) else []:
            urls.add(item["url"])
    return urls


def test_dashboard_section_and_navigation(client_for, world, known):
    response = client_for(world.admin).get(reverse("srp:dashboard"))
    html = response.content.decode()
    assert "Annual report" in html and "Not published" in html
    assert reverse("reports:index") in nav_urls(response)
    for reader in (world.board, world.principal_a):
        assert reverse("reports:index") in nav_urls(
            client_for(reader).get(reverse("srp:dashboard"))
        )
    teacher = client_for(world.teacher_a).get(reverse("srp:dashboard"))
    assert reverse("reports:index") not in nav_urls(teacher)
    assert "Annual report" not in teacher.content.decode()
