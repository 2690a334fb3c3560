"""Dates a person may type or filter on: 1 January 1900 to 31 December 2100.

A date outside that span is always a slip of the keyboard here (nothing srp records is older
than 1900 or planned past 2100), and at the edges of Python's calendar (year 1, year 9999) the
next day or a time-zone conversion overflows. Every form field that takes a date or a date and
time refuses one with a field error, and its date picker offers only the span.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def in_bounds(value: datetime.date | datetime.datetime) -> bool:
    """Whether the date (of a date and time, as written) is within 1900-2100."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return EARLIEST <= day <= LATEST


def bounds_message() -> str:
    return gettext("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": date_format(EARLIEST, "DATE_FORMAT"),
        "latest": date_format(LATEST, "DATE_FORMAT"),
    }


def validate_date_in_bounds(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date (or the date of a date and time) before 1900 or after 2100."""
    if value is not None and not in_bounds(value):
        raise ValidationError(bounds_message(), code="date_out_of_bounds")


def bound_dates(fields: dict[str, forms.Field]) -> None:
    """Give every date and date-time field among `fields` the bounds, and its picker min/max."""
    for field in fields.values():
        if not isinstance(field, (forms.DateField, forms.DateTimeField)):
            continue
        if validate_date_in_bounds not in field.validators:
            field.validators.append(validate_date_in_bounds)
        input_type = field.widget.attrs.get("type") or getattr(field.widget, "input_type", "")
        if input_type == "date":
            field.widget.attrs.setdefault("min", EARLIEST.isoformat())
            field.widget.attrs.setdefault("max", LATEST.isoformat())
        elif input_type == "datetime-local":
            field.widget.attrs.setdefault("min", f"{EARLIEST.isoformat()}T00:00")
            field.widget.attrs.setdefault("max", f"{LATEST.isoformat()}T23:59")


class DateBoundsMixin:
    """For a form (list it first among the bases): all its date fields keep to the bounds."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_dates(self.fields)
