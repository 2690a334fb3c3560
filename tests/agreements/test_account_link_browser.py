"""The account-link card in Chromium: offered, linked with one click, accessible (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from srp.models import Membership
from tests.agreements.factories import StaffMemberFactory
from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_links_the_offered_account_and_sees_it_on_the_persons_page(
    page, live_server, world, viewport
):
    page.set_viewport_size(viewport)
    entry = StaffMemberFactory(
        district=world.district,
        first_name="Kim",
        last_name="Officer",
        email=world.safety_staff.email,
    )
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/agreements/staff/{entry.pk}/")
    offer = page.get_by_role("button", name=f"Link account {world.safety_staff.email}?")
    expect(offer).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    offer.click()
    expect(page.get_by_text("is now linked to their sign-in account")).to_be_visible()
    expect(page.get_by_role("button", name="Unlink the account")).to_be_visible()
    membership = Membership.objects.get(user=world.safety_staff)
    page.goto(f"{live_server.url}/district/people/{membership.pk}/edit/")
    expect(page.get_by_role("link", name="Kim Officer")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
