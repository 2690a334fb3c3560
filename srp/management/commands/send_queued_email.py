from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from srp.outbox import deliver_due_emails


class Command(BaseCommand):
    help = (
        "Send the emails waiting in the outbox, each at most once; failures are retried later "
        "with back-off. Also removes the text of sent emails holding a private link after "
        "OUTBOX_PURGE_DAYS."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Send at most this many emails per run (default: every email that is due).",
        )
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, checking the outbox every SECONDS (for a worker process).",
        )

    def handle(self, *args, batch_size: int | None, loop: float | None, **options) -> None:
        while True:
            result = deliver_due_emails(batch_size=batch_size)
            self.stdout.write(
                f"sent {result.sent}, to retry {result.retried}, failed {result.failed}, "
                f"purged {result.purged}"
            )
            if not loop:
                return
            time.sleep(loop)
