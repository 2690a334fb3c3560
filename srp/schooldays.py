"""The one place srp counts school days and business days (issue #14 item 3).

Every deadline that counts school or business days calls this module with the district whose
calendar applies: complaint acknowledgement (school days), restraint and isolation report and
written notice clocks (business days), the start-of-year notice deadline and the reminders that
follow from them. Nothing else in the project may step through weekdays on its own.

The calendar of a district is its school years (`srp.models.SchoolYear`: the first and last
instructional day inside the 1 July to 30 June span) and each year's recorded
non-instructional days (`srp.models.NonInstructionalDay`: breaks, holidays, emergency closures,
professional days; withdrawn entries count for nothing).

Definitions
-----------
school day
    A weekday (Monday to Friday) from the year's first to its last instructional day that no
    recorded non-instructional day covers. Summer (before the first or after the last
    instructional day), breaks, holidays, closures and professional days are not school days.
business day
    A weekday on which the district office is open: not a recorded holiday (a legal holiday
    always closes the office) nor an entry marked "district office closed" (emergency closures by
    default, and a break when the district closes its office over it, such as winter break in
    most districts). Summer, professional days and breaks during which the office stays open are
    business days.
day outside breaks (`add_days_outside_breaks`)
    A calendar day, weekend or not, that no recorded non-instructional day covers: the notice
    deadline counts these ("N days after the first school day", with a break not counted).

A date that falls in no recorded school year of the district (no year for that 1 July to
30 June span, or `district` is None) falls back to plain weekdays: every weekday is both a
school day and a business day there. So a district that has recorded no calendar gets exactly
the Monday-to-Friday arithmetic the project had before, and a deadline that runs past the last
recorded year keeps counting weekdays rather than failing.

Counting: `add_*(district, start, n)` is the n-th counted day after `start` (`start` itself is
never counted; `n=0` gives `start`). `*_between(district, start, end)` counts the days after
`start` up to and including `end`, so `school_days_between(d, s, add_school_days(d, s, n)) == n`.
Negative counts are refused (ValueError).

Queries: each module-level function reads the calendar once (one query: the district's school
years from `start` on, joined to their live non-instructional days) and then counts in memory.
Code computing many dates for one district (a list page, a reminder run) loads `calendar_for()`
once and calls the `Calendar` methods, which never query.

Used by helper D (rollover)::

    copy_calendar(from_year: SchoolYear, to_year: SchoolYear, *, by: User) -> int

creates `to_year`'s non-instructional days from `from_year`'s live ones, each shifted by 364
days (52 weeks, so a Monday holiday stays a Monday), clipped to `to_year`'s 1 July to 30 June
span (an entry falling wholly outside it is skipped) and skipped when it would overlap an entry
`to_year` already has (so running it twice creates nothing the second time). Returns the number
of entries created. Each is saved with its history, attributed to `by`.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import FilteredRelation, Q

if TYPE_CHECKING:
    from srp.models import District, SchoolYear, User

ONE_DAY = datetime.timedelta(days=1)
_DayTest = Callable[[datetime.date], bool]
# 52 weeks: the same weekday one year on (copy_calendar).
YEAR_SHIFT = datetime.timedelta(days=364)
# No deadline in the project counts more than this; a larger count is a programming error.
MAX_COUNT = 3660


def _is_weekday(day: datetime.date) -> bool:
    return day.weekday() < 5


@dataclass(frozen=True)
class YearCalendar:
    """One school year's calendar: its span, instructional days and recorded days off."""

    starts_on: datetime.date
    ends_on: datetime.date
    first_instructional_day: datetime.date
    last_instructional_day: datetime.date
    # Every date covered by a live non-instructional entry, and those of them the office closes.
    days_off: frozenset[datetime.date] = field(default_factory=frozenset)
    office_closed: frozenset[datetime.date] = field(default_factory=frozenset)

    def is_school_day(self, day: datetime.date) -> bool:
        return (
            _is_weekday(day)
            and self.first_instructional_day <= day <= self.last_instructional_day
            and day not in self.days_off
        )

    def is_business_day(self, day: datetime.date) -> bool:
        return _is_weekday(day) and day not in self.office_closed

    def instructional_days(self) -> int:
        """The year's school days (weekdays first..last instructional day, less days off)."""
        day, count = self.first_instructional_day, 0
        while day <= self.last_instructional_day:
            count += self.is_school_day(day)
            day += ONE_DAY
        return count


