"""A call naming a student by district student number gets the demographics left blank from
the SIS roster; typed values win; a blank the roster cannot fill is refused."""

from __future__ import annotations

import datetime
import io

import pytest

from agreements.models import StaffMember
from incidents.forms import StudentForm
from incidents.models import StudentInvolved
from incidents.services import IncidentError, call_create, student_add
from sis.lookup import demographics_for
from sis.oneroster import import_roster
from tests.incidents.factories import StaffMemberFactory
from tests.sis.oneroster_files import Roster, Student, roster_zip

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)
BLANK = {"grade": "", "race_ethnicity": "", "sex": "", "disability": "", "english_learner": ""}


@pytest.fixture
def sro(world):
    return StaffMemberFactory(district=world.district)


@pytest.fixture
def sis_roster(world, sro):
    data = roster_zip(
        roster=Roster(version="1.2"),
        students=[
            Student("s1", "S-1001", grade="10", sex="male", races=("asian",),
                    disability="section_504", english_learner="yes"),
            Student("s2", "S-1002", grade="KG", sex="", races=()),
        ],
    )  # fmt: skip
    result = import_roster(io.BytesIO(data), district=world.district, filename="r.zip", by=None)
    assert result.ok


def student(**extra):
    return {
        "student_ref": "",
        "role": "subject",
        "grade": "9",
        "race_ethnicity": "hispanic_latino",
        "sex": "female",
        "disability": "idea",
        "english_learner": "no",
        "outcome": "no_action",
        "under_18": True,
        "force_used": False,
        "school_discipline": False,
        "discipline_decided_by": None,
        **extra,
    }


def make_call(world, students):
    return call_create(
        district=world.district,
        school=world.school_a,
        data={
            "occurred_at": NOW - datetime.timedelta(hours=2),
            "location": "Gym",
            "requested_by": "teacher",
            "reason": "fight",
            "emergency": False,
            "responding_staff": StaffMember.objects.get(district=world.district),
            "narrative": "",
            "outcome": "referred_to_school",
        },
        students=students,
        by=world.admin,
    )


def test_demographics_for(world, sis_roster):
    assert demographics_for(world.district, "S-1001") == {
        "grade": "10",
        "race_ethnicity": "asian",
        "sex": "male",
        "disability": "section_504",
        "english_learner": "yes",
    }
    assert demographics_for(world.district, " S-1002 ") == {"grade": "K"}
    assert demographics_for(world.district, "nope") == {}
    assert demographics_for(world.other_district, "S-1001") == {}
    assert demographics_for(world.district, "") == {}


def test_blank_demographics_are_filled_from_the_roster(world, sis_roster):
    call = make_call(world, [student(student_ref="S-1001", **BLANK)])
    row = StudentInvolved.objects.get(call=call)
    assert (row.grade, row.race_ethnicity, row.sex, row.disability, row.english_learner) == (
        "10",
        "asian",
        "male",
        "section_504",
        "yes",
    )


def test_typed_values_win(world, sis_roster):
    typed = student(student_ref="S-1001", grade="11", sex="", english_learner="no")
    call = make_call(world, [typed])
    row = StudentInvolved.objects.get(call=call)
    assert (row.grade, row.race_ethnicity, row.sex, row.disability, row.english_learner) == (
        "11",
        "hispanic_latino",
        "male",
        "idea",
        "no",
    )


def test_student_added_later_is_filled_too(world, sis_roster):
    call = make_call(world, [])
    record = student_add(
        call=call, data=student(student_ref="S-1001", race_ethnicity="", sex=""), by=world.admin
    )
    assert (record.race_ethnicity, record.sex, record.grade) == ("asian", "male", "9")


def test_a_blank_the_roster_cannot_fill_is_refused(world, sis_roster):
    with pytest.raises(IncidentError) as error:
        make_call(world, [student(student_ref="S-1002", **BLANK)])
    assert set(error.value.field_errors) == {
        "race_ethnicity",
        "sex",
        "disability",
        "english_learner",
    }
    with pytest.raises(IncidentError):
        make_call(world, [student(student_ref="unknown", sex="")])
    assert not StudentInvolved.objects.exists()


def test_reimport_never_changes_a_recorded_call(world, sis_roster):
    call = make_call(world, [student(student_ref="S-1001", **BLANK)])
    data = roster_zip(students=[Student("s1", "S-1001", grade="11", sex="female")])
    assert import_roster(io.BytesIO(data), district=world.district, filename="b.zip", by=None).ok
    assert demographics_for(world.district, "S-1001")["grade"] == "11"
    row = StudentInvolved.objects.get(call=call)
    assert (row.grade, row.sex) == ("10", "male")


def test_form_accepts_blanks_with_a_student_number_only(world):
    base = {"role": "subject", "outcome": "no_action", "under_18": "on"}
    form = StudentForm({**base, "student_ref": "S-1001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["race_ethnicity"] == ""
    form = StudentForm({**base, "student_ref": ""})
    assert not form.is_valid()
    assert set(form.errors) >= {"grade", "race_ethnicity", "sex", "disability", "english_learner"}


def test_correction_form_keeps_every_field_required(world, sis_roster):
    from incidents.forms import StudentCorrectForm

    call = make_call(world, [student(student_ref="S-1001")])
    row = StudentInvolved.objects.get(call=call)
    form = StudentCorrectForm(
        {"role": "subject", "outcome": "no_action", "student_ref": "S-1001", "reason": "typo"},
        instance=row,
    )
    assert not form.is_valid()
    assert "grade" in form.errors
