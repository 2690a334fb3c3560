"""The outbox (SPEC R-27): a mail server that is down never fails a request or loses an email."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from srp.models import OutboundEmail
from srp.outbox import deliver_due_emails, email_queue

pytestmark = pytest.mark.django_db


class FailingSMTPBackend:
    """Stands in for an SMTP server that refuses connections."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "mail server down")

    def open(self):
        return None

    def close(self):
        return None


@pytest.fixture
def smtp_down(settings):
    settings.SRP_DELIVERY_EMAIL_BACKEND = "tests.srp.test_outbox.FailingSMTPBackend"


@pytest.fixture
def smtp_up(settings):
    settings.SRP_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_request_succeeds_and_email_is_kept_when_smtp_is_down(client, world, smtp_down):
    response = client.post(reverse("password_reset"), {"email": world.admin.email})
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(status="queued").count() == 1
    result = deliver_due_emails()
    assert result.retried == 1 and result.sent == 0
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1
    assert "mail server down" in email.last_error
    assert email.next_attempt_at > timezone.now()


def test_retry_sends_once_the_server_is_back(world, settings, smtp_down):
    email_queue(to=["family@example.org"], template="srp/email/test", context={"name": "Ana"})
    deliver_due_emails()
    settings.SRP_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + datetime.timedelta(hours=1)
    result = deliver_due_emails(now=later)
    assert result.sent == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["family@example.org"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_gives_up_after_max_attempts_and_marks_failed(world, settings, smtp_down):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email_queue(to=["family@example.org"], template="srp/email/test", context={"name": "Ana"})
    now = timezone.now()
    for hour in range(10):
        deliver_due_emails(now=now + datetime.timedelta(hours=hour * 7))
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3


def test_email_is_rolled_back_with_the_change_that_caused_it(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(to=["family@example.org"], template="srp/email/test", context={"name": "Ana"})
        raise RuntimeError("the change failed")
    assert OutboundEmail.objects.count() == 0


def test_email_is_rendered_in_the_requested_language(world):
    email = email_queue(
        to=["familia@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        language="es",
    )
    assert email.subject == "Prueba de correo"
    assert "Hola Ana" in email.body


def test_attachments_survive_the_outbox(world, smtp_up):
    email_queue(
        to=["family@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        attachments=[("letter.pdf", b"%PDF-1.7 test", "application/pdf")],
    )
    deliver_due_emails()
    assert mail.outbox[0].attachments[0] == ("letter.pdf", b"%PDF-1.7 test", "application/pdf")


def test_command_reports_counts(world, smtp_up, capsys):
    email_queue(to=["a@example.org"], template="srp/email/test", context={"name": "A"})
    call_command("send_queued_email")
    assert "sent 1" in capsys.readouterr().out


def test_claimed_rows_are_skipped_by_a_second_sender(world, smtp_up):
    """Two servers running the command never send the same email twice (SKIP LOCKED)."""
    email_queue(to=["a@example.org"], template="srp/email/test", context={"name": "A"})
    deliver_due_emails()
    deliver_due_emails()
    assert len(mail.outbox) == 1


def test_admin_sends_a_test_email_from_settings(world, client_for):
    response = client_for(world.admin).post(reverse("srp:district_test_email"))
    assert response.status_code == 302
    assert OutboundEmail.objects.get().to == [world.admin.email]
    assert client_for(world.board).post(reverse("srp:district_test_email")).status_code == 403