class Calendar:
    """A district's calendar loaded once; every method counts in memory (no query)."""

    def __init__(self, years: Iterable[YearCalendar] = ()) -> None:
        self.years = sorted(years, key=lambda y: y.starts_on)
        self._starts = [y.starts_on for y in self.years]

    def year_of(self, day: datetime.date) -> YearCalendar | None:
        """The recorded year whose 1 July to 30 June span holds `day`, if any."""
        index = bisect.bisect_right(self._starts, day) - 1
        if index >= 0 and day <= self.years[index].ends_on:
            return self.years[index]
        return None

    def is_school_day(self, day: datetime.date) -> bool:
        year = self.year_of(day)
        return _is_weekday(day) if year is None else year.is_school_day(day)

    def is_business_day(self, day: datetime.date) -> bool:
        year = self.year_of(day)
        return _is_weekday(day) if year is None else year.is_business_day(day)

    def is_day_off(self, day: datetime.date) -> bool:
        """Whether a recorded non-instructional entry covers `day` (any kind)."""
        year = self.year_of(day)
        return year is not None and day in year.days_off

    def add_school_days(self, start: datetime.date, n: int) -> datetime.date:
        return self._add(start, n, self.is_school_day)

    def add_business_days(self, start: datetime.date, n: int) -> datetime.date:
        return self._add(start, n, self.is_business_day)

    def add_days_outside_breaks(self, start: datetime.date, n: int) -> datetime.date:
        return self._add(start, n, lambda day: not self.is_day_off(day))

    def school_days_between(self, start: datetime.date, end: datetime.date) -> int:
        return self._between(start, end, self.is_school_day)

    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        return self._between(start, end, self.is_business_day)

    @staticmethod
    def _add(start: datetime.date, n: int, counts: _DayTest) -> datetime.date:
        _check_count(n)
        day, remaining = start, n
        while remaining > 0:
            day += ONE_DAY
            if counts(day):
                remaining -= 1
        return day

    @staticmethod
    def _between(start: datetime.date, end: datetime.date, counts: _DayTest) -> int:
        if end < start:
            raise ValueError("end comes before start")
        if (end - start).days > MAX_COUNT:
            raise ValueError(f"at most {MAX_COUNT} days apart")
        day, total = start, 0
        while day < end:
            day += ONE_DAY
            total += counts(day)
        return total


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError("a count of days cannot be negative")
    if n > MAX_COUNT:
        raise ValueError(f"at most {MAX_COUNT} days")


