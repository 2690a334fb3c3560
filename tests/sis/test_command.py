"""`manage.py import_roster --district CODE FILE.zip`."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sis.models import RosterImport, StudentRecord
from srp.models import Enrollment
from tests.sis.oneroster_files import Roster, Student, roster_zip

pytestmark = pytest.mark.django_db


def test_command_imports_and_prints_the_result(world, tmp_path, capsys):
    path = tmp_path / "roster.zip"
    path.write_bytes(roster_zip(students=[Student("s1", "1001"), Student("s2", "1002")]))
    call_command("import_roster", "--district", "99001", str(path))
    out = capsys.readouterr().out
    assert "Imported OneRoster 1.1 for 2026-27: 2 schools, 2 students" in out
    assert "Dropped unread: demographics.csv: cityOfBirth" in out
    assert Enrollment.objects.get(school=world.school_a, school_year=world.year).students == 2
    record = RosterImport.objects.get()
    assert record.uploaded_by is None and record.filename == "roster.zip"


def test_command_exits_non_zero_when_rejected(world, tmp_path, capsys):
    path = tmp_path / "roster.zip"
    path.write_bytes(roster_zip(roster=Roster(school_year="2031"), students=[Student("s1", "1")]))
    with pytest.raises(CommandError, match="Nothing was imported: 1 errors"):
        call_command("import_roster", "--district", "99001", str(path))
    err = capsys.readouterr().err
    assert "academicSessions.csv, schoolYear: School year 2030-31" in err
    assert not StudentRecord.objects.exists()


def test_command_refuses_unknown_district_and_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="No district"):
        call_command("import_roster", "--district", "nope", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="No file"):
        call_command("import_roster", "--district", "99001", str(tmp_path / "x.zip"))
