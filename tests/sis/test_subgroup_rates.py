"""Rates per 1,000 by subgroup in the annual report, from the SIS roster's subgroup counts;
small counts suppressed in the public copy as every other figure."""

from __future__ import annotations

import io

import pytest

from reports.presentation import build_sections
from reports.public import public_report
from reports.selectors import annual_report
from sis.oneroster import import_roster
from tests.incidents.factories import CallFactory, StudentFactory
from tests.sis.oneroster_files import Student, roster_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_and_students(world):
    roster = [
        Student(f"s{i}", f"{1000 + i}", school="org-a", grade="10",
                sex="female" if i % 2 else "male", races=("asian",) if i < 20 else ("white",))
        for i in range(200)
    ]  # fmt: skip
    data = roster_zip(students=roster)
    assert import_roster(io.BytesIO(data), district=world.district, filename="r", by=None).ok
    call = CallFactory(school=world.school_a)
    for _n in range(30):
        StudentFactory(call=call, race_ethnicity="white", sex="male", grade="10")
    for _n in range(2):
        StudentFactory(call=call, race_ethnicity="asian", sex="female", grade="10")


def test_internal_report_has_rates_by_subgroup(world, roster_and_students):
    report = annual_report(district=world.district, school_year=world.year)
    race = report["subgroup_rates"]["race_ethnicity"]
    assert race["enrollment"]["white"] == 180 and race["enrollment"]["asian"] == 20
    assert race["students"]["white"] == 30 and race["students"]["asian"] == 2
    assert race["students_per_1000"]["white"] == "166.7"
    assert race["students_per_1000"]["asian"] == "100.0"
    assert race["students_per_1000"]["hispanic_latino"] is None
    assert report["subgroup_rates"]["grade_band"]["enrollment"]["9_12"] == 200
    assert report["subgroup_rates"]["disability"]["enrollment"]["not_given"] == 200
    keys = [t.key for s in build_sections(report) for t in s.tables]
    assert "rates_by_race_ethnicity" in keys


def test_public_report_suppresses_small_subgroups(world, roster_and_students):
    public = public_report(annual_report(district=world.district, school_year=world.year))
    race = public["subgroup_rates"]["race_ethnicity"]
    assert race["students"]["asian"] != 2
    assert race["students_per_1000"]["asian"] not in ("100.0", None)
    assert race["students"]["white"] != 30 or race["students_per_1000"]["white"] == "166.7"


def test_no_roster_no_subgroup_rates(world):
    assert annual_report(district=world.district, school_year=world.year)["subgroup_rates"] == {}
