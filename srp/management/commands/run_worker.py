"""The background worker: the email outbox and the daily reminders, without cron.

    manage.py run_worker                 # runs until SIGTERM or SIGINT (systemd, compose)
    manage.py run_worker --once          # one pass, then exit (tests, a cron-like timer)

Every `--interval` seconds it sends the outbox's due emails (`deliver_due_emails`, which claims
each email with SELECT … FOR UPDATE SKIP LOCKED: any number of workers may run). Once a day, from
WORKER_REMINDERS_AT (local time), it runs the daily reminders. Several servers may each run a
worker: the reminders run under a database lock (a PostgreSQL advisory lock; SQLite serialises
writers), so two servers never run them at the same time, and every reminder records what it
sent, so the second server's run that day queues nothing new. SIGTERM lets the current pass
finish (at most WORKER_BATCH_SIZE emails, each claimed before it is sent) and then stops.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import signal
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from srp.logging import request_id_var
from srp.outbox import deliver_due_emails
from srp.registry import registry

logger = logging.getLogger("srp.worker")

# Any fixed 64-bit number: the PostgreSQL advisory lock the reminders run under.
REMINDERS_LOCK = 0x5352_505F_5245_4D44  # "SRP_REMD"


@contextlib.contextmanager
def reminders_lock() -> Iterator[bool]:
    """Yield True while holding the reminders' lock, False when another server holds it."""
    if connection.vendor != "postgresql":
        yield True  # SQLite: one writer at a time; one server
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REMINDERS_LOCK])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [REMINDERS_LOCK])


def run_reminders(*, now: datetime.datetime) -> dict[str, int] | None:
    """Run every daily reminder once; None when another server is running them right now."""
    with reminders_lock() as acquired:
        if not acquired:
            return None
        queued: dict[str, int] = {}
        for reminder in registry.reminders:
            with transaction.atomic():
                queued[reminder.key] = reminder.run(now=now)
        return queued


def reminders_time() -> datetime.time:
    return datetime.time.fromisoformat(settings.WORKER_REMINDERS_AT)


class Command(BaseCommand):
    help = (
        "Run the background work in one long-running process: the email outbox every --interval "
        "seconds and the daily reminders once a day from WORKER_REMINDERS_AT. Safe to run on "
        "several servers. Stops cleanly on SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between two looks at the outbox (default 30).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="One pass (emails, and the reminders if they are due today), then exit.",
        )

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        self.stopping = threading.Event()
        if not once:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._stop)
        reminders_done_on: datetime.date | None = None
        self.stdout.write(f"worker started (outbox every {interval:g}s)")
        while not self.stopping.is_set():
            token = request_id_var.set(f"worker-{timezone.now():%Y%m%dT%H%M%S}")
            try:
                self._fresh_connection()
                reminders_done_on = self._tick(reminders_done_on)
            except Exception:  # noqa: BLE001 - a database restart must not end the worker
                if once:
                    raise
                self.stderr.write("worker pass failed; trying again")
                logger.exception("Worker pass failed")
            finally:
                request_id_var.reset(token)
                self._fresh_connection()
            if once:
                break
            self.stopping.wait(interval)
        self.stdout.write("worker stopped")

    def _tick(self, reminders_done_on: datetime.date | None) -> datetime.date | None:
        result = deliver_due_emails(batch_size=settings.WORKER_BATCH_SIZE)
        if result.sent or result.retried or result.failed or result.purged:
            self.stdout.write(
                f"emails: sent {result.sent}, to retry {result.retried}, failed {result.failed}, "
                f"purged {result.purged}"
            )
        now = timezone.now()
        local = timezone.localtime(now)
        if reminders_done_on == local.date() or local.time() < reminders_time():
            return reminders_done_on
        if self.stopping.is_set():
            return reminders_done_on
        queued = run_reminders(now=now)
        if queued is None:
            self.stdout.write("reminders: another server is running them")
            return reminders_done_on
        for key, count in queued.items():
            self.stdout.write(f"reminders: {key}: {count} queued")
        return local.date()

    @staticmethod
    def _fresh_connection() -> None:
        # Like a request's start and end: a connection past CONN_MAX_AGE or broken (a database
        # restart) is replaced. Never inside a transaction (a caller's, or a test's).
        if not connection.in_atomic_block:
            close_old_connections()

    def _stop(self, signum: int, frame: object) -> None:
        self.stdout.write(f"signal {signum}: stopping after the current pass")
        self.stopping.set()
