"""The school calendar pages of a school year (issue #14 item 3): program administrators only,
in their own district (another district's year is a 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from srp import schooldays
from srp.calendar_forms import CalendarImportForm, NonInstructionalDayForm, WithdrawDayForm
from srp.calendar_import import FileRefused, import_calendar
from srp.calendar_services import day_save, day_withdraw
from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.models import NonInstructionalDay, SchoolYear
from srp.roles import Role
from srp.rules import RuleError, show_rule_error

ONE_DAY = datetime.timedelta(days=1)


def _year(request: AuthenticatedHttpRequest, pk: int) -> SchoolYear:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    return get_object_or_404(SchoolYear, pk=pk, district=district)


def _day(year: SchoolYear, day_pk: int) -> NonInstructionalDay:
    return get_object_or_404(NonInstructionalDay, pk=day_pk, school_year=year)


@dataclass
class Month:
    first: datetime.date
    school_days: int = 0
    days_off: int = 0
    entries: list[NonInstructionalDay] = field(default_factory=list)


def _months(year: SchoolYear, entries: list[NonInstructionalDay]) -> list[Month]:
    """July to June: each month's school days, weekdays off, and the entries starting in it."""
    calendar = schooldays.Calendar(
        [
            schooldays.YearCalendar(
                starts_on=year.starts_on,
                ends_on=year.ends_on,
                first_instructional_day=year.first_instructional_day,
                last_instructional_day=year.last_instructional_day,
                days_off=frozenset(
                    day
                    for entry in entries
                    if not entry.is_withdrawn
                    for day in _span(entry.first_day, entry.last_day)
                ),
            )
        ]
    )
    months: dict[tuple[int, int], Month] = {}
    day = year.starts_on
    while day <= year.ends_on:
        month = months.setdefault((day.year, day.month), Month(day.replace(day=1)))
        if calendar.is_school_day(day):
            month.school_days += 1
        elif (
            day.weekday() < 5
            and year.first_instructional_day <= day <= year.last_instructional_day
            and calendar.is_day_off(day)
        ):
            month.days_off += 1
        day += ONE_DAY
    for entry in entries:
        months[(entry.first_day.year, entry.first_day.month)].entries.append(entry)
    return [m for m in months.values() if m.school_days or m.days_off or m.entries]


def _span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = _year(request, pk)
    entries = list(
        NonInstructionalDay.objects.filter(school_year=year).select_related("withdrawn_by")
    )
    months = _months(year, entries)
    live = [e for e in entries if not e.is_withdrawn]
    return render(
        request,
        "srp/calendar.html",
        {
            "year": year,
            "months": months,
            "instructional_days": sum(m.school_days for m in months),
            "days_off": sum(m.days_off for m in months),
            "office_closed_days": sum(
                1
                for e in live
                if e.office_closed
                for d in _span(e.first_day, e.last_day)
                if d.weekday() < 5
            ),
            "entry_count": len(live),
            "withdrawn_count": len(entries) - len(live),
        },
    )


def day_edit(request: AuthenticatedHttpRequest, pk: int, day_pk: int | None = None) -> HttpResponse:
    year = _year(request, pk)
    entry = _day(year, day_pk) if day_pk else None
    back_url = reverse("srp:school_year_calendar", args=[year.pk])
    if entry is not None and entry.is_withdrawn:
        messages.error(request, _("This entry was withdrawn; add the days again instead."))
        return redirect(back_url)
    form = NonInstructionalDayForm(
        request.POST or None, instance=entry, school_year=year, correcting=entry is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = day_save(
                day=form.instance, by=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except RuleError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(
                request,
                (_("%(entry)s corrected.") if entry else _("%(entry)s added to the calendar."))
                % {"entry": saved},
            )
            return redirect(back_url)
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": (
                _("Correct %(entry)s") % {"entry": entry}
                if entry
                else _("Add a day off to %(year)s") % {"year": year.label}
            ),
            "intro": _(
                "Days without students: a break, a holiday, an emergency closure or a "
                "professional day. For a single day leave the last day blank. School-day "
                "deadlines skip these days; business-day deadlines skip them when the district "
                "office is closed."
            ),
            "back_url": back_url,
            "history_url": reverse("srp:calendar_day_history", args=[year.pk, entry.pk])
            if entry
            else None,
        },
    )


def day_withdraw_view(request: AuthenticatedHttpRequest, pk: int, day_pk: int) -> HttpResponse:
    year = _year(request, pk)
    entry = _day(year, day_pk)
    back_url = reverse("srp:school_year_calendar", args=[year.pk])
    form = WithdrawDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day_withdraw(day=entry, by=request.user, reason=form.cleaned_data["reason"])
        except RuleError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("%(entry)s withdrawn.") % {"entry": entry})
            return redirect(back_url)
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Withdraw %(entry)s") % {"entry": entry},
            "intro": _("Withdraw an entry made in error. Nothing is deleted."),
            "back_url": back_url,
            "submit_label": _("Withdraw"),
        },
    )


def day_history(request: AuthenticatedHttpRequest, pk: int, day_pk: int) -> HttpResponse:
    year = _year(request, pk)
    entry = _day(year, day_pk)
    return render_history(
        request, entry, back_url=reverse("srp:school_year_calendar", args=[year.pk])
    )


def calendar_import_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    year = _year(request, pk)
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_calendar(
                upload.read(), year=year, filename=upload.name, by=request.user
            )
        except FileRefused as error:
            form.add_error("file", str(error))
        else:
            if result.ok:
                messages.success(
                    request,
                    ngettext(
                        "Imported %(count)s entry into the %(year)s calendar.",
                        "Imported %(count)s entries into the %(year)s calendar.",
                        result.created,
                    )
                    % {"count": result.created, "year": year.label},
                )
                if result.skipped:
                    messages.info(
                        request,
                        _("Left out (not days off): %(events)s")
                        % {
                            "events": "; ".join(result.skipped[:10])
                            + ("…" if len(result.skipped) > 10 else "")
                        },
                    )
                return redirect("srp:school_year_calendar", year.pk)
    return render(
        request,
        "srp/calendar_import.html",
        {
            "year": year,
            "form": form,
            "result": result,
            "kinds": NonInstructionalDay.Kind.choices,
            "back_url": reverse("srp:school_year_calendar", args=[year.pk]),
        },
    )
