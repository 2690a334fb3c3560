"""Journeys of issue #5 in Debian's Chromium, with an accessibility check on each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from incidents.models import Call, ImportBatch, InterventionRequest, LawEnforcementActivity
from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in
from tests.incidents.test_import import make_csv, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-incidents")  # noqa: S108 - screenshots to look at


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_principal_files_an_intervention_request(page, live_server, world, roster):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.principal_a)
    page.goto(f"{live_server.url}/incidents/requests/new/")
    # Only the three lawful bases can be chosen, each explained in plain words.
    assert page.locator("input[name=basis]").count() == 3
    expect(page.get_by_text("Breaking a school rule")).to_be_visible()
    shot(page, "request-form-phone")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    page.get_by_label("What is happening").fill("A student is throwing chairs at classmates.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Please correct the errors below.")).to_be_visible()
    assert InterventionRequest.objects.count() == 0
    page.get_by_label("The student's presence poses an immediate and continuing danger").check()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/incidents/requests/*/")
    expect(page.get_by_text("Your request was sent to safety staff.")).to_be_visible()
    record = InterventionRequest.objects.get()
    assert record.basis == "danger" and record.school == world.school_a


def test_safety_staff_log_a_call_with_two_students_and_an_interrogation(
    page, live_server, world, roster
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.safety_staff)
    page.goto(f"{live_server.url}/incidents/calls/new/")
    page.select_option("#id_school", str(world.school_a.pk))
    page.fill("#id_occurred_at", "2026-11-20T09:30")
    page.fill("#id_location", "Cafeteria")
    page.select_option("#id_requested_by", "principal")
    page.select_option("#id_reason", "fight")
    page.select_option("#id_outcome", "referred_to_school")
    page.fill("#id_narrative", "Two students fought near the lunch line.")
    for i, sex in enumerate(("female", "male")):
        page.select_option(f"#id_students-{i}-grade", "10")
        page.select_option(f"#id_students-{i}-race_ethnicity", "asian" if i else "white")
        page.select_option(f"#id_students-{i}-sex", sex)
        page.select_option(f"#id_students-{i}-disability", "none")
        page.select_option(f"#id_students-{i}-english_learner", "no")
        page.select_option(f"#id_students-{i}-outcome", "warning")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    page.get_by_role("button", name="Save the call").click()
    page.wait_for_url("**/incidents/calls/*/")
    call = Call.objects.get()
    assert call.students.count() == 2 and call.responding_staff == roster.sro
    shot(page, "call-detail-desktop")

    page.get_by_role("link", name="Record law-enforcement activity").click()
    page.select_option("#id_kind", "interrogation")
    page.fill("#id_occurred_at", "2026-11-20T10:00")
    page.check("#id_custodial_interrogation")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Record when access to an attorney was given").first).to_be_visible()
    assert LawEnforcementActivity.objects.count() == 0
    page.fill("#id_attorney_access_at", "2026-11-20T09:45")
    page.select_option("#id_attorney_access_method", "phone")
    page.check("#id_attorney_access_before_waiver")
    page.fill("#id_parent_notified_at", "2026-11-20T09:50")
    page.fill("#id_parent_notification_method", "Phone call to the mother")
    shot(page, "activity-form-desktop")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/incidents/calls/{call.pk}/")
    expect(page.get_by_text("Attorney access recorded")).to_be_visible()
    assert LawEnforcementActivity.objects.get().attorney_access_compliant


def test_admin_imports_a_csv_and_sees_the_errors_of_a_bad_one(
    page, live_server, world, roster, tmp_path
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/incidents/import/")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        make_csv([{**row(reason="loitering"), "citizenship": "x"}], columns=[*row(), "citizenship"])
    )
    page.set_input_files("#id_file", str(bad))
    page.locator("#import-form").get_by_role("button", name="Import").click()
    page.wait_for_url("**/incidents/import/*/")
    errors = page.locator("#import-errors")
    expect(errors.get_by_text("citizenship").first).to_be_visible()
    expect(errors.get_by_text("loitering")).to_be_visible()
    shot(page, "import-errors-desktop")
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    assert Call.objects.count() == 0
    good = tmp_path / "good.csv"
    good.write_bytes(make_csv([row(), row(call_ref="CCSO-2", student_ref="S9")]))
    page.goto(f"{live_server.url}/incidents/import/")
    page.set_input_files("#id_file", str(good))
    page.locator("#import-form").get_by_role("button", name="Import").click()
    page.wait_for_url("**/incidents/import/*/")
    expect(page.get_by_text("Imported 2 calls").first).to_be_visible()
    assert ImportBatch.objects.filter(status="imported").count() == 1
    page.goto(f"{live_server.url}/incidents/calls/")
    shot(page, "call-list-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "call-list-phone")
