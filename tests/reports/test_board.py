"""Board members read published reports and the board packets released to them, nothing
else (SPEC §1, R-20, R-22; issue #11)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse

from incidents.models import Call
from reports import views as report_views
from reports.models import BoardPacket, PublishedReport
from reports.services import ReportError, board_packet_release, board_packet_withdraw
from srp.roles import Role
from tests.factories import MembershipFactory
from tests.reports import dataset

YEAR = dataset.YEAR


@pytest.fixture
def known(world):
    return dataset.build(world, calls=40)


def url(name, label=YEAR):
    return reverse(f"reports:{name}", kwargs={"label": label})


def public_url(world, name, label=YEAR):
    return reverse(
        f"reports_public:{name}", kwargs={"district_code": world.district.code, "label": label}
    )


def links(html: str) -> set[str]:
    return set(re.findall(r'href="(/[^"#?]*)', html))


@pytest.fixture
def packets(monkeypatch):
    """What each board packet PDF was drawn from (a render takes seconds; content is the point)."""
    drawn = []

    def fake(report, *, agreements, deliveries, prepared_on=None, language=None):
        drawn.append(
            {
                "report": report,
                "agreements": agreements,
                "deliveries": deliveries,
                "on": prepared_on,
            }
        )
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(report_views, "render_board_packet_pdf", fake)
    return drawn


# Reports ------------------------------------------------------------------------------------
def test_board_member_reads_no_unpublished_or_internal_report(client_for, world, known):
    c = client_for(world.board)
    index = c.get(reverse("reports:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert "Nothing has been published or released to the board yet." in html
    assert url("detail") not in html
    for name in ("detail", "pdf", "csv", "json"):
        assert c.get(url(name)).status_code == 404, name
        assert c.get(url(name) + "?version=public").status_code == 404, name
    for name in ("state_package_pdf", "state_package_csv", "history", "packet_history"):
        assert c.get(url(name)).status_code == 403, name
    for name in ("publish", "withdraw", "packet_release", "packet_withdraw"):
        assert c.post(url(name)).status_code == 403, name
    assert not PublishedReport.objects.exists() and not BoardPacket.objects.exists()


def test_board_member_reads_the_published_snapshot_marked_as_published(client_for, world, known):
    client_for(world.admin).post(url("publish"))
    published = PublishedReport.objects.get()
    # A call recorded after publishing changes the internal report, not what the board reads.
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
    c = client_for(world.board)
    response = c.get(url("detail"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Published" in html and "Public version." in html
    assert "INTERNAL" not in html
    assert "&lt;10" in html
    assert response.context["report"] == published.snapshot
    assert "Publish" not in html.replace("Published", "")
    # Downloads are the public ones of this publication.
    for name in ("pdf", "csv", "json"):
        answer = c.get(url(name))
        assert answer.status_code == 302 and answer["Location"] == public_url(world, name)
    data = json.loads(c.get(url("json"), follow=True).content)
    assert data["public"] is True
    assert data["calls"]["total"] == published.snapshot["calls"]["total"] == len(known.calls)
    # Every link of the page leads somewhere the board member may go.
    for href in links(html):
        if href.startswith(("/reports/", "/p/")) and not href.endswith(".pdf"):
            assert c.get(href).status_code in (200, 302), href


def test_a_withdrawn_or_other_year_stays_closed_to_the_board(client_for, world, known):
    admin = client_for(world.admin)
    admin.post(url("publish"))
    c = client_for(world.board)
    assert c.get(url("detail")).status_code == 200
    assert c.get(url("detail", dataset.PREVIOUS)).status_code == 404  # never published
    index = c.get(reverse("reports:index")).content.decode()
    assert url("detail") in index and url("detail", dataset.PREVIOUS) not in index
    admin.post(url("withdraw"))
    assert c.get(url("detail")).status_code == 404
    assert c.get(url("json")).status_code == 404


def test_a_board_member_who_is_also_a_principal_sees_only_their_schools(client_for, world, known):
    MembershipFactory(
        user=world.board, district=world.district, role=Role.PRINCIPAL, schools=[world.school_a]
    )
    c = client_for(world.board)
    html = c.get(url("detail")).content.decode()
    assert "Only your schools are included." in html
    assert "Alder High" in html and "Birch Middle" not in html
    data = json.loads(c.get(url("json") + "?version=public").content)
    assert data["scope"] == "schools" and data["public"] is False
    assert c.get(url("board_packet")).status_code == 404  # nothing released yet


# The board packet ---------------------------------------------------------------------------
def test_packet_is_closed_to_the_board_until_the_administrator_releases_it(
    client_for, world, known, packets
):
    board = client_for(world.board)
    assert board.get(url("board_packet")).status_code == 404
    admin = client_for(world.admin)
    page = admin.get(url("detail")).content.decode()
    assert "Not released to the board yet." in page and url("packet_release") in page

    response = admin.post(url("packet_release"))
    assert response.status_code == 302 and response["Location"] == url("detail")
    packet = BoardPacket.objects.get()
    assert packet.is_released and packet.released_by == world.admin
    assert packet.snapshot["report"]["public"] is True  # the suppressed version
    assert packet.history.count() == 1

    answer = board.get(url("board_packet"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    drawn = packets[-1]
    assert drawn["report"] == packet.snapshot["report"]
    assert drawn["agreements"] == packet.snapshot["agreements"]
    assert drawn["on"] == packet.released_at.date()
    counts = drawn["report"]["calls"]["by_reason"].values()
    assert all(v == 0 or v in ("<10", "*") or v >= 10 for v in counts)
    assert any(a["title"] == "SRO agreement 2025" for a in drawn["agreements"])

    # The board's pages show where the packet is.
    assert url("board_packet") in board.get(reverse("reports:index")).content.decode()
    admin.post(url("publish"))
    assert url("board_packet") in board.get(url("detail")).content.decode()


def test_a_released_packet_is_frozen_until_released_again(client_for, world, known, packets):
    admin = client_for(world.admin)
    admin.post(url("packet_release"))
    before = BoardPacket.objects.get().snapshot["report"]["calls"]["total"]
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
    board = client_for(world.board)
    board.get(url("board_packet"))
    assert packets[-1]["report"]["calls"]["total"] == before
    admin.post(url("packet_release"))
    board.get(url("board_packet"))
    assert packets[-1]["report"]["calls"]["total"] == before + 1
    assert BoardPacket.objects.get().history.count() == 2


def test_withdrawing_takes_the_packet_back(client_for, world, known, packets):
    admin = client_for(world.admin)
    response = admin.post(url("packet_withdraw"), follow=True)
    assert "has not been released to the board" in response.content.decode()
    assert not BoardPacket.objects.exists()
    admin.post(url("packet_release"))
    admin.post(url("packet_withdraw"))
    packet = BoardPacket.objects.get()
    assert packet.status == BoardPacket.Status.WITHDRAWN
    assert client_for(world.board).get(url("board_packet")).status_code == 404
    history = admin.get(url("packet_history"))
    assert history.status_code == 200 and "Board packet history" in history.content.decode()
    assert "withdrawn from the board members" in admin.get(url("detail")).content.decode()


def test_the_administrators_packet_is_drawn_now_and_can_be_previewed_as_released(
    client_for, world, known, packets
):
    admin = client_for(world.admin)
    assert admin.get(url("board_packet")).status_code == 200
    assert packets[-1]["report"]["public"] is False and packets[-1]["on"] is None
    assert admin.get(url("board_packet") + "?version=public").status_code == 200
    assert packets[-1]["report"]["public"] is True
    assert not BoardPacket.objects.exists()  # looking is not releasing


def test_release_is_for_the_program_administrator_of_the_district(client_for, world, known):
    for who in ("board", "principal_a"):
        assert client_for(getattr(world, who)).post(url("packet_release")).status_code == 403
    for who in ("teacher_a", "liaison", "nobody"):
        assert client_for(getattr(world, who)).post(url("packet_release")).status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.post(url("packet_release")).status_code == 404
    assert outsider.get(url("packet_history")).status_code == 404
    assert client_for(world.admin).get(url("packet_release")).status_code == 405
    assert client_for(world.admin).post(url("packet_release", "1999-00")).status_code == 404
    assert not BoardPacket.objects.exists()


def test_anonymous_is_sent_to_login(client, world, known):
    for target in (url("packet_history"), url("board_packet")):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(url("packet_release"))
    assert response.status_code == 302 and not BoardPacket.objects.exists()


def test_release_service_checks_the_district_and_state(world, known):
    from srp.models import SchoolYear

    year = SchoolYear.objects.get(district=world.district, label=YEAR)
    with pytest.raises(ReportError):
        board_packet_release(district=world.other_district, school_year=year, by=world.admin)
    with pytest.raises(ReportError):
        board_packet_withdraw(district=world.district, school_year=year, by=world.admin)
    packet = board_packet_release(district=world.district, school_year=year, by=world.admin)
    assert packet.history.get().history_user == world.admin
    board_packet_withdraw(district=world.district, school_year=year, by=world.admin)
    with pytest.raises(ReportError):
        board_packet_withdraw(district=world.district, school_year=year, by=world.admin)
    assert BoardPacket.objects.get().history.count() == 2


def test_released_packet_pdf_is_the_suppressed_report(client_for, world, known):
    """One real render: the cover, the public banner and no internal marking."""
    from pypdf import PdfReader

    client_for(world.admin).post(url("packet_release"))
    response = client_for(world.board).get(url("board_packet"))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Board packet, school year 2025-26" in text
    assert "Public version." in text and "INTERNAL" not in text
    assert "<10" in text
    assert "Agreement status" in text and "Notice delivery record" in text


# The dashboard ------------------------------------------------------------------------------
def test_board_dashboard_links_only_where_the_board_member_may_go(client_for, world, known):
    c = client_for(world.board)
    html = c.get(reverse("srp:dashboard")).content.decode()
    assert "No report has been published yet." in html
    assert url("detail") not in html and url("board_packet") not in html
    admin = client_for(world.admin)
    admin.post(url("publish"))
    admin.post(url("packet_release"))
    html = c.get(reverse("srp:dashboard")).content.decode()
    assert url("detail") in html and url("board_packet") in html
    for href in links(html):
        if href.startswith("/reports/") and not href.endswith(".pdf"):
            assert c.get(href).status_code == 200, href


def test_board_pages_in_spanish(client_for, world, known):
    c = client_for(world.board)
    c.cookies["django_language"] = "es"
    html = c.get(reverse("reports:index"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Todavía no se ha publicado ni entregado nada a la junta." in html
    admin = client_for(world.admin)
    admin.cookies["django_language"] = "es"
    page = admin.get(url("detail"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Paquete para la junta" in page and "Entregar a la junta" in page
