"""Import a school year's non-instructional days from CSV or iCalendar (issue #14 item 3).

All or nothing, like the calls import: every row is checked first, each error reported with its
row (CSV line or calendar event) and column, and only a file without errors is saved, in one
transaction. A file that is too large, not UTF-8, binary, or not CSV/iCalendar at all is refused
with one clear message and nothing written.

CSV: a header row, then one row per day or run of days. Columns (case and spaces ignored):
`date` (a single day) or `start` and `end` (a run; `end` may be blank for one day), `kind`
(holiday, break, professional, closure), `name`, and optionally `office_closed` (yes/no; by
default yes for holidays and closures, no otherwise). Dates are 2026-12-21 or 12/21/2026.

iCalendar (.ics, as Google, Outlook or a district's SIS export it): each all-day VEVENT is a
day off, DTSTART its first day and DTEND the day after its last (the standard's exclusive end),
SUMMARY its name; its kind comes from CATEGORIES when one names a kind, else from words of the
summary ("break", "holiday", "professional", "closure"...). Events that are not all-day or
whose kind cannot be told (an "Early release", a "Back to school night") are not days off:
they are left out and listed in the result, never guessed.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from srp.history import as_done_by
from srp.models import NonInstructionalDay, SchoolYear, User

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000
Kind = NonInstructionalDay.Kind

KIND_WORDS: dict[str, str] = {
    "holiday": Kind.HOLIDAY,
    "break": Kind.BREAK,
    "professional": Kind.PROFESSIONAL,
    "closure": Kind.CLOSURE,
    "emergency closure": Kind.CLOSURE,
    "professional day": Kind.PROFESSIONAL,
    "no school": Kind.BREAK,
    "vacation": Kind.BREAK,
    "recess": Kind.BREAK,
}
# Words of an event's summary that tell its kind (first match wins, in this order).
SUMMARY_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(closure|closed|snow day|weather)\b", re.I), Kind.CLOSURE),
    (
        re.compile(
            r"\b(professional|staff development|in-?service|teacher work|waiver day|"
            r"learning improvement|grading day)\b",
            re.I,
        ),
        Kind.PROFESSIONAL,
    ),
    (re.compile(r"\b(break|recess|vacation|no school)\b", re.I), Kind.BREAK),
    (
        re.compile(
            r"\b(holiday|thanksgiving|christmas|new year|martin luther king|mlk|presidents|"
            r"memorial day|veterans|labor day|juneteenth|independence day|indigenous)\b",
            re.I,
        ),
        Kind.HOLIDAY,
    ),
]
YES = {"yes", "y", "true", "1", "x", "sí", "si"}
NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str


@dataclass
class ParsedDay:
    row: int
    first_day: datetime.date
    last_day: datetime.date
    kind: str
    name: str
    office_closed: bool
    column: str = "date"  # where the row's first day is written (its errors name it)


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is for a person."""


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(max)s KB; a school year's calendar is far smaller.")
            % {"max": MAX_BYTES // 1024}
        )
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if b"\x00" in data:
        raise FileRefused(_("This is not a text file: choose a .csv or .ics calendar file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("The file is not UTF-8 text (byte %(position)s); save it as UTF-8 and try again.")
            % {"position": error.start + 1}
        ) from error


def parse_date(value: str) -> datetime.date | None:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


def _kind(value: str) -> str | None:
    return KIND_WORDS.get(" ".join(value.strip().lower().replace("_", " ").split()))


# CSV -----------------------------------------------------------------------------------------
def parse_csv(text: str) -> tuple[list[ParsedDay], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [" ".join(c.strip().lower().replace("_", " ").split()) for c in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise FileRefused(_("The file has no header row.")) from error
    header = [h.replace(" ", "_") for h in header]
    columns = {name: i for i, name in enumerate(header) if name}
    errors: list[RowError] = []
    has_date = "date" in columns
    has_start = "start" in columns
    if not has_date and not has_start:
        errors.append(RowError(1, "date", _("The header needs a 'date' or a 'start' column.")))
    for required in ("kind", "name"):
        if required not in columns:
            errors.append(
                RowError(
                    1, required, _("The header needs a '%(column)s' column.") % {"column": required}
                )
            )
    unknown = [
        h for h in header if h not in {"date", "start", "end", "kind", "name", "office_closed"}
    ]
    if unknown:
        errors.append(
            RowError(
                1,
                unknown[0],
                _(
                    "Unknown column '%(column)s': the columns are date (or start, end), kind, "
                    "name, office_closed."
                )
                % {"column": unknown[0][:40]},
            )
        )
    if errors:
        return [], errors
    days: list[ParsedDay] = []
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(days) >= MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(max)s rows; a calendar has far fewer.")
                    % {"max": MAX_ROWS}
                )
            if len(row) > len(header):
                errors.append(RowError(line, "", _("This row has more cells than the header.")))
                continue

            def cell(name: str, row: list[str] = row) -> str:
                index = columns.get(name)
                return row[index].strip() if index is not None and index < len(row) else ""

            parsed = _parse_csv_row(line, cell, errors)
            if parsed is not None:
                days.append(parsed)
    except csv.Error as error:
        raise FileRefused(_("The file is not valid CSV: %(error)s") % {"error": error}) from error
    return days, errors


def _parse_csv_row(line: int, cell: Any, errors: list[RowError]) -> ParsedDay | None:
    before = len(errors)
    start_column = "date" if cell("date") or not cell("start") else "start"
    start_text = cell(start_column)
    first = parse_date(start_text)
    if first is None:
        errors.append(
            RowError(
                line,
                start_column,
                _("'%(value)s' is not a date: write 2026-12-21 or 12/21/2026.")
                % {"value": start_text[:40]}
                if start_text
                else _("A date is needed."),
            )
        )
    last = first
    if start_column == "start" and cell("end"):
        last = parse_date(cell("end"))
        if last is None:
            errors.append(
                RowError(
                    line,
                    "end",
                    _("'%(value)s' is not a date: write 2026-12-21 or 12/21/2026.")
                    % {"value": cell("end")[:40]},
                )
            )
    kind = _kind(cell("kind"))
    if kind is None:
        errors.append(
            RowError(
                line,
                "kind",
                _("'%(value)s' is not a kind: write holiday, break, professional or closure.")
                % {"value": cell("kind")[:40]},
            )
        )
    name = cell("name")
    if not name:
        errors.append(RowError(line, "name", _("A name is needed (for example Winter break).")))
    elif len(name) > 120:
        errors.append(RowError(line, "name", _("The name is longer than 120 characters.")))
    office_text = cell("office_closed").lower()
    if office_text not in YES | NO:
        errors.append(RowError(line, "office_closed", _("Write yes or no, or leave it blank.")))
    if len(errors) > before or first is None or last is None or kind is None:
        return None
    office_closed = (
        office_text in YES if office_text else kind in NonInstructionalDay.OFFICE_CLOSED_KINDS
    )
    return ParsedDay(
        line, first, last, kind, name, office_closed or kind == Kind.HOLIDAY, start_column
    )


# iCalendar -----------------------------------------------------------------------------------
def parse_ics(data: bytes) -> tuple[list[ParsedDay], list[RowError], list[str]]:
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # noqa: BLE001 - any parse failure is a malformed file
        raise FileRefused(
            _("The file is not a valid iCalendar (.ics) file: %(error)s")
            % {"error": str(error)[:200]}
        ) from error
    days: list[ParsedDay] = []
    errors: list[RowError] = []
    skipped: list[str] = []
    events = list(calendar.walk("VEVENT"))
    if len(events) > MAX_ROWS:
        raise FileRefused(
            _("The file has more than %(max)s events; a calendar has far fewer.")
            % {"max": MAX_ROWS}
        )
    if not events:
        raise FileRefused(_("The calendar has no events."))
    for number, event in enumerate(events, start=1):
        name = " ".join(str(event.get("SUMMARY", "")).split())
        label = name[:60] or _("event %(number)s") % {"number": number}
        start = event.get("DTSTART")
        start_value = getattr(start, "dt", None)
        if start_value is None:
            errors.append(RowError(number, "DTSTART", _("The event has no start date.")))
            continue
        if isinstance(start_value, datetime.datetime) or not isinstance(start_value, datetime.date):
            skipped.append(_("%(name)s (not an all-day event)") % {"name": label})
            continue
        if event.get("RRULE") is not None:
            errors.append(
                RowError(
                    number,
                    "RRULE",
                    _("%(name)s repeats: list each day off on its own.") % {"name": label},
                )
            )
            continue
        end = event.get("DTEND")
        end_value = getattr(end, "dt", None)
        if end_value is None:
            last = start_value
        elif isinstance(end_value, datetime.date) and not isinstance(end_value, datetime.datetime):
            last = end_value - datetime.timedelta(days=1)  # DTEND is the day after
        else:
            errors.append(RowError(number, "DTEND", _("The end is not a date.")))
            continue
        if last < start_value:
            last = start_value
        kind = _event_kind(event, name)
        if kind is None:
            skipped.append(_("%(name)s (not a day off)") % {"name": label})
            continue
        if not name:
            errors.append(RowError(number, "SUMMARY", _("The event has no name (SUMMARY).")))
            continue
        days.append(
            ParsedDay(
                number,
                start_value,
                last,
                kind,
                name[:120],
                kind in NonInstructionalDay.OFFICE_CLOSED_KINDS,
                "DTSTART",
            )
        )
    return days, errors, skipped


def _event_kind(event: Any, summary: str) -> str | None:
    categories = event.get("CATEGORIES")
    values: list[str] = []
    for item in categories if isinstance(categories, list) else [categories]:
        if item is None:
            continue
        values.extend(str(c) for c in getattr(item, "cats", [item]))
    for value in values:
        kind = _kind(value)
        if kind is not None:
            return kind
    for pattern, kind in SUMMARY_WORDS:
        if pattern.search(summary):
            return kind
    return None


# Checks against the year and saving ----------------------------------------------------------
def check_against_year(year: SchoolYear, days: list[ParsedDay]) -> list[RowError]:
    """Days outside the year's span, ending before they start, or overlapping another day of
    the file or of the calendar (one query for the calendar's live days)."""
    errors: list[RowError] = []
    taken: list[tuple[datetime.date, datetime.date, str]] = [
        (d.first_day, d.last_day, str(d))
        for d in NonInstructionalDay.objects.live().filter(school_year=year)
    ]
    for day in days:
        if not (year.starts_on <= day.first_day <= year.ends_on) or not (
            year.starts_on <= day.last_day <= year.ends_on
        ):
            outside = (
                day.first_day
                if not (year.starts_on <= day.first_day <= year.ends_on)
                else day.last_day
            )
            errors.append(
                RowError(
                    day.row,
                    day.column,
                    _("%(day)s is outside the %(year)s school year (%(start)s to %(end)s).")
                    % {
                        "day": outside,
                        "year": year.label,
                        "start": year.starts_on,
                        "end": year.ends_on,
                    },
                )
            )
            continue
        if day.last_day < day.first_day:
            errors.append(
                RowError(
                    day.row,
                    "end" if day.column == "start" else "DTEND",
                    _("The last day cannot come before the first day."),
                )
            )
            continue
        clash = next(
            (
                label
                for first, last, label in taken
                if first <= day.last_day and day.first_day <= last
            ),
            None,
        )
        if clash is not None:
            errors.append(
                RowError(
                    day.row,
                    day.column,
                    _("These days overlap %(other)s.") % {"other": clash},
                )
            )
            continue
        taken.append((day.first_day, day.last_day, f"{day.name} ({_('row')} {day.row})"))
    return errors


def import_calendar(data: bytes, *, year: SchoolYear, filename: str, by: User) -> ImportResult:
    """Read `data` (CSV or iCalendar, told by the name and the content) into `year`'s calendar:
    every day, or nothing when a row has an error. Raises FileRefused for an unreadable file."""
    text = _decode(data)
    is_ics = filename.lower().endswith((".ics", ".ical", ".ifb", ".icalendar")) or (
        text.lstrip().upper().startswith("BEGIN:VCALENDAR")
    )
    result = ImportResult()
    if is_ics:
        days, errors, result.skipped = parse_ics(text.encode())
    else:
        days, errors = parse_csv(text)
    result.errors = errors + check_against_year(year, days)
    result.errors.sort(key=lambda e: (e.row or 0, e.column))
    if result.errors:
        return result
    if not days:
        raise FileRefused(_("The file lists no days off."))
    with transaction.atomic():
        for day in days:
            entry = NonInstructionalDay(
                school_year=year,
                first_day=day.first_day,
                last_day=day.last_day,
                kind=day.kind,
                name=day.name,
                office_closed=day.office_closed,
            )
            as_done_by(entry, by, f"Imported from {filename[:60]}").save()
            result.created += 1
    return result
