"""Playwright journeys in Debian's Chromium: a principal records the notice's delivery; a family
reads the Spanish notice; the admin builds the archive with progress. Screenshots go to
/tmp/shots-notices/ for a person to look at."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from notices.models import Delivery
from notices.services import notice_create, notice_publish
from tests.browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe_violations,
    sign_in,
)
from tests.notices.test_delivery import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "shots-notices"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page) -> None:
    # Park the pointer and let Bootstrap's .15s colour transitions end, so that axe measures
    # contrast of the page at rest rather than of a button fading in or out of its hover state.
    page.mouse.move(1, page.viewport_size["height"] - 1)
    page.wait_for_timeout(250)
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


@pytest.fixture
def published(world, staffed):
    notice = notice_create(district=world.district, school_year=world.year, by=world.admin)
    return notice_publish(notice=notice, by=world.admin)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_principal_records_a_presentation_and_a_distribution(
    page, live_server, world, published, viewport, tmp_path
):
    label = "desktop" if viewport == DESKTOP else "phone"
    page.set_viewport_size(viewport)
    sign_in(page, live_server, world.principal_a)
    page.goto(f"{live_server.url}/notices/")
    expect(page.get_by_role("heading", name="Start-of-year notices")).to_be_visible()
    assert_accessible(page)
    shot(page, f"index-principal-{label}")
    page.get_by_role("link", name="Alder High").click()
    page.get_by_role("link", name="Record a presentation").click()
    page.get_by_label("Date").fill("2026-09-14")
    page.get_by_label("Grades or audience").fill("Grades 9-12, in advisory")
    page.get_by_label("Presenter").fill("Pat Principal and Officer Rivera")
    page.get_by_label("Format").select_option("advisory")
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(PDF_BYTES)
    page.get_by_label("Evidence (optional)").set_input_files(str(slides))
    assert_accessible(page)
    shot(page, f"record-presentation-{label}")
    page.get_by_role("button", name="Record").click()
    page.wait_for_url("**/notices/schools/**")
    expect(page.get_by_text("Recorded: Presented to and discussed with students")).to_be_visible()

    page.get_by_role("link", name="Record a distribution").click()
    page.get_by_label("Date").fill("2026-09-04")
    page.get_by_label("Email").check()
    page.get_by_label("Backpack (paper sent home)").check()
    page.get_by_label("English (English)").check()
    page.get_by_label("español (Spanish)").check()
    page.get_by_role("button", name="Record").click()
    page.wait_for_url("**/notices/schools/**")
    expect(page.get_by_text("Recorded: Distributed to families")).to_be_visible()
    assert_accessible(page)
    shot(page, f"school-principal-{label}")
    deliveries = Delivery.objects.filter(school=world.school_a).order_by("kind")
    assert [d.kind for d in deliveries] == ["distribution", "presentation"]
    assert deliveries[1].evidence.count() == 1
    assert deliveries[0].languages == ["en", "es"]


def test_bad_date_shows_a_message_tied_to_the_field(page, live_server, world, published):
    sign_in(page, live_server, world.principal_a)
    page.goto(f"{live_server.url}/notices/schools/{world.school_a.pk}/record/presentation/")
    page.get_by_label("Date").fill("2026-05-01")
    page.get_by_label("Grades or audience").fill("All")
    page.get_by_label("Presenter").fill("Me")
    page.get_by_role("button", name="Record").click()
    error = page.get_by_text("This date is before the 2026-27 school year began")
    expect(error).to_be_visible()
    described = page.get_by_label("Date").get_attribute("aria-describedby") or ""
    assert any(part.startswith("id_delivered_on_") for part in described.split())
    assert_accessible(page)
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_family_opens_the_public_spanish_notice(page, live_server, world, published, viewport):
    label = "desktop" if viewport == DESKTOP else "phone"
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/p/99001/")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Your school's notice about safety staff").click()
    assert_accessible(page)
    shot(page, f"public-index-{label}")
    page.get_by_role("link", name="español – Alder High").click()
    page.wait_for_url("**/p/99001/notices/3401/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(
        page.get_by_role("heading", name="Personal de seguridad en nuestras escuelas")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Marisol Rivera")).to_be_visible()
    expect(
        page.get_by_role("img", name="Código QR del formulario de quejas en línea")
    ).to_be_visible()
    assert "/p/99001/complaints/new/" in page.content()
    assert_accessible(page)
    shot(page, f"public-notice-es-{label}")


def test_admin_builds_the_archive_with_progress(page, live_server, world, published):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/notices/")
    assert_accessible(page)
    shot(page, "index-admin-desktop")
    page.get_by_role("link", name="Edit español").click()
    assert page.get_by_label("Title", exact=True).input_value() == (
        "Personal de seguridad en nuestras escuelas"
    )
    expect(page.get_by_label("Title", exact=True)).to_have_attribute("lang", "es")
    assert_accessible(page)
    shot(page, "translation-form-desktop")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Start-of-year notices")).to_be_visible()
    assert_accessible(page)
    shot(page, "dashboard-admin-desktop")
    page.goto(f"{live_server.url}/notices/")
    page.get_by_role("button", name="Build the archive").click()
    page.wait_for_url("**/notices/archive/**")
    download = page.get_by_role("link", name="Download the zip")
    download.wait_for(state="visible", timeout=60_000)
    assert page.locator("#archive-done").inner_text() == "2"
    assert_accessible(page)
    shot(page, "archive-desktop")
