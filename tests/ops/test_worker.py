"""`manage.py run_worker` (issue #15): the outbox and the daily reminders without cron."""

from __future__ import annotations

import signal
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from complaints import services
from srp.management.commands import run_worker
from srp.models import OutboundEmail
from srp.outbox import email_queue
from tests.complaints.factories import complaint

pytestmark = pytest.mark.django_db


def queue(district):
    return email_queue(
        to=["family@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        district=district,
    )


def due_complaint(world):
    c = complaint(world)
    services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)
    return c


def test_one_pass_sends_the_outbox(world):
    queue(world.district)
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert "emails: sent 1" in out.getvalue()


def test_reminders_wait_for_their_time_then_run_once_a_day(world, settings):
    settings.WORKER_REMINDERS_AT = "06:15"
    due_complaint(world)
    # 05:00 in Olympia: too early.
    with freeze_time("2026-12-08 13:00:00"):
        out = StringIO()
        call_command("run_worker", "--once", stdout=out)
        assert "reminders:" not in out.getvalue()
    # 06:30: the reminders run and queue the investigator's deadline email.
    with freeze_time("2026-12-08 14:30:00"):
        out = StringIO()
        call_command("run_worker", "--once", stdout=out)
        assert "reminders: complaints.due: 1 queued" in out.getvalue()
        # A second worker (another server, or a restart) the same day queues nothing new.
        out = StringIO()
        call_command("run_worker", "--once", stdout=out)
        assert "reminders: complaints.due: 0 queued" in out.getvalue()


def test_a_long_running_worker_runs_the_reminders_once_per_day(world, settings, monkeypatch):
    settings.WORKER_REMINDERS_AT = "06:15"
    runs = []
    monkeypatch.setattr(
        run_worker, "run_reminders", lambda *, now: runs.append(now) or {"complaints.due": 0}
    )
    command = run_worker.Command(stdout=StringIO())
    command.stopping = threading.Event()
    with freeze_time("2026-12-08 14:30:00"):
        done = command._tick(None)
        done = command._tick(done)
        done = command._tick(done)
    with freeze_time("2026-12-09 14:30:00"):
        done = command._tick(done)
    assert len(runs) == 2


def test_sigterm_ends_the_loop_after_the_current_pass(world, monkeypatch):
    handlers = {}
    monkeypatch.setattr(signal, "signal", lambda sig, handler: handlers.__setitem__(sig, handler))
    passes = []

    def deliver(**kwargs):
        passes.append(1)
        handlers[signal.SIGTERM](signal.SIGTERM, None)  # systemd stops the service mid-pass
        from srp.outbox import DeliveryResult

        return DeliveryResult()

    monkeypatch.setattr(run_worker, "deliver_due_emails", deliver)
    out = StringIO()
    call_command("run_worker", "--interval", "3600", stdout=out)  # would wait an hour
    assert passes == [1]
    assert "worker stopped" in out.getvalue()


def test_send_reminders_from_cron_shares_the_lock(world):
    due_complaint(world)
    with freeze_time("2026-12-08 14:30:00"):
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "complaints.due: 1 reminder(s) queued" in out.getvalue()


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the advisory lock is PostgreSQL's; SQLite serves one server and serialises writers",
)
def test_two_servers_never_run_the_reminders_at_the_same_time(world):
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    other_server = psycopg.connect(**params, autocommit=True)
    try:
        other_server.execute("SELECT pg_advisory_lock(%s)", [run_worker.REMINDERS_LOCK])
        assert run_worker.run_reminders(now=timezone.now()) is None
        with pytest.raises(Exception, match="Another server"):
            call_command("send_reminders", stdout=StringIO())
        other_server.execute("SELECT pg_advisory_unlock(%s)", [run_worker.REMINDERS_LOCK])
        assert run_worker.run_reminders(now=timezone.now()) is not None
    finally:
        other_server.close()
