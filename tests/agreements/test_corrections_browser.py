"""A program administrator voids a training record and ends an assignment in Chromium; the
staff page shows the voided row struck through, the ended assignment and "done late" (issue
#13), and passes axe-core."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from agreements.models import TrainingRecord, TrainingTopic
from tests.agreements.factories import StaffAssignmentFactory, StaffMemberFactory
from tests.agreements.test_browser import main_violations
from tests.browser import DESKTOP, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_void_a_training_record_and_end_an_assignment(page, live_server, world, tmp_path):
    staff = StaffMemberFactory(
        district=world.district,
        first_name="Dana",
        last_name="Reyes",
        active_from=datetime.date(2025, 8, 1),
        first_day_on_campus=datetime.date(2025, 9, 2),
    )
    for index, topic in enumerate(TrainingTopic.values):
        day = datetime.date(2026, 3, 12) if index == 0 else datetime.date(2025, 12, 1)
        TrainingRecord.objects.create(
            staff_member=staff, kind="classroom", topic=topic, completed_on=day
        )
    StaffAssignmentFactory(staff_member=staff, school=world.school_a, school_year=world.year)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/agreements/staff/{staff.pk}/")
    expect(page.get_by_text("Done late (10 days)").first).to_be_visible()
    page.get_by_role("link", name=f"Void {TrainingRecord.objects.first()}").click()
    page.get_by_label("Why is this record void?").fill("Entered twice")
    page.get_by_role("button").filter(has_text="Save").click()
    expect(page.get_by_text("Entered twice")).to_be_visible()
    page.get_by_role("link", name="End Alder High").click()
    page.get_by_label("Last day at the school").fill("2026-11-20")
    page.get_by_role("button").filter(has_text="Save").click()
    expect(page.get_by_text("ended 2026-11-20")).to_be_visible()
    page.screenshot(path=str(tmp_path / "staff.png"), full_page=True)
    violations = main_violations(page)
    assert not violations, describe_violations(violations)
