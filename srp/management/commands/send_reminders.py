from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from srp.management.commands.run_worker import run_reminders


class Command(BaseCommand):
    help = (
        "Queue the day's reminder emails (agreement reviews due, complaint deadlines, late "
        "notices…). Run once a day, e.g. from cron, or let `run_worker` do it; running twice the "
        "same day sends nothing new, and two servers never run it at the same time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = run_reminders(now=timezone.now())
        if queued is None:
            raise CommandError("Another server is running the reminders right now; nothing done.")
        for key, count in queued.items():
            self.stdout.write(f"{key}: {count} reminder(s) queued")
