"""R-19/R-22 journey in Chromium: the program administrator opens the report, downloads the
PDF and publishes; an anonymous visitor reads the public page with "<10" for small counts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in
from tests.reports import dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SRP_SHOTS_DIR", tempfile.gettempdir())) / "shots-reports"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_admin_publishes_and_public_sees_suppressed_report(page, live_server, world, browser):
    dataset.build(world, calls=40)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/reports/")
    shoot(page, "index-desktop")
    page.get_by_role("link", name=dataset.YEAR, exact=True).click()
    expect(page.get_by_role("heading", name=f"Annual report {dataset.YEAR}")).to_be_visible()
    expect(page.get_by_text("INTERNAL – not for publication.")).to_be_visible()
    assert page.locator("svg.report-chart").count() >= 5
    page.wait_for_timeout(500)  # let the navbar's colour transitions settle before axe
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    shoot(page, "internal-desktop")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("report is published on the public page")).to_be_visible()

    visitor = browser.new_context(viewport=PHONE)
    public = visitor.new_page()
    public.goto(f"{live_server.url}/p/{world.district.code}/reports/")
    expect(public.get_by_role("heading", name=f"annual report {dataset.YEAR}")).to_be_visible()
    expect(public.get_by_text("<10").first).to_be_visible()
    expect(public.get_by_role("heading", name="How to make a complaint")).to_be_visible()
    public.wait_for_timeout(500)
    violations = axe_violations(public)
    assert violations == [], describe_violations(violations)
    shoot(public, "public-phone")
    public.set_viewport_size(DESKTOP)
    shoot(public, "public-desktop")
    with public.expect_navigation():
        public.select_option("#language-switch", "es")
    public.wait_for_load_state()
    expect(public.get_by_role("heading", name="Cómo presentar una queja")).to_be_visible()
    shoot(public, "public-es-desktop")
    visitor.close()


def test_report_page_on_a_phone(page, live_server, world):
    dataset.build(world, calls=20)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/reports/{dataset.YEAR}/")
    expect(page.get_by_role("heading", name=f"Annual report {dataset.YEAR}")).to_be_visible()
    # Tables scroll inside their box: the page itself does not scroll sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    shoot(page, "internal-phone")


def test_admin_releases_the_board_packet_and_the_board_member_reads_it(
    page, live_server, world, browser
):
    dataset.build(world, calls=40)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/reports/{dataset.YEAR}/")
    packet_card = page.get_by_role("region", name="Board packet")
    expect(packet_card.get_by_text("Not released to the board yet.")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Release to the board").click()
    page.wait_for_load_state()
    expect(page.get_by_text("board packet is released to the board members")).to_be_visible()
    packet_card.scroll_into_view_if_needed()
    shoot(page, "packet-released-desktop")

    board = browser.new_context(viewport=DESKTOP)
    reader = board.new_page()
    sign_in(reader, live_server, world.board)
    shoot(reader, "board-dashboard-desktop")
    reader.get_by_role("link", name="Open the report").click()
    expect(reader.get_by_role("heading", name=f"Annual report {dataset.YEAR}")).to_be_visible()
    expect(reader.get_by_text("The report as the district published it on")).to_be_visible()
    assert reader.get_by_text("INTERNAL").count() == 0
    expect(reader.get_by_role("button", name="Publish")).to_have_count(0)
    reader.wait_for_timeout(500)
    violations = axe_violations(reader)
    assert violations == [], describe_violations(violations)
    shoot(reader, "board-report-desktop")
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name="Board packet (PDF)").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    reader.goto(f"{live_server.url}/reports/")
    violations = axe_violations(reader)
    assert violations == [], describe_violations(violations)
    shoot(reader, "board-index-desktop")
    board.close()


def test_admin_closes_the_year_and_a_later_correction_is_a_revision(page, live_server, world):
    """Issue #13 item 6: publish, close the year (confirmed), correct a call, see the revision."""
    from incidents.models import Call
    from incidents.services import call_void

    known = dataset.build(world, calls=20)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/reports/{dataset.YEAR}/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Close the year").click()
    page.wait_for_load_state()
    assert any("Close the 2025-26 school year?" in message for message in dialogs)
    expect(page.get_by_text("The 2025-26 school year is closed.")).to_be_visible()
    call = Call.objects.recorded().in_school_year(known.year).first()
    call_void(call=call, reason="Entered twice by mistake", by=world.admin)
    page.reload()
    section = page.locator("#section-revisions")
    heading = section.get_by_role("heading", name="Revisions since the year was closed")
    expect(heading).to_be_visible()
    expect(section.get_by_role("cell", name="Entered twice by mistake", exact=True)).to_be_visible()
    page.wait_for_timeout(500)
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    page.locator("#close-title").scroll_into_view_if_needed()
    shoot(page, "closed-year-card")
    section.scroll_into_view_if_needed()
    shoot(page, "revisions-section")
