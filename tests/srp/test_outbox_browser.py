"""The outbox page in a browser: reached from the dashboard, accessible, re-queues an email."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from srp.models import OutboundEmail
from srp.outbox import email_queue
from tests.browser import DESKTOP, PHONE, axe_violations, describe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_requeues_a_failed_email_from_the_dashboard(page, live_server, world, viewport):
    email = email_queue(
        to=["ana.lopez@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        district=world.district,
    )
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="failed", attempts=8, last_error="SMTPRecipientsRefused: mailbox unavailable"
    )
    page.set_viewport_size(viewport)
    sign_in(page, live_server, world.admin)
    page.get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", name="Emails that need you")).to_be_visible()
    expect(page.get_by_text("mailbox unavailable")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    if os.environ.get("SRP_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SRP_SCREENSHOTS']}/outbox-{viewport['width']}.png")
    page.get_by_role("button", name="Re-queue").click()
    expect(page.get_by_text("is back in the queue")).to_be_visible()
    expect(
        page.get_by_text("Every email of the district was sent or is on its way.")
    ).to_be_visible()
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED
