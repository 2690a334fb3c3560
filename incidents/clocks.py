"""Business-day clocks of restraint and isolation reports (R-13, RCW 28A.600.485)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def add_business_days(day: datetime.date, days: int) -> datetime.date:
    """The date `days` business days (Monday to Friday) after `day`."""
    current = day
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    due_at: datetime.datetime
    done_at: datetime.datetime | None

    @property
    def late(self) -> bool:
        if self.done_at is not None:
            return self.done_at > self.due_at
        return timezone.now() > self.due_at

    @property
    def state(self) -> str:
        if self.done_at is not None:
            return "late" if self.late else "done"
        return "overdue" if self.late else "due"


def restraint_clocks(report) -> list[Clock]:  # noqa: ANN001 - RestraintReport (no import cycle)
    """The report (2 business days), verbal notice (24 hours), written notice (5 business days)."""
    occurred_day = timezone.localdate(report.occurred_at)
    return [
        Clock(
            "report",
            _("Report"),
            _end_of_day(add_business_days(occurred_day, 2)),
            report.report_submitted_at,
        ),
        Clock(
            "verbal",
            _("Verbal notice to the parent"),
            report.occurred_at + datetime.timedelta(hours=24),
            report.parent_verbal_notice_at,
        ),
        Clock(
            "written",
            _("Written notice to the parent"),
            _end_of_day(add_business_days(occurred_day, 5)),
            report.parent_written_notice_at,
        ),
    ]
