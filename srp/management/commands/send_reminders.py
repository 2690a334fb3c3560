from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from srp.registry import registry


class Command(BaseCommand):
    help = (
        "Queue the day's reminder emails (agreement reviews due, complaint deadlines, late "
        "notices…). Run once a day, e.g. from cron; running twice the same day sends nothing new."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        for reminder in registry.reminders:
            with transaction.atomic():
                queued = reminder.run(now=now)
            self.stdout.write(f"{reminder.key}: {queued} reminder(s) queued")
