"""srp.schooldays: the one date arithmetic of the project (issue #14 item 3).

The 2026-27 year of `world` runs from Wednesday 2026-09-02 to Wednesday 2027-06-16.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from srp import schooldays
from srp.models import NonInstructionalDay, SchoolYear
from srp.schooldays import (
    add_business_days,
    add_days_outside_breaks,
    add_school_days,
    business_days_between,
    calendar_for,
    copy_calendar,
    is_business_day,
    is_school_day,
    school_days_between,
)
from tests.factories import SchoolYearFactory

D = datetime.date
Kind = NonInstructionalDay.Kind


def day_off(year, first, last=None, kind=Kind.BREAK, name="Break", office_closed=False):
    entry = NonInstructionalDay(
        school_year=year,
        first_day=first,
        last_day=last or first,
        kind=kind,
        name=name,
        office_closed=office_closed,
    )
    entry.full_clean()
    entry.save()
    return entry


@pytest.fixture
def calendar(world):
    """Thanksgiving (holiday + day after), winter break (office closed), a professional day."""
    year = world.year
    day_off(year, D(2026, 11, 26), kind=Kind.HOLIDAY, name="Thanksgiving")
    day_off(year, D(2026, 11, 27), name="Day after Thanksgiving")
    day_off(year, D(2026, 12, 21), D(2027, 1, 1), name="Winter break", office_closed=True)
    day_off(year, D(2026, 10, 9), kind=Kind.PROFESSIONAL, name="Professional day")
    return year


# Plain weekdays when nothing is recorded (the arithmetic the project had before) ------------
def test_without_days_off_school_days_are_weekdays(world):
    friday = D(2026, 11, 20)
    assert add_school_days(world.district, friday, 1) == D(2026, 11, 23)
    assert add_school_days(world.district, friday, 5) == D(2026, 11, 27)
    assert add_business_days(world.district, friday, 2) == D(2026, 11, 24)
    assert add_school_days(world.district, friday, 0) == friday


def test_no_district_or_no_year_falls_back_to_weekdays(world):
    saturday = D(2031, 3, 1)  # no recorded year in 2030-31
    assert add_school_days(world.district, saturday, 1) == D(2031, 3, 3)
    assert add_business_days(None, D(2026, 11, 27), 2) == D(2026, 12, 1)
    assert is_school_day(world.district, D(2031, 3, 3))
    assert not is_school_day(world.district, saturday)


# Breaks, holidays, professional days -------------------------------------------------------
def test_school_days_skip_thanksgiving_and_winter_break(calendar, world):
    assert add_school_days(world.district, D(2026, 11, 25), 1) == D(2026, 11, 30)
    # Friday 18 December + 1 school day: winter break and the weekends are skipped.
    assert add_school_days(world.district, D(2026, 12, 18), 1) == D(2027, 1, 4)
    assert add_school_days(world.district, D(2026, 12, 16), 5) == D(2027, 1, 6)
    assert not is_school_day(world.district, D(2026, 10, 9))  # professional day
    assert school_days_between(world.district, D(2026, 12, 18), D(2027, 1, 4)) == 1


def test_business_days_skip_only_days_the_office_is_closed(calendar, world):
    # The professional day and the day after Thanksgiving are business days (office open).
    assert is_business_day(world.district, D(2026, 10, 9))
    assert is_business_day(world.district, D(2026, 11, 27))
    # Thanksgiving (a holiday) and winter break (office closed) are not.
    assert not is_business_day(world.district, D(2026, 11, 26))
    assert add_business_days(world.district, D(2026, 11, 25), 1) == D(2026, 11, 27)
    assert add_business_days(world.district, D(2026, 12, 18), 2) == D(2027, 1, 5)
    assert business_days_between(world.district, D(2026, 12, 18), D(2027, 1, 5)) == 2


def test_a_holiday_always_closes_the_office(world):
    entry = day_off(world.year, D(2027, 1, 18), kind=Kind.HOLIDAY, name="MLK Day")
    assert entry.office_closed is True


def test_withdrawn_days_count_for_nothing(calendar, world):
    entry = NonInstructionalDay.objects.get(name="Winter break")
    entry.withdrawn_at = datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    entry.withdraw_reason = "Entered for the wrong year"
    entry.save()
    assert add_school_days(world.district, D(2026, 12, 18), 1) == D(2026, 12, 21)


def test_days_outside_breaks_count_weekends_but_not_breaks(calendar, world):
    assert add_days_outside_breaks(world.district, D(2026, 12, 18), 3) == D(2027, 1, 2)
    assert add_days_outside_breaks(world.district, D(2026, 9, 2), 30) == D(2026, 10, 2)
    assert add_days_outside_breaks(world.district, D(2026, 9, 2), 40) == D(2026, 10, 13)


# Year edges ---------------------------------------------------------------------------------
def test_summer_is_not_school_days_but_business_days(world):
    assert not is_school_day(world.district, D(2026, 8, 31))  # before the first day
    assert add_school_days(world.district, D(2026, 8, 20), 1) == D(2026, 9, 2)
    assert is_business_day(world.district, D(2026, 8, 31))
    # After the last instructional day the rest of June is not school days; July 2027 has no
    # recorded year, so plain weekdays resume.
    assert add_school_days(world.district, D(2027, 6, 15), 2) == D(2027, 7, 1)


def test_counting_runs_into_the_next_recorded_year(world):
    SchoolYearFactory(
        district=world.district,
        label="2027-28",
        first_instructional_day=D(2027, 9, 1),
        last_instructional_day=D(2028, 6, 14),
    )
    assert add_school_days(world.district, D(2027, 6, 15), 2) == D(2027, 9, 1)
    assert school_days_between(world.district, D(2027, 6, 15), D(2027, 9, 1)) == 2


def test_another_districts_calendar_does_not_apply(calendar, world):
    assert add_school_days(world.other_district, D(2026, 12, 18), 1) == D(2026, 12, 21)


def test_instructional_days_of_a_year(calendar, world):
    plain = schooldays.calendar_for(None)  # weekdays
    weekdays = plain.school_days_between(D(2026, 9, 1), D(2027, 6, 16))
    # Thanksgiving 2, winter break 10 weekdays, professional day 1.
    assert schooldays.instructional_days(world.year) == weekdays - 13


def test_negative_or_huge_counts_are_refused(world):
    with pytest.raises(ValueError):
        add_school_days(world.district, D(2026, 9, 2), -1)
    with pytest.raises(ValueError):
        add_business_days(world.district, D(2026, 9, 2), 100_000)
    with pytest.raises(ValueError):
        school_days_between(world.district, D(2026, 9, 2), D(2026, 9, 1))


# One query per call -------------------------------------------------------------------------
def test_one_query_per_call(calendar, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        add_school_days(world.district, D(2026, 12, 18), 30)
    with django_assert_num_queries(1):
        school_days_between(world.district, D(2026, 9, 1), D(2027, 6, 30))
    loaded = calendar_for(world.district)
    with django_assert_num_queries(0):
        for n in range(50):
            loaded.add_business_days(D(2026, 12, 1), n)
    with django_assert_num_queries(0):
        add_school_days(None, D(2026, 12, 18), 3)


# Validation ---------------------------------------------------------------------------------
def test_a_day_outside_the_year_is_refused(world):
    with pytest.raises(ValidationError) as error:
        day_off(world.year, D(2027, 7, 1))
    assert "first_day" in error.value.message_dict
    assert "outside the 2026-27 school year" in error.value.message_dict["first_day"][0]


def test_last_before_first_is_refused(world):
    with pytest.raises(ValidationError) as error:
        day_off(world.year, D(2026, 12, 31), D(2026, 12, 21))
    assert "last_day" in error.value.message_dict


def test_an_overlap_is_refused(calendar, world):
    with pytest.raises(ValidationError) as error:
        day_off(world.year, D(2026, 12, 31), D(2027, 1, 4))
    assert "overlap Winter break" in error.value.message_dict["first_day"][0]


# copy_calendar (the rollover) ---------------------------------------------------------------
def test_copy_calendar_shifts_by_52_weeks_and_runs_once(calendar, world):
    next_year = SchoolYear.objects.create(
        district=world.district,
        label="2027-28",
        first_instructional_day=D(2027, 9, 1),
        last_instructional_day=D(2028, 6, 14),
    )
    assert copy_calendar(world.year, next_year, by=world.admin) == 4
    copied = {d.name: d for d in NonInstructionalDay.objects.filter(school_year=next_year)}
    thanksgiving = copied["Thanksgiving"]
    assert thanksgiving.first_day == D(2027, 11, 25)
    assert thanksgiving.first_day.weekday() == 3  # still a Thursday
    assert copied["Winter break"].last_day == D(2027, 12, 31)
    assert copied["Winter break"].office_closed is True
    assert thanksgiving.history.first().history_user == world.admin
    assert copy_calendar(world.year, next_year, by=world.admin) == 0  # nothing twice


def test_copy_calendar_skips_days_outside_the_new_year(world):
    day_off(world.year, D(2026, 7, 1), D(2026, 7, 3), name="Early July")
    next_year = SchoolYearFactory(
        district=world.district,
        label="2027-28",
        first_instructional_day=D(2027, 9, 1),
        last_instructional_day=D(2028, 6, 14),
    )
    # 2026-07-01 + 364 days = 2027-06-30, outside 2027-28: only 1 July and 2 July remain.
    assert copy_calendar(world.year, next_year, by=world.admin) == 1
    entry = NonInstructionalDay.objects.get(school_year=next_year)
    assert (entry.first_day, entry.last_day) == (D(2027, 7, 1), D(2027, 7, 2))


# The deadlines that count days use the calendar ---------------------------------------------
def test_complaint_acknowledgement_skips_winter_break(calendar, world):
    from freezegun import freeze_time

    from tests.complaints.factories import complaint

    with freeze_time("2026-12-17 15:00:00", tz_offset=0):  # Thursday before winter break
        filed = complaint(world)
        other = complaint(world, school=world.other_school, district=world.other_district)
    # 5 school days: Friday 18 December, then 4, 5, 6 and 7 January.
    assert filed.acknowledge_due == D(2027, 1, 7)
    assert other.acknowledge_due == D(2026, 12, 24)  # no calendar recorded: weekdays


def test_restraint_written_notice_clock_skips_winter_break(calendar, world):
    from freezegun import freeze_time

    from incidents.clocks import restraint_clocks
    from incidents.services import restraint_report_create
    from tests.incidents.factories import ProviderFactory, StaffMemberFactory

    sro = StaffMemberFactory(
        district=world.district,
        employer=ProviderFactory(district=world.district, name="Cascade County Sheriff"),
        user=world.safety_staff,
    )
    with freeze_time("2026-12-18 16:00:00", tz_offset=0):
        report = restraint_report_create(
            district=world.district,
            school=world.school_a,
            data={
                "occurred_at": datetime.datetime(2026, 12, 18, 11, 0, tzinfo=datetime.UTC),
                "staff_member": sro,
                "staff_title": "Deputy",
                "leading_activity": "Student ran toward traffic",
                "kind": "restraint",
                "restraint_type": "Escort hold",
                "duration_minutes": 2,
            },
            by=world.safety_staff,
        )
    clocks = {c.key: c for c in restraint_clocks(report)}
    # The office is closed over winter break: 2 and 5 business days run from 4 January.
    assert clocks["report"].due_at.date() == D(2027, 1, 5)
    assert clocks["written"].due_at.date() == D(2027, 1, 8)
    # The verbal notice stays 24 hours, whatever the calendar.
    assert clocks["verbal"].due_at == report.occurred_at + datetime.timedelta(hours=24)


def test_the_notice_deadline_skips_winter_break(calendar, world):
    from notices.models import deadline_for

    world.district.notice_deadline_days = 110
    world.district.save()
    # Without days off: 2 September + 110 days = Monday 21 December, the first day of the break.
    assert schooldays.calendar_for(None).add_days_outside_breaks(D(2026, 9, 2), 110) == D(
        2026, 12, 21
    )
    # The professional day and Thanksgiving do not count (3 days), nor does the break: the
    # 110th day is Tuesday 5 January, after the break.
    assert deadline_for(world.year, world.district) == D(2027, 1, 5)
