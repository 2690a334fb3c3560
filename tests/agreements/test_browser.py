"""Playwright journeys in Debian's Chromium (R-01, R-02, R-03)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from tests.agreements.factories import AgreementFactory, ProviderFactory
from tests.browser import AXE_PATH, DESKTOP, PHONE, describe_violations, sign_in

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def main_violations(page) -> list[dict]:
    """axe-core on this app's part of the page (`<main>`).

    The shared header is left out: with every app's navigation items its user menu wraps out
    of the dark bar at 1366 px when the user's name is long (reported to the foundation).
    """
    page.evaluate(AXE_PATH.read_text() + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run({include: [['main']]}, "
        "{runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result["violations"]


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_checklist(page, skip: tuple[str, ...] = ()) -> None:
    for index in range(10):
        code = page.locator(f"#id_elements-{index}-code").input_value()
        if code in skip:
            continue
        page.locator(f"#id_elements-{index}-present").check()
        page.locator(f"#id_elements-{index}-section").fill(f"{index + 3}.1")
        page.locator(f"#id_elements-{index}-page").fill(str(index + 2))
    page.get_by_role("button", name="Save the checklist").click()


def test_admin_creates_reviews_and_adopts_an_agreement(page, live_server, world):
    ProviderFactory(district=world.district, name="Cascade County Sheriff")
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.get_by_role("button", name="Agreements and staff").click()
    page.get_by_role("link", name="Agreements", exact=True).click()
    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("Provider").select_option(label="Cascade County Sheriff")
    page.get_by_label("Title").fill("SRO Agreement 2026")
    page.get_by_label("Effective from").fill("2026-09-01")
    page.get_by_role("button", name="Save").click()

    # The checklist: every element with its clause.
    page.wait_for_url(re.compile(r"/agreements/register/\d+/checklist/"))
    violations = main_violations(page)
    assert violations == [], describe_violations(violations)
    _fill_checklist(page)
    expect(page.get_by_text("every required element is present")).to_be_visible()

    page.get_by_role("button", name="Open community review").click()
    page.get_by_role("link", name="Open an annual review").click()
    page.get_by_label("School year").select_option(label="2026-27")
    page.get_by_role("button", name="Save").click()

    # Engagement with parents, students and the community.
    page.get_by_role("link", name="Record an engagement event").click()
    page.get_by_label("Date").fill("2026-10-15")
    page.get_by_label("Kind").select_option("listening_session")
    page.get_by_label("Parents and guardians").fill("18")
    page.get_by_label("Students").fill("7")
    page.get_by_label("Community members").fill("4")
    page.get_by_label("Summary").fill("Evening listening session with interpretation.")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Involved: 18 parents, 7 students, 4 community members.")
    ).to_be_visible()

    page.get_by_role("button", name="Mark ready for adoption").click()
    page.get_by_role("link", name="Record board adoption").click()
    page.get_by_label("Date of the board action").fill("2026-11-02")
    page.get_by_label("Motion or resolution number").fill("Resolution 2026-31")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("The next review is due on 2027-11-02")).to_be_visible()
    expect(page.get_by_text("Adopted", exact=True).first).to_be_visible()
    violations = main_violations(page)
    assert violations == [], describe_violations(violations)
    agreement = Agreement.objects.get(title="SRO Agreement 2026")
    assert agreement.status == Agreement.Status.ADOPTED
    assert agreement.board_action == "Resolution 2026-31"


def test_adoption_refused_with_a_missing_element(page, live_server, world):
    provider = ProviderFactory(district=world.district, name="Security Co")
    agreement = AgreementFactory(provider=provider, title="Guard contract", status="ready")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/agreements/register/{agreement.pk}/checklist/")
    _fill_checklist(page, skip=("B2",))
    expect(page.get_by_text("1 element(s) still missing")).to_be_visible()
    page.get_by_role("link", name="Open an annual review").click()
    page.get_by_label("School year").select_option(label="2026-27")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record an engagement event").click()
    page.get_by_label("Date").fill("2026-10-15")
    page.get_by_label("Kind").select_option("survey")
    page.get_by_label("Parents and guardians").fill("40")
    page.get_by_label("Students").fill("55")
    page.get_by_label("Community members").fill("12")
    page.get_by_label("Summary").fill("Survey")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record board adoption").click()
    page.get_by_label("Date of the board action").fill("2026-11-02")
    page.get_by_label("Motion or resolution number").fill("R-7")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#form-errors")
    expect(error).to_contain_text("B2 – Performance evaluation process")
    violations = main_violations(page)
    assert violations == [], describe_violations(violations)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.READY