def calendar_for(
    district: District | int | None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Calendar:
    """The district's calendar, in one query: its school years whose span reaches `since` or
    later (all years when None) and starts by `until`, with their live non-instructional days.

    `district=None` gives an empty calendar (plain weekdays) without a query.
    """
    if district is None:
        return Calendar()
    from srp.models import SchoolYear

    district_id = district if isinstance(district, int) else district.pk
    years = SchoolYear.objects.filter(district_id=district_id)
    if since is not None:
        years = years.filter(ends_on__gte=since)
    if until is not None:
        years = years.filter(starts_on__lte=until)
    rows = (
        years.annotate(
            live_days=FilteredRelation(
                "non_instructional_days",
                condition=Q(non_instructional_days__withdrawn_at__isnull=True),
            )
        )
        .order_by("starts_on")
        .values_list(
            "pk",
            "starts_on",
            "ends_on",
            "first_instructional_day",
            "last_instructional_day",
            "live_days__first_day",
            "live_days__last_day",
            "live_days__office_closed",
        )
    )
    spans: dict[int, tuple[datetime.date, datetime.date, datetime.date, datetime.date]] = {}
    days_off: dict[int, set[datetime.date]] = {}
    office: dict[int, set[datetime.date]] = {}
    for pk, starts_on, ends_on, first, last, off_first, off_last, closed in rows:
        spans[pk] = (starts_on, ends_on, first, last)
        off, shut = days_off.setdefault(pk, set()), office.setdefault(pk, set())
        if off_first is None or off_last is None:
            continue
        day = off_first
        while day <= off_last:
            off.add(day)
            if closed:
                shut.add(day)
            day += ONE_DAY
    return Calendar(
        YearCalendar(
            starts_on=s,
            ends_on=e,
            first_instructional_day=f,
            last_instructional_day=la,
            days_off=frozenset(days_off[pk]),
            office_closed=frozenset(office[pk]),
        )
        for pk, (s, e, f, la) in spans.items()
    )


# The project's entry points: one query each -------------------------------------------------
def add_school_days(district: District | int | None, start: datetime.date, n: int) -> datetime.date:
    """The n-th school day after `start` in the district's calendar (module docstring)."""
    _check_count(n)
    return calendar_for(district, since=start).add_school_days(start, n)


def add_business_days(
    district: District | int | None, start: datetime.date, n: int
) -> datetime.date:
    """The n-th business day after `start` (a weekday the district office is open)."""
    _check_count(n)
    return calendar_for(district, since=start).add_business_days(start, n)


def add_days_outside_breaks(
    district: District | int | None, start: datetime.date, n: int
) -> datetime.date:
    """The n-th calendar day after `start` that no recorded non-instructional day covers."""
    _check_count(n)
    return calendar_for(district, since=start).add_days_outside_breaks(start, n)


def school_days_between(
    district: District | int | None, start: datetime.date, end: datetime.date
) -> int:
    """School days after `start` up to and including `end`."""
    return calendar_for(district, since=start, until=end).school_days_between(start, end)


def business_days_between(
    district: District | int | None, start: datetime.date, end: datetime.date
) -> int:
    """Business days after `start` up to and including `end`."""
    return calendar_for(district, since=start, until=end).business_days_between(start, end)


def is_school_day(district: District | int | None, day: datetime.date) -> bool:
    return calendar_for(district, since=day, until=day).is_school_day(day)


def is_business_day(district: District | int | None, day: datetime.date) -> bool:
    return calendar_for(district, since=day, until=day).is_business_day(day)


def instructional_days(year: SchoolYear) -> int:
    """The number of school days of `year` (one query)."""
    calendar = calendar_for(year.district_id, since=year.starts_on, until=year.starts_on)
    found = calendar.year_of(year.starts_on)
    return 0 if found is None else found.instructional_days()


# The rollover's copy ------------------------------------------------------------------------
def copy_calendar(from_year: SchoolYear, to_year: SchoolYear, *, by: User) -> int:
    """Create `to_year`'s non-instructional days from `from_year`'s (see the module docstring)."""
    from srp.history import as_done_by
    from srp.models import NonInstructionalDay

    if from_year.district_id != to_year.district_id:
        raise ValueError("the two years belong to different districts")
    created = 0
    with transaction.atomic():
        taken = [
            (d.first_day, d.last_day)
            for d in NonInstructionalDay.objects.live().filter(school_year=to_year)
        ]
        for source in NonInstructionalDay.objects.live().filter(school_year=from_year):
            first = max(source.first_day + YEAR_SHIFT, to_year.starts_on)
            last = min(source.last_day + YEAR_SHIFT, to_year.ends_on)
            if last < first:
                continue
            if any(first <= t_last and t_first <= last for t_first, t_last in taken):
                continue
            entry = NonInstructionalDay(
                school_year=to_year,
                first_day=first,
                last_day=last,
                kind=source.kind,
                name=source.name,
                office_closed=source.office_closed,
            )
            as_done_by(entry, by, f"Copied from {from_year.label}").save()
            taken.append((first, last))
            created += 1
    return created
