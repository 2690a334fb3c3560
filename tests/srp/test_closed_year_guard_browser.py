"""In Chromium: assigning a staff member to a closed school year without a reason shows the
message on the "Reason for the change" field (nothing saved); with a reason it saves. The page
passes axe-core (issue #13, item 6)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import StaffAssignment
from tests.agreements.factories import StaffMemberFactory
from tests.agreements.test_browser import main_violations
from tests.browser import DESKTOP, describe_violations, sign_in
from tests.factories import SchoolYearFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assignment_in_a_closed_year_asks_for_the_reason(page, live_server, world, tmp_path):
    closed = SchoolYearFactory(district=world.district, label="2025-26")
    closed.closed_at = timezone.now() - datetime.timedelta(days=1)
    closed.closed_by = world.admin
    closed.save()
    staff = StaffMemberFactory(
        district=world.district,
        first_name="Dana",
        last_name="Reyes",
        active_from=datetime.date(2025, 8, 1),
        first_day_on_campus=datetime.date(2025, 8, 20),
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/agreements/staff/{staff.pk}/assignments/new/")
    page.locator("select[name=school]").select_option(label=world.school_a.name)
    page.locator("select[name=school_year]").select_option(label=str(closed))
    page.locator("input[name=days_per_week]").fill("2")
    page.get_by_role("button", name="Save").click()
    reason = page.locator("textarea[name=reason]")
    expect(page.get_by_label("Reason for the change")).to_be_visible()
    expect(page.get_by_text("The 2025-26 school year is closed").first).to_be_visible()
    expect(reason).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(tmp_path / "closed-year-reason.png"), full_page=True)
    violations = main_violations(page)
    assert violations == [], describe_violations(violations)
    assert not StaffAssignment.objects.filter(school_year=closed).exists()
    reason.fill("Assignment left out of the roster")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Assignment saved.")).to_be_visible()
    assignment = StaffAssignment.objects.get(school_year=closed)
    assert assignment.history.first().history_change_reason == "Assignment left out of the roster"
