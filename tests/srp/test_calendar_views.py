"""The school calendar pages (issue #14 item 3): list by month, add, correct, withdraw, import
CSV and iCalendar all-or-nothing; program administrators of the year's district only."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from srp.models import NonInstructionalDay

D = datetime.date
Kind = NonInstructionalDay.Kind


def url(name, year, *args):
    return reverse(f"srp:{name}", args=[year.pk, *args])


def winter_break(year, **extra):
    values = {
        "school_year": year,
        "first_day": D(2026, 12, 21),
        "last_day": D(2027, 1, 1),
        "kind": Kind.BREAK,
        "name": "Winter break",
        "office_closed": True,
        **extra,
    }
    return NonInstructionalDay.objects.create(**values)


def upload(name, content, content_type="text/csv"):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type=content_type)


# The page ------------------------------------------------------------------------------------
def test_the_calendar_lists_days_by_month_with_counts(
    world, client_for, django_assert_max_num_queries
):
    winter_break(world.year)
    NonInstructionalDay.objects.create(
        school_year=world.year, first_day=D(2026, 11, 26), last_day=D(2026, 11, 27),
        kind=Kind.HOLIDAY, name="Thanksgiving", office_closed=True,
    )  # fmt: skip
    client = client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get(url("school_year_calendar", world.year))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Winter break" in html and "Thanksgiving" in html
    assert "December 2026" in html and "November 2026" in html
    # 2 Sep 2026 to 16 Jun 2027: 206 weekdays, less 2 (Thanksgiving) and 10 (winter break).
    assert response.context["instructional_days"] == 194
    assert response.context["days_off"] == 12
    assert response.context["office_closed_days"] == 12
    december = next(m for m in response.context["months"] if m.first == D(2026, 12, 1))
    assert (december.school_days, december.days_off) == (14, 9)


def test_the_school_years_list_links_to_the_calendar(world, client_for):
    response = client_for(world.admin).get(reverse("srp:school_year_list"))
    assert url("school_year_calendar", world.year) in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["principal_a", "teacher_a", "safety_staff", "investigator", "board", "liaison"]
)
def test_only_program_administrators_see_the_calendar(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(url("school_year_calendar", world.year)).status_code == 403
    assert client.post(url("calendar_day_create", world.year), {}).status_code == 403
    assert not NonInstructionalDay.objects.exists()


def test_another_districts_year_is_not_found(world, client_for):
    entry = winter_break(world.other_year)
    client = client_for(world.admin)
    assert client.get(url("school_year_calendar", world.other_year)).status_code == 404
    assert client.get(url("calendar_import", world.other_year)).status_code == 404
    response = client.post(
        url("calendar_day_withdraw", world.other_year, entry.pk), {"reason": "Not ours"}
    )
    assert response.status_code == 404
    # Nor an entry of another district's year through one's own year.
    response = client.post(url("calendar_day_withdraw", world.year, entry.pk), {"reason": "x"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert not entry.is_withdrawn


# Add, correct, withdraw ----------------------------------------------------------------------
def test_add_a_single_day_and_a_range(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        url("calendar_day_create", world.year),
        {"first_day": "2027-01-18", "last_day": "", "kind": "holiday", "name": "MLK Day"},
    )
    assert response.status_code == 302
    mlk = NonInstructionalDay.objects.get(name="MLK Day")
    assert (mlk.first_day, mlk.last_day, mlk.office_closed) == (
        D(2027, 1, 18),
        D(2027, 1, 18),
        True,
    )
    assert mlk.history.first().history_user == world.admin
    response = client.post(
        url("calendar_day_create", world.year),
        {
            "first_day": "2027-04-05",
            "last_day": "2027-04-09",
            "kind": "break",
            "name": "Spring break",
        },
    )
    assert response.status_code == 302
    spring = NonInstructionalDay.objects.get(name="Spring break")
    assert spring.days == 5 and spring.office_closed is False


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"first_day": "2027-07-01"}, "first_day", "outside the 2026-27 school year"),
        ({"first_day": "2027-01-04", "last_day": "2026-12-31"}, "last_day", "cannot come before"),
        (
            {"first_day": "2026-12-31", "last_day": "2027-01-05"},
            "first_day",
            "overlap Winter break",
        ),
        ({"first_day": "3026-01-01"}, "first_day", "between"),
        ({"first_day": "not a date"}, "first_day", "valid date"),
        ({"kind": "vacation-ish"}, "kind", "valid choice"),
        ({"name": "x" * 121}, "name", "at most 120"),
    ],
)
def test_bad_days_are_field_errors_and_nothing_is_saved(world, client_for, values, field, message):
    winter_break(world.year)
    data = {
        "first_day": "2027-01-18",
        "last_day": "",
        "kind": "holiday",
        "name": "MLK Day",
        **values,
    }
    response = client_for(world.admin).post(url("calendar_day_create", world.year), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert NonInstructionalDay.objects.count() == 1


def test_a_correction_needs_a_reason_and_keeps_history(world, client_for):
    entry = winter_break(world.year)
    client = client_for(world.admin)
    data = {"first_day": "2026-12-21", "last_day": "2027-01-04", "kind": "break",
            "name": "Winter break", "office_closed": "on"}  # fmt: skip
    response = client.post(url("calendar_day_edit", world.year, entry.pk), data)
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.last_day == D(2027, 1, 1)
    response = client.post(
        url("calendar_day_edit", world.year, entry.pk),
        {**data, "reason": "The board added a day"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.last_day == D(2027, 1, 4)
    latest = entry.history.first()
    assert latest.history_change_reason == "The board added a day"
    assert entry.history.count() == 2
    page = client.get(url("calendar_day_history", world.year, entry.pk))
    assert page.status_code == 200


def test_withdraw_keeps_the_entry_struck_through(world, client_for):
    entry = winter_break(world.year)
    client = client_for(world.admin)
    response = client.post(url("calendar_day_withdraw", world.year, entry.pk), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(
        url("calendar_day_withdraw", world.year, entry.pk), {"reason": "Entered twice"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_withdrawn and entry.withdrawn_by == world.admin
    assert entry.withdraw_reason == "Entered twice"
    page = client.get(url("school_year_calendar", world.year)).content.decode()
    assert "<del>Winter break</del>" in page and "Entered twice" in page
    # Twice: a clear message, no change; and a withdrawn entry cannot be corrected.
    again = client.post(url("calendar_day_withdraw", world.year, entry.pk), {"reason": "again"})
    assert "already withdrawn" in again.content.decode()
    edit = client.get(url("calendar_day_edit", world.year, entry.pk))
    assert edit.status_code == 302


# Import --------------------------------------------------------------------------------------
GOOD_CSV = """start,end,kind,name,office_closed
2026-11-26,2026-11-27,holiday,Thanksgiving,
12/21/2026,01/01/2027,break,Winter break,yes
2027-02-15,2027-02-19,Break,Mid-winter break,no
2026-10-09,,professional,Professional day,
"""


def test_import_a_csv(world, client_for):
    response = client_for(world.admin).post(
        url("calendar_import", world.year), {"file": upload("calendar.csv", GOOD_CSV)}
    )
    assert response.status_code == 302
    days = {d.name: d for d in NonInstructionalDay.objects.filter(school_year=world.year)}
    assert set(days) == {"Thanksgiving", "Winter break", "Mid-winter break", "Professional day"}
    assert days["Thanksgiving"].office_closed is True  # a holiday
    assert days["Winter break"].office_closed is True
    assert days["Mid-winter break"].office_closed is False
    assert days["Professional day"].last_day == D(2026, 10, 9)
    assert days["Winter break"].history.first().history_user == world.admin


def test_import_a_csv_with_a_date_column(world, client_for):
    csv = "Date,Kind,Name\n2027-01-18,holiday,MLK Day\n2027-05-31,holiday,Memorial Day\n"
    response = client_for(world.admin).post(
        url("calendar_import", world.year), {"file": upload("days.csv", csv)}
    )
    assert response.status_code == 302
    assert NonInstructionalDay.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "row", "column", "message"),
    [
        (GOOD_CSV + "2027-07-02,,holiday,Too late,\n", 6, "start", "outside the 2026-27"),
        (GOOD_CSV + "2026-12-31,2027-01-05,break,Overlap,\n", 6, "start", "overlap Winter break"),
        (GOOD_CSV + "2027-03-05,2027-03-01,break,Backwards,\n", 6, "end", "cannot come before"),
        (GOOD_CSV + "2027-13-45,,holiday,Bad date,\n", 6, "start", "is not a date"),
        (GOOD_CSV + "2027-03-01,,vacationish,Bad kind,\n", 6, "kind", "is not a kind"),
        (GOOD_CSV + "2027-03-01,,holiday,,\n", 6, "name", "A name is needed"),
        (GOOD_CSV + "2027-03-01,,holiday,X,maybe\n", 6, "office_closed", "yes or no"),
        ("start,kind\n2027-03-01,holiday\n", 1, "name", "needs a 'name' column"),
        ("start,kind,name,birthplace\n", 1, "birthplace", "Unknown column"),
    ],
)
def test_a_csv_with_an_error_imports_nothing(world, client_for, content, row, column, message):
    response = client_for(world.admin).post(
        url("calendar_import", world.year), {"file": upload("calendar.csv", content)}
    )
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert any(e.row == row and e.column == column and message in e.message for e in errors), errors
    assert "Nothing was imported" in response.content.decode()
    assert not NonInstructionalDay.objects.exists()


def test_an_overlap_with_a_day_already_on_the_calendar_imports_nothing(world, client_for):
    winter_break(world.year)
    response = client_for(world.admin).post(
        url("calendar_import", world.year), {"file": upload("calendar.csv", GOOD_CSV)}
    )
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(3, "start")]
    assert NonInstructionalDay.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("calendar.csv", b"", "empty"),
        ("calendar.csv", b"start,kind,name\n\x00\x01\x02", "not a text file"),
        ("calendar.csv", b"start,kind,name\n2027-01-18,holiday,\xff\xfeMLK\n", "not UTF-8"),
        ("calendar.csv", b"x" * (1024 * 1024 + 1), "larger than"),
        ("calendar.exe", b"MZ...", ".csv or an .ics"),
        ("calendar.ics", b"BEGIN:VCALENDAR\nthis is not ical\n", "not a valid iCalendar"),
        ("calendar.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
        (
            "calendar.csv",
            ("date,kind,name\n" + "2026-09-10,holiday,X\n" * 1001).encode(),
            "more than 1000 rows",
        ),
    ],
)
def test_hostile_or_malformed_files_get_a_clear_message(world, client_for, name, content, message):
    response = client_for(world.admin).post(
        url("calendar_import", world.year), {"file": upload(name, content)}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not NonInstructionalDay.objects.exists()


def ics(*events: list[str]) -> bytes:
    """An iCalendar file of `events`, each a list of its lines (CRLF line ends, RFC 5545)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//District//Calendar//EN"]
    for n, event in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:{n}@district.example.org", "DTSTAMP:20260801T000000Z"]
        lines += [*event, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


GOOD_ICS = ics(
    ["DTSTART;VALUE=DATE:20261126", "DTEND;VALUE=DATE:20261128", "SUMMARY:Thanksgiving Break",
     "CATEGORIES:Holiday"],
    ["DTSTART;VALUE=DATE:20261221", "DTEND;VALUE=DATE:20270102",
     "SUMMARY:Winter Break - No School"],
    ["DTSTART;VALUE=DATE:20261009", "SUMMARY:Professional Development Day"],
    ["DTSTART;VALUE=DATE:20270115", "DTEND;VALUE=DATE:20270116", "SUMMARY:Early Release"],
    ["DTSTART:20261015T180000Z", "DTEND:20261015T200000Z", "SUMMARY:Back to school night"],
)  # fmt: skip


def test_import_an_icalendar_file(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        url("calendar_import", world.year),
        {"file": upload("district.ics", GOOD_ICS, "text/calendar")},
    )
    assert response.status_code == 302
    days = {d.name: d for d in NonInstructionalDay.objects.all()}
    assert set(days) == {
        "Thanksgiving Break",
        "Winter Break - No School",
        "Professional Development Day",
    }
    thanksgiving = days["Thanksgiving Break"]
    assert (thanksgiving.kind, thanksgiving.first_day, thanksgiving.last_day) == (
        Kind.HOLIDAY, D(2026, 11, 26), D(2026, 11, 27),
    )  # fmt: skip
    assert days["Winter Break - No School"].last_day == D(2027, 1, 1)  # DTEND is exclusive
    assert days["Winter Break - No School"].kind == Kind.BREAK
    assert days["Professional Development Day"].kind == Kind.PROFESSIONAL
    page = client.get(url("school_year_calendar", world.year)).content.decode()
    assert "Early Release (not a day off)" in page
    assert "Back to school night (not an all-day event)" in page


def test_an_icalendar_day_outside_the_year_imports_nothing(world, client_for):
    content = ics(
        ["DTSTART;VALUE=DATE:20261221", "DTEND;VALUE=DATE:20270102", "SUMMARY:Winter Break"],
        ["DTSTART;VALUE=DATE:20270705", "SUMMARY:Independence Day holiday"],
        ["DTSTART;VALUE=DATE:20270301", "RRULE:FREQ=WEEKLY", "SUMMARY:Weekly holiday"],
    )
    response = client_for(world.admin).post(
        url("calendar_import", world.year), {"file": upload("district.ics", content)}
    )
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(2, "DTSTART"), (3, "RRULE")]
    assert "outside the 2026-27 school year" in errors[0].message
    assert not NonInstructionalDay.objects.exists()
