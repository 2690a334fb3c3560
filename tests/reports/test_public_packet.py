"""The public board packet: the packet as released to the board, built only from suppressed
figures, linked from the transparency page (R-20, R-22; issue #13)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from reports import public_views
from reports.models import BoardPacket
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


def test_the_transparency_page_links_the_released_public_packet(client, client_for, world, known):
    from pypdf import PdfReader

    admin = client_for(world.admin)
    admin.post(url("publish"))
    packet_url = public_url(world, "board_packet")
    # Published but not released: no link, no packet.
    assert packet_url not in client.get(public_url(world, "report")).content.decode()
    assert client.get(packet_url).status_code == 404

    admin.post(url("packet_release"))
    page = client.get(public_url(world, "report")).content.decode()
    assert f'href="{packet_url}"' in page
    response = client.get(packet_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "board-packet-" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Board packet, school year 2025-26" in text
    assert "Public version." in text and "INTERNAL" not in text
    assert "<10" in text

    # Withdrawn from the board: gone from the public too.
    admin.post(url("packet_withdraw"))
    assert client.get(packet_url).status_code == 404
    assert packet_url not in client.get(public_url(world, "report")).content.decode()


def test_the_public_packet_is_drawn_only_from_the_frozen_suppressed_contents(
    client, client_for, world, known, monkeypatch
):
    drawn = []

    def fake(report, *, agreements, deliveries, prepared_on=None, language=None):
        drawn.append(report)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(public_views, "render_board_packet_pdf", fake)
    admin = client_for(world.admin)
    admin.post(url("publish"))
    admin.post(url("packet_release"))
    packet = BoardPacket.objects.get()
    assert client.get(public_url(world, "board_packet")).status_code == 200
    assert drawn == [packet.snapshot["report"]]
    assert drawn[0]["public"] is True
    # A packet whose frozen report is not the suppressed version is never served publicly.
    packet.snapshot = {**packet.snapshot, "report": {**packet.snapshot["report"], "public": False}}
    packet.save()
    assert client.get(public_url(world, "board_packet")).status_code == 404


def test_another_districts_packet_is_not_found(client, client_for, world, known):
    admin = client_for(world.admin)
    admin.post(url("publish"))
    admin.post(url("packet_release"))
    other = world.outsider.memberships.first().district
    response = client.get(
        reverse("reports_public:board_packet", kwargs={"district_code": other.code, "label": YEAR})
    )
    assert response.status_code == 404
