"""Issue #13 in Debian's Chromium: an SRO corrects a student's outcome on a call, the program
administrator sees the change, old and new value and who, on the call's history page, and the
access log shows the administrator's view of the call."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from incidents.models import StudentInvolved
from srp.models import DisclosureLog
from tests.browser import DESKTOP, axe_violations, describe_violations, sign_in
from tests.incidents.factories import (
    CallFactory,
    StaffAssignmentFactory,
    StaffMemberFactory,
    StudentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-history")  # noqa: S108 - screenshots to look at


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sro_corrects_an_outcome_and_the_admin_sees_it_and_is_logged(browser, live_server, world):
    sro = StaffMemberFactory(
        district=world.district,
        first_name="Sam",
        last_name="Okafor",
        badge_number="4471",
        user=world.safety_staff,
    )
    StaffAssignmentFactory(staff_member=sro, school=world.school_a, school_year=world.year)
    call = CallFactory(school=world.school_a, district=world.district, responding_staff=sro)
    StudentFactory(call=call, outcome="warning")
    student = StudentFactory(call=call, outcome="arrest")

    sro_page = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(sro_page, live_server, world.safety_staff)
    sro_page.goto(f"{live_server.url}/incidents/calls/{call.pk}/")
    sro_page.get_by_role("link", name="Correct student 2").click()
    sro_page.select_option("#id_outcome", "citation")
    reason = sro_page.get_by_label("Reason for the correction")
    asks_reason = reason.count() > 0
    if asks_reason:  # corrections say why
        reason.fill("The officer issued a citation, not an arrest.")
    sro_page.get_by_role("button", name="Save").click()
    sro_page.wait_for_url(f"{live_server.url}/incidents/calls/{call.pk}/")
    student.refresh_from_db()
    assert student.outcome == "citation"
    sro_page.context.close()

    page = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/incidents/calls/{call.pk}/")
    page.get_by_role("link", name="History").click()
    page.wait_for_url(f"{live_server.url}/incidents/calls/{call.pk}/history/")
    change = page.locator("tr", has_text="Student 2").filter(has_text="Citation").first
    expect(change).to_contain_text("Outcome for this student: Arrest → Citation")
    expect(change).to_contain_text(str(world.safety_staff))
    if asks_reason:
        expect(change).to_contain_text("The officer issued a citation, not an arrest.")
    shot(page, "call-history")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))

    page.goto(f"{live_server.url}/district/access-log/")
    row = page.locator("tbody tr", has_text=str(call)).first
    expect(row).to_contain_text(str(world.admin))
    expect(row).to_contain_text("Viewed")
    shot(page, "access-log")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    # The audit history for an auditor: a period and a record type, downloaded as CSV.
    page.get_by_role("link", name="Audit history").first.click()
    page.wait_for_url(f"{live_server.url}/district/audit/")
    expect(page.get_by_label("Record type")).to_be_visible()
    shot(page, "audit-history")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the audit history (CSV)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Outcome for this student,Arrest,Citation" in body
    assert DisclosureLog.objects.filter(
        user=world.admin, record_type="incidents.call", record_id=str(call.pk)
    ).exists()
    assert StudentInvolved.history.filter(id=student.pk, history_user=world.safety_staff).exists()
