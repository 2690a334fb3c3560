"""Daily reminder: restraint and isolation reports whose clocks ran out (R-13)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from incidents.clocks import restraint_clocks
from incidents.models import RestraintReport
from srp import schooldays
from srp.models import Membership
from srp.outbox import email_queue
from srp.roles import Role


def restraint_clocks_remind(*, now: datetime.datetime | None = None) -> int:
    """Email the program administrators once about each report with an overdue clock."""
    now = now or timezone.now()
    sent = 0
    calendars: dict[int, schooldays.Calendar] = {}  # one query per district
    candidates = (
        RestraintReport.objects.live()
        .filter(
            late_reminder_sent_at__isnull=True, occurred_at__gte=now - datetime.timedelta(days=60)
        )
        .select_related("school", "district")
    )
    for report in candidates:
        if report.district_id not in calendars:
            calendars[report.district_id] = schooldays.calendar_for(report.district_id)
        clocks = restraint_clocks(report, calendars[report.district_id])
        overdue = [c for c in clocks if c.done_at is None and now > c.due_at]
        if not overdue:
            continue
        emails = sorted(
            set(
                Membership.objects.active()
                .filter(district_id=report.district_id, role=Role.PROGRAM_ADMIN)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        with transaction.atomic():
            if emails:
                email_queue(
                    to=emails,
                    template="incidents/email/restraint_overdue",
                    district=report.district,
                    context={"report": report, "clocks": overdue},
                )
                sent += 1
            RestraintReport.objects.filter(pk=report.pk).update(late_reminder_sent_at=now)
    return sent
