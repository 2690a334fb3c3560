"""Business-day clocks of restraint and isolation reports (R-13, RCW 28A.600.485)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from srp import schooldays

if TYPE_CHECKING:
    from srp.models import District


def add_business_days(
    day: datetime.date, days: int, district: District | int | None = None
) -> datetime.date:
    """The date `days` business days after `day` in the district's calendar (a weekday the
    district office is open; plain weekdays without a district): `srp.schooldays`."""
    return schooldays.add_business_days(district, day, days)


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


def restraint_clocks(  # noqa: ANN001 - report: RestraintReport (no import cycle)
    report, calendar: schooldays.Calendar | None = None
) -> list[Clock]:
    """The report (2 business days), verbal notice (24 hours), written notice (5 business days).

    Business days follow the district's calendar (`srp.schooldays`): a day the district office
    is closed (a holiday, a closure, winter break when the office closes) does not count. Pass
    `calendar` (`schooldays.calendar_for(district)`, loaded once) when computing the clocks of
    many reports; without it the district's calendar is read (one query).
    """
    occurred_day = timezone.localdate(report.occurred_at)
    if calendar is None:
        calendar = schooldays.calendar_for(report.district_id, since=occurred_day)
    return [
        Clock(
            "report",
            _("Report"),
            _end_of_day(calendar.add_business_days(occurred_day, 2)),
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
            _end_of_day(calendar.add_business_days(occurred_day, 5)),
            report.parent_written_notice_at,
        ),
    ]
