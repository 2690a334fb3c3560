from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_signs_in_and_reaches_dashboard(page, live_server, world, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, world.admin)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("District at a glance")).to_be_visible()
    assert axe_violations(page) == [], describe_violations(axe_violations(page))


def test_login_page_is_accessible_and_translatable(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    with page.expect_navigation():
        page.select_option("#language-switch", "es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
