"""The outbox (SPEC R-27): a mail server that is down never fails a request or loses an email;
each email is delivered at most once, a program administrator re-queues the ones that failed,
and sent status links do not stay in the database (issue #11)."""

from __future__ import annotations

import datetime
import os
import re
import smtplib
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from srp.models import OutboundEmail
from srp.outbox import OutboxError, deliver_due_emails, email_queue, outbox_requeue
from tests.srp import recording_email_backend

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
    email_queue(
        to=["family@example.org"], template="srp/email/test", context={"name": "Ana"}, district=None
    )
    deliver_due_emails()
    settings.SRP_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + datetime.timedelta(hours=1)
    result = deliver_due_emails(now=later)
    assert result.sent == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["family@example.org"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_gives_up_after_max_attempts_and_marks_failed(world, settings, smtp_down):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email_queue(
        to=["family@example.org"], template="srp/email/test", context={"name": "Ana"}, district=None
    )
    now = timezone.now()
    for hour in range(10):
        deliver_due_emails(now=now + datetime.timedelta(hours=hour * 7))
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3


def test_email_is_rolled_back_with_the_change_that_caused_it(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(
            to=["family@example.org"],
            template="srp/email/test",
            context={"name": "Ana"},
            district=None,
        )
        raise RuntimeError("the change failed")
    assert OutboundEmail.objects.count() == 0


def test_email_is_rendered_in_the_requested_language(world):
    email = email_queue(
        to=["familia@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        district=None,
        language="es",
    )
    assert email.subject == "Prueba de correo"
    assert "Hola Ana" in email.body


def test_attachments_survive_the_outbox(world, smtp_up):
    email_queue(
        to=["family@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        district=None,
        attachments=[("letter.pdf", b"%PDF-1.7 test", "application/pdf")],
    )
    deliver_due_emails()
    assert mail.outbox[0].attachments[0] == ("letter.pdf", b"%PDF-1.7 test", "application/pdf")


def test_command_reports_counts(world, smtp_up, capsys):
    email_queue(
        to=["a@example.org"], template="srp/email/test", context={"name": "A"}, district=None
    )
    call_command("send_queued_email")
    assert "sent 1" in capsys.readouterr().out


def test_claimed_rows_are_skipped_by_a_second_sender(world, smtp_up):
    """Two servers running the command never send the same email twice (SKIP LOCKED)."""
    email_queue(
        to=["a@example.org"], template="srp/email/test", context={"name": "A"}, district=None
    )
    deliver_due_emails()
    deliver_due_emails()
    assert len(mail.outbox) == 1


def test_admin_sends_a_test_email_from_settings(world, client_for):
    response = client_for(world.admin).post(reverse("srp:district_test_email"))
    assert response.status_code == 302
    assert OutboundEmail.objects.get().to == [world.admin.email]
    assert client_for(world.board).post(reverse("srp:district_test_email")).status_code == 403


def queue(district, to="family@example.org", **kwargs):
    return email_queue(
        to=[to], template="srp/email/test", context={"name": "Ana"}, district=district, **kwargs
    )


# Delivered once: claimed and committed before SMTP, never resent after a crash (issue #11) ----
class SenderKilled(BaseException):
    """What a killed process looks like from inside: nothing after it runs."""


class StatusCheckingBackend(FailingSMTPBackend):
    seen: list[tuple[str, int]] = []

    def send_messages(self, messages):
        for message in messages:
            email = OutboundEmail.objects.get(to=message.to)
            StatusCheckingBackend.seen.append((email.status, email.attempts))
        return len(messages)


class DiesAfterHandingOverBackend(FailingSMTPBackend):
    handed: list[list[str]] = []

    def send_messages(self, messages):
        DiesAfterHandingOverBackend.handed.append(list(messages[0].to))
        if len(DiesAfterHandingOverBackend.handed) == 2:
            raise SenderKilled
        return len(messages)


def test_email_is_marked_sending_before_it_reaches_the_mail_server(world, settings):
    settings.SRP_DELIVERY_EMAIL_BACKEND = "tests.srp.test_outbox.StatusCheckingBackend"
    StatusCheckingBackend.seen = []
    queue(world.district)
    assert deliver_due_emails().sent == 1
    assert StatusCheckingBackend.seen == [("sending", 1)]
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.SENT and email.claimed_at is not None


def test_email_being_sent_when_the_sender_dies_is_not_sent_again(world, settings):
    settings.SRP_DELIVERY_EMAIL_BACKEND = "tests.srp.test_outbox.DiesAfterHandingOverBackend"
    DiesAfterHandingOverBackend.handed = []
    for n in range(4):
        queue(world.district, to=f"family{n}@example.org")
    with pytest.raises(SenderKilled):
        deliver_due_emails()
    statuses = list(OutboundEmail.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["sent", "sending", "queued", "queued"]

    deliver_due_emails()
    delivered = [to for (to,) in DiesAfterHandingOverBackend.handed]
    assert sorted(delivered) == [f"family{n}@example.org" for n in range(4)]  # each once
    stuck = OutboundEmail.objects.get(status=OutboundEmail.Status.SENDING)
    assert stuck.to == ["family1@example.org"]
    # Left alone by every later run, and shown to the administrator once it is clearly stuck.
    later = timezone.now() + datetime.timedelta(minutes=11)
    deliver_due_emails(now=later)
    assert len(DiesAfterHandingOverBackend.handed) == 4
    assert list(OutboundEmail.objects.unconfirmed()) == []
    assert list(OutboundEmail.objects.unconfirmed(later)) == [stuck]


def _database_for_a_subprocess(tmp_path: Path) -> tuple[str, Path | None]:
    """A DATABASE_URL reaching this test's database from another process.

    PostgreSQL: the test database itself. SQLite: the test database is in this process's memory,
    so it is copied to a file for the other process, and copied back afterwards.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "outbox.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}", copy
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}", None


def _sender_process(database_url: str, log: Path, *, crash_after: int = 0, delay: float = 0):
    """`manage.py send_queued_email` in a process of its own, recording what it hands over."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DELIVERY_EMAIL_BACKEND": "tests.srp.recording_email_backend.RecordingBackend",
        recording_email_backend.LOG: str(log),
        recording_email_backend.CRASH_AFTER: str(crash_after),
        recording_email_backend.DELAY: str(delay),
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "send_queued_email"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _send_queued_email_in_a_process(database_url: str, log: Path, crash_after: int = 0):
    process = _sender_process(database_url, log, crash_after=crash_after)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.no_freeze
@pytest.mark.django_db(transaction=True)
def test_killing_the_sender_mid_batch_never_delivers_an_email_twice(tmp_path):
    """Ten emails; the sending process is killed right after the mail server took the fourth;
    a second run sends the rest. Before: 14 deliveries (the batch's claims rolled back with the
    process). Now: 10, and the fourth waits for an administrator as unconfirmed."""
    recipients = [f"family{n}@example.org" for n in range(10)]
    for address in recipients:
        queue(None, to=address)
    database_url, sqlite_copy = _database_for_a_subprocess(tmp_path)
    log = tmp_path / "deliveries.txt"

    killed = _send_queued_email_in_a_process(database_url, log, crash_after=4)
    assert killed.returncode == recording_email_backend.CRASH_EXIT_CODE, killed.stderr
    assert len(log.read_text().splitlines()) == 4
    again = _send_queued_email_in_a_process(database_url, log)
    assert again.returncode == 0, again.stderr
    assert "sent 6" in again.stdout

    deliveries = log.read_text().splitlines()
    assert len(deliveries) == len(recipients)
    assert sorted(deliveries) == sorted(recipients)
    if sqlite_copy is not None:
        with sqlite3.connect(sqlite_copy) as source:
            source.backup(connection.connection)
    statuses = sorted(OutboundEmail.objects.values_list("status", flat=True))
    assert statuses == ["sending"] + ["sent"] * 9
    assert OutboundEmail.objects.get(status="sending").to == [recipients[3]]


@pytest.mark.no_freeze
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_deliver_each_email_once(tmp_path):
    """Two servers running the command at the same time, against a slow mail server."""
    recipients = [f"family{n}@example.org" for n in range(16)]
    for address in recipients:
        queue(None, to=address)
    database_url, sqlite_copy = _database_for_a_subprocess(tmp_path)
    log = tmp_path / "deliveries.txt"
    senders = [_sender_process(database_url, log, delay=0.05) for _ in range(2)]
    outputs = [sender.communicate(timeout=120) for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], outputs
    assert sorted(log.read_text().splitlines()) == sorted(recipients)
    sent = [int(re.search(r"sent (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(sent) == len(recipients)
    if sqlite_copy is not None:
        with sqlite3.connect(sqlite_copy) as source:
            source.backup(connection.connection)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


# Re-queue by the program administrator --------------------------------------------------------
def failed(district, to="family@example.org", error="SMTPConnectError: mail server down"):
    email = queue(district, to=to)
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=8, last_error=error)
    email.refresh_from_db()
    return email


def unconfirmed(district, to="stuck@example.org", minutes_ago=30):
    email = queue(district, to=to)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    email.refresh_from_db()
    return email


def requeue_url(email):
    return reverse("srp:outbox_requeue", args=[email.pk])


def test_admin_sees_the_districts_failed_and_unconfirmed_emails(
    world, client_for, django_assert_max_num_queries
):
    failed(world.district, to="ana.lopez@example.org", error="SMTPRecipientsRefused: no such user")
    unconfirmed(world.district, to="ben@example.org")
    unconfirmed(world.district, to="fresh@example.org", minutes_ago=1)  # still being sent
    queue(world.district, to="waiting@example.org")
    failed(world.other_district, to="elsewhere@example.org")
    failed(None, to="host-level@example.org")
    client = client_for(world.admin)
    client.get(reverse("srp:outbox"))
    # Session, user, second factor (2), the request's transaction (2), memberships and their
    # schools, then the page's own: the count and rows of emails that need attention, the
    # count waiting. No query per email.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("srp:outbox"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "a…@example.org" in body and "ana.lopez@example.org" not in body
    assert "b…@example.org" in body
    assert "no such user" in body
    assert "Unconfirmed" in body and "Failed" in body
    assert "1 email of Cascade Valley SD is waiting to be sent." in body
    assert body.count('action="/district/outbox/') == 2
    for hidden in ("f…@example.org", "e…@example.org", "h…@example.org"):
        assert hidden not in body


def test_admin_requeues_a_failed_email_and_it_is_sent(world, client_for):
    email = failed(world.district)
    client = client_for(world.admin)
    response = client.post(requeue_url(email), follow=True)
    assert "back in the queue" in response.content.decode()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 0
    record = email.history.latest()
    assert record.history_user == world.admin and "re-queued" in record.history_change_reason
    assert not hasattr(record, "body")  # the history never copies the text
    history = client.get(reverse("srp:outbox_history", args=[email.pk]))
    assert history.status_code == 200 and "re-queued" in history.content.decode()

    assert deliver_due_emails().sent == 1
    assert mail.outbox[0].to == ["family@example.org"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_admin_requeues_an_unconfirmed_email(world, client_for):
    email = unconfirmed(world.district)
    assert client_for(world.admin).post(requeue_url(email)).status_code == 302
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED and email.claimed_at is None
    assert deliver_due_emails().sent == 1


def test_email_still_being_sent_or_already_sent_cannot_be_requeued(world, client_for):
    fresh = unconfirmed(world.district, minutes_ago=1)
    client = client_for(world.admin)
    response = client.post(requeue_url(fresh), follow=True)
    assert "Only an email that failed or was never confirmed" in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.status == OutboundEmail.Status.SENDING
    sent = queue(world.district, to="sent@example.org")
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent")
    with pytest.raises(OutboxError):
        outbox_requeue(email=sent, by=world.admin)


def test_requeue_is_scoped_to_the_district_and_the_program_administrator(world, client_for):
    ours = failed(world.district)
    theirs = failed(world.other_district, to="elsewhere@example.org")
    host_level = failed(None, to="host@example.org")
    admin = client_for(world.admin)
    assert admin.post(requeue_url(theirs)).status_code == 404
    assert admin.post(requeue_url(host_level)).status_code == 404
    assert admin.get(reverse("srp:outbox_history", args=[theirs.pk])).status_code == 404
    assert admin.get(requeue_url(ours)).status_code == 405
    assert client_for(world.outsider).post(requeue_url(ours)).status_code == 404
    for person in (world.board, world.principal_a, world.investigator, world.nobody):
        assert client_for(person).post(requeue_url(ours)).status_code == 403
        assert client_for(person).get(reverse("srp:outbox")).status_code == 403
    anonymous = Client()
    assert anonymous.post(requeue_url(ours)).status_code == 302
    assert anonymous.get(reverse("srp:outbox"))["Location"].startswith(reverse("login"))
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"failed"}


def _failed_figure(client):
    page = client.get(reverse("srp:dashboard")).content.decode()
    match = re.search(r"Emails that failed</dt><dd><a href=\"/district/outbox/\">(.*?)</a>", page)
    assert match, "the dashboard shows the figure with a link to the outbox page"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_dashboard_counts_only_the_districts_own_failed_emails(
    world, client_for, settings, smtp_down
):
    failed(world.other_district, to="elsewhere@example.org")
    failed(None, to="host@example.org")
    unconfirmed(world.other_district)
    assert _failed_figure(client_for(world.admin)) == "0"
    assert _failed_figure(client_for(world.outsider)) == "2"
    # An email of this district fails for good at a delivery run: the figure shows it at once.
    settings.OUTBOX_MAX_ATTEMPTS = 1
    queue(world.district)
    assert deliver_due_emails().failed == 1
    assert _failed_figure(client_for(world.admin)) == "1"


def test_emails_are_kept_with_the_district_they_are_about(world, client):
    from tests.complaints.factories import submit

    submit(world)
    receipt = OutboundEmail.objects.get()
    assert receipt.district == world.district and receipt.private_link
    client.post(reverse("password_reset"), {"email": world.admin.email})
    reset = OutboundEmail.objects.exclude(pk=receipt.pk).get()
    assert reset.district is None and reset.private_link


# Purge of sent private links --------------------------------------------------------------------
def test_sent_status_links_are_removed_after_the_purge_days(world, settings, capsys):
    from tests.complaints.factories import submit

    settings.OUTBOX_PURGE_DAYS = 30
    submission = submit(world)
    plain = queue(world.district, to="principal@example.org")
    assert deliver_due_emails().sent == 2
    receipt = OutboundEmail.objects.get(private_link=True)
    assert submission.token in receipt.body

    with freeze_time("2026-12-26 10:00:00"):  # 29 days on: kept
        call_command("send_queued_email")
    receipt.refresh_from_db()
    assert submission.token in receipt.body and receipt.purged_at is None

    with freeze_time("2026-12-28 10:00:00"):  # 31 days on: removed
        call_command("send_queued_email")
    assert "purged 1" in capsys.readouterr().out
    receipt.refresh_from_db()
    assert submission.token not in receipt.body and receipt.html_body == ""
    assert "held a private link" in receipt.body and receipt.purged_at is not None
    assert receipt.subject and receipt.to == ["family@example.org"]  # the record itself stays
    plain.refresh_from_db()
    assert plain.body and plain.purged_at is None  # no private link: kept
    history_fields = {field.name for field in OutboundEmail.history.model._meta.fields}
    assert not history_fields & {"body", "html_body"}  # no copy of the text in the history
    # The family's link itself still works: only the copy in the outbox is gone.
    status = reverse(
        "complaints_public:status",
        kwargs={"district_code": world.district.code, "token": submission.token},
    )
    with freeze_time("2026-12-28 10:00:00"):
        assert Client().get(status).status_code == 200


def test_unsent_private_links_are_not_purged(world, settings, smtp_down):
    from tests.complaints.factories import submit

    submission = submit(world)
    deliver_due_emails()
    with freeze_time("2027-03-01 10:00:00"):
        assert deliver_due_emails(now=timezone.now()).purged == 0
    assert submission.token in OutboundEmail.objects.get().body


def test_operator_requeues_a_host_level_email_from_the_admin(world, client_for):
    """The host's own emails (no district) are re-queued by the instance's operators."""
    from tests.factories import UserFactory

    operator = UserFactory(username="operator@esd.example.org", is_superuser=True, is_staff=True)
    email = failed(None, to="host@example.org")
    changelist = reverse("admin:srp_outboundemail_changelist")
    response = client_for(operator).post(
        changelist, {"action": "requeue", "_selected_action": [email.pk]}
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.history.latest().history_user == operator
    assert client_for(world.admin).get(changelist).status_code == 302  # not for staff
