"""axe-core on the main incidents pages the journeys do not cover (call list, call detail,
restraint list, import page) and on the new workflow pages, at desktop and phone widths."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.importer import import_calls
from incidents.models import LawEnforcementActivity
from incidents.services import agency_request_log
from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in
from tests.incidents.factories import CallFactory, RestraintFactory, StudentFactory
from tests.incidents.test_browser_journeys import shot
from tests.incidents.test_import import make_csv, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records(world, roster):
    call = CallFactory(
        school=world.school_a, responding_staff=roster.sro, call_ref="CCSO-88", outcome="arrest"
    )
    first = StudentFactory(call=call, student_ref="S-1", outcome="arrest")
    StudentFactory(call=call, student_ref="S-2", role="witness", sex="male")
    LawEnforcementActivity.objects.create(
        call=call,
        kind="interview",
        occurred_at=call.occurred_at,
        student=first,
        student_under_18=False,
    )
    CallFactory(school=world.school_b, responding_staff=roster.officer_b, reason="weapon")
    report = RestraintFactory(
        school=world.school_a, staff_member=roster.sro, call=call, district=world.district
    )
    report.students.set([first])
    RestraintFactory(
        school=world.school_a,
        staff_member=roster.sro,
        district=world.district,
        occurred_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC),
    )
    import_calls(
        io.BytesIO(make_csv([row(call_ref="IMP-1"), row(call_ref="IMP-2")])),
        district=world.district,
        filename="ccso-november.csv",
        by=world.admin,
    )
    request = agency_request_log(
        district=world.district,
        data={
            "received_on": datetime.date(2026, 11, 20),
            "agency": "County prosecutor",
            "what_was_asked": "Attendance of one student",
            "legal_basis": "subpoena",
            "immigration_enforcement": False,
        },
        by=world.admin,
    )
    return {"call": call, "student": first, "report": report, "request": request}


def check(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{name}: {describe_violations(violations)}"


def test_main_pages_pass_axe_on_desktop_and_phone(page, live_server, world, records):
    call, report = records["call"], records["report"]
    sign_in(page, live_server, world.admin)
    pages = {
        "call-list": "/incidents/calls/?reason=fight",
        "call-detail": f"/incidents/calls/{call.pk}/",
        "restraint-list": "/incidents/restraint/",
        "restraint-detail": f"/incidents/restraint/{report.pk}/",
        "import": "/incidents/import/",
        "incident-list": "/incidents/incidents/",
        "agency-request": f"/incidents/agency-requests/{records['request'].pk}/",
    }
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            assert page.locator("h1").count() == 1, name
            shot(page, f"{name}-{size_name}")
            check(page, f"{name} ({size_name})")
    # The filters by reason and outcome are on the call list, labelled.
    page.goto(f"{live_server.url}/incidents/calls/")
    assert page.get_by_label("Reason").count() == 1
    assert page.get_by_label("Outcome").count() == 1


def test_workflow_forms_pass_axe_and_work(page, live_server, world, records):
    call, student = records["call"], records["student"]
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)

    # Correct a student on the call (a correction says why, issue #13).
    page.goto(f"{live_server.url}/incidents/calls/{call.pk}/")
    page.get_by_role("link", name="Correct student 1").click()
    page.wait_for_url(f"**/students/{student.pk}/edit/")
    check(page, "student edit")
    page.select_option("#id_grade", "11")
    page.get_by_label("Reason for the correction").fill("Grade checked with the office.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/incidents/calls/{call.pk}/")
    student.refresh_from_db()
    assert student.grade == "11"

    # Restraint form started from the call: the call's students are offered.
    page.get_by_role("link", name="Report restraint or isolation on this call").click()
    assert page.get_by_label("S-2", exact=False).count() >= 1
    shot(page, "restraint-form-from-call-desktop")
    check(page, "restraint form")

    # Answer the outside agency's request.
    request = records["request"]
    page.goto(f"{live_server.url}/incidents/agency-requests/{request.pk}/")
    page.get_by_role("link", name="Answer or refuse").click()
    check(page, "agency answer form")
    page.get_by_label("Answered: information was given").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Say what information was given.").first).to_be_visible()
    check(page, "agency answer form with errors")
    page.get_by_label("What was given").fill("Attendance record for November")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/agency-requests/{request.pk}/")
    request.refresh_from_db()
    assert request.status == "answered"
    shot(page, "agency-request-answered-desktop")


def test_attorney_violation_warning_and_voided_rows_pass_axe(page, live_server, world, records):
    """Issue #13: the R-12 violation is warned about, then saved after the tick; a voided
    activity and a voided student stay on the call, struck through with the reason."""
    call, student = records["call"], records["student"]
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.safety_staff)
    page.goto(f"{live_server.url}/incidents/calls/{call.pk}/activities/new/")
    page.select_option("#id_kind", "interrogation")
    page.select_option("#id_student", str(student.pk))
    when = timezone.localtime(call.occurred_at).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_occurred_at", when)
    page.check("#id_custodial_interrogation")
    page.fill("#id_parent_not_notified_reason", "The mother could not be reached.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#attorney-violation-warning")).to_be_visible()
    shot(page, "activity-attorney-violation-warning-desktop")
    check(page, "attorney violation warning")
    page.get_by_label("record the contact as a violation", exact=False).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/incidents/calls/{call.pk}/")
    expect(page.get_by_text("Violation: attorney access not respected")).to_be_visible()
    activity = LawEnforcementActivity.objects.get(kind="interrogation")
    assert activity.attorney_access_violation

    # Void the earlier interview and the witness, each with its reason.
    interview = LawEnforcementActivity.objects.get(kind="interview")
    page.goto(f"{live_server.url}/incidents/activities/{interview.pk}/void/")
    check(page, "activity void form")
    page.get_by_label("Why is this record voided?").fill("Recorded on the wrong call.")
    page.get_by_role("button", name="Void").click()
    page.wait_for_url(f"**/incidents/calls/{call.pk}/")
    page.get_by_role("link", name="Void student 2").click()
    page.get_by_label("Why is this record voided?").fill("Not at the scene.")
    page.get_by_role("button", name="Void").click()
    page.wait_for_url(f"**/incidents/calls/{call.pk}/")
    expect(page.get_by_text("Recorded on the wrong call.")).to_be_visible()
    expect(page.get_by_text("Not at the scene.")).to_be_visible()
    shot(page, "call-detail-voided-rows-desktop")
    check(page, "call detail with voided rows")
