"""Bulk CSV import of the safety and security staff roster (issue #14, item 2): roster entries by
badge number, their assignments of a school year, invitations; all-or-nothing, every error with
its row and column."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.imports import StaffImporter
from agreements.models import StaffAssignment, StaffMember
from agreements.selectors import safety_staff_school_ids
from srp.csv_import import run_import
from srp.models import BulkImport, Membership, OutboundEmail, SchoolYear
from srp.roles import Role
from tests.agreements.factories import (
    ProviderFactory,
    StaffAssignmentFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "badge_number,first_name,last_name,kind,commissioned,employer,email,active_from,"
    "school_year,schools,invite\n"
)


@pytest.fixture
def police(world):
    return ProviderFactory(district=world.district, name="Cascade Police Department")


def import_staff(world, data: str, **kw):  # noqa: ANN001, ANN201
    importer = StaffImporter(district=world.district, by=world.admin)
    record, _report = run_import(importer, io.BytesIO(data.encode()), filename="staff.csv", **kw)
    return record


def counts() -> tuple[int, int, int, int]:
    return (
        StaffMember.objects.count(),
        StaffAssignment.objects.count(),
        Membership.objects.count(),
        OutboundEmail.objects.count(),
    )


def post(client, data: str, action: str = "import"):  # noqa: ANN001, ANN201
    return client.post(
        reverse("agreements:staff_import"),
        {"file": SimpleUploadedFile("staff.csv", data.encode()), "action": action},
    )


def test_roster_file_creates_entries_with_assignments(world, client_for, police):
    data = HEADER + (
        "SPD-1,Jordan,Reyes,sro,,Cascade Police Department,j.reyes@a.example.org,2026-08-15,"
        "2026-27,3401 2.5; 3201 2.5,no\n"
        "SEC-7,Kim,Ng,school_security_officer,no,,,2026-08-20,,3401:5,\n"
    )
    response = post(client_for(world.admin), data)
    record = BulkImport.objects.get()
    assert response.status_code == 302
    assert record.status == "imported", record.errors
    assert record.kind == "staff" and (record.created_count, record.updated_count) == (2, 0)
    sro = StaffMember.objects.get(badge_number="SPD-1")
    assert sro.commissioned and sro.employer == police and sro.district == world.district
    assert sro.history.first().history_user == world.admin
    days = dict(sro.assignments.values_list("school__building_code", "days_per_week"))
    assert days == {"3401": Decimal("2.5"), "3201": Decimal("2.5")}
    guard = StaffMember.objects.get(badge_number="SEC-7")
    assert guard.employer is None and not guard.commissioned
    # No year column: the current year.
    assert guard.assignments.get().school_year == world.year


def test_known_badge_updates_the_entry_and_its_assignments(world, police):
    staff = StaffMemberFactory(district=world.district, badge_number="SEC-7", first_name="Kim")
    StaffAssignmentFactory(
        staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=3
    )
    record = import_staff(
        world,
        "badge_number,first_name,last_name,kind,schools\n"
        f"SEC-7,Kimberly,{staff.last_name},school_security_officer,3401 2; 3201 3\n",
    )
    assert (record.created_count, record.updated_count) == (0, 1), record.errors
    staff.refresh_from_db()
    assert staff.first_name == "Kimberly"
    # Columns left out keep their values.
    assert staff.active_from == datetime.date(2026, 8, 1)
    days = dict(staff.assignments.values_list("school__building_code", "days_per_week"))
    assert days == {"3401": Decimal("2"), "3201": Decimal("3")}


def test_a_reimport_changes_nothing(world, police):
    data = HEADER + "SEC-7,Kim,Ng,other,,,,2026-08-20,,3401 1,\n"
    import_staff(world, data)
    record = import_staff(world, data)
    assert (record.created_count, record.updated_count, record.unchanged_count) == (0, 0, 1)
    assert StaffMember.objects.get().history.count() == 1


def test_invite_gives_an_account_that_works_at_the_assigned_schools(world, client_for, police):
    data = HEADER + (
        "SPD-9,Ada,Park,sro,yes,cascade police department,ada.park@a.example.org,2026-08-15,"
        ",3201 5,yes\n"
    )
    record = import_staff(world, data)
    assert record.status == "imported", record.errors
    assert record.notes == ["1 person was emailed a link to sign in."]
    staff = StaffMember.objects.get(badge_number="SPD-9")
    assert staff.user is not None and staff.user.email == "ada.park@a.example.org"
    assert Membership.objects.filter(
        user=staff.user, district=world.district, role=Role.SAFETY_STAFF
    ).exists()
    assert OutboundEmail.objects.filter(to__icontains="ada.park@a.example.org").exists()
    # Their schools come from the assignment: they may log a call at Birch today.
    assert set(safety_staff_school_ids(staff.user, world.district)) == {world.school_b.pk}
    # Importing the same file again invites nobody twice.
    again = import_staff(world, data)
    assert again.notes == [] and again.unchanged_count == 1


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("SPD-1,A,B,sro,,,,2026-08-15,,,", "employer", "employed by a police department"),
        (
            "SPD-1,A,B,sro,no,Cascade Police Department,,2026-08-15,,,",
            "commissioned",
            "commissioned",
        ),
        ("SPD-1,A,B,sro,,Nowhere PD,,2026-08-15,,,", "employer", "No provider of this district"),
        ("SPD-1,A,B,ninja,,,,2026-08-15,,,", "kind", "Unknown value “ninja”"),
        ("SPD-1,A,B,other,,,,15/08/2026,,,", "active_from", "is not a date like"),
        ("SPD-1,A,B,other,,,,0001-01-01,,,", "active_from", "between"),
        ("SPD-1,A,B,other,,,,,,,", "active_from", "The first day on the roster is missing"),
        ("SPD-1,A,B,other,,,bad-email,2026-08-15,,,", "email", "is not an email address"),
        ("SPD-1,A,B,other,,,,2026-08-15,,,yes", "email", "needed to invite"),
        ("SPD-1,A,B,other,,,,2026-08-15,,9999 2,", "schools", "building code “9999”"),
        ("SPD-1,A,B,other,,,,2026-08-15,,4101 2,", "schools", "building code “4101”"),
        ("SPD-1,A,B,other,,,,2026-08-15,,3401,", "schools", "like 3401 2.5"),
        ("SPD-1,A,B,other,,,,2026-08-15,,3401 0,", "schools", "from 0.5 to 5"),
        ("SPD-1,A,B,other,,,,2026-08-15,,3401 3; 3201 3,", "schools", "the most is 5"),
        ("SPD-1,A,B,other,,,,2026-08-15,,3401 1; 3401 2,", "schools", "named twice"),
        ("SPD-1,A,B,other,,,,2026-08-15,2031-32,3401 1,", "school_year", "No school year"),
        ("SPD-1,A,B,other,,,,2026-08-15,2025-26,3401 1,", "school_year", "is over"),
        ("SPD-1,=cmd|' /C calc'!A0,B,other,maybe,,,2026-08-15,,,", "commissioned", "yes or no"),
    ],
)
def test_bad_rows_are_refused_and_nothing_written(world, client_for, police, line, column, message):
    SchoolYear.objects.create(
        district=world.district,
        label="2025-26",
        first_instructional_day=datetime.date(2025, 9, 3),
        last_instructional_day=datetime.date(2026, 6, 15),
    )
    before = counts()
    data = HEADER + "GOOD-1,Good,Row,other,,,,2026-08-15,,3201 1,\n" + line + "\n"
    post(client_for(world.admin), data)
    record = BulkImport.objects.get()
    assert record.status == "rejected"
    assert counts() == before
    assert (record.errors[0]["row"], record.errors[0]["column"]) == (3, column), record.errors
    assert message in record.errors[0]["message"]


def test_duplicate_badge_in_the_file_is_an_error(world):
    record = import_staff(
        world,
        HEADER + "B-1,A,B,other,,,,2026-08-15,,,\nB-1,C,D,other,,,,2026-08-15,,,\n",
    )
    assert record.status == "rejected"
    assert [(e["row"], e["column"]) for e in record.errors] == [(3, "badge_number")]
    assert not StaffMember.objects.exists()


def test_days_already_at_other_schools_count_towards_five(world):
    staff = StaffMemberFactory(district=world.district, badge_number="B-1")
    StaffAssignmentFactory(
        staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=4
    )
    record = import_staff(
        world, "badge_number,first_name,last_name,kind,schools\nB-1,A,B,other,3201 2\n"
    )
    assert record.status == "rejected"
    assert "the most is 5" in record.errors[0]["message"]
    assert staff.assignments.count() == 1


def test_wrong_header_names_the_columns(world):
    record = import_staff(world, "badge,first_name,last_name,kind\nB-1,A,B,other\n")
    columns = {e["column"] for e in record.errors}
    assert {"badge", "badge_number"} <= columns
    assert not StaffMember.objects.exists()


def test_a_service_refusal_rolls_back_every_row(world, monkeypatch):
    from agreements import imports
    from agreements.services import AgreementError

    real = imports.staff_assignment_save
    calls = {"n": 0}

    def refuse_second(**kwargs):  # noqa: ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 2:
            raise AgreementError("Refused for the test.", field="days_per_week")
        return real(**kwargs)

    monkeypatch.setattr(imports, "staff_assignment_save", refuse_second)
    before = counts()
    record = import_staff(
        world,
        HEADER + "B-1,A,B,other,,,,2026-08-15,,3401 1,\nB-2,C,D,other,,,,2026-08-15,,3201 1,\n",
    )
    assert record.status == "rejected"
    assert record.errors == [{"row": 3, "column": "schools", "message": "Refused for the test."}]
    assert counts() == before


def test_formula_cells_are_text_and_the_roster_export_neutralises_them(world, client_for):
    record = import_staff(
        world, HEADER + "B-1,=cmd|' /C calc'!A0,@SUM(A1),other,,,,2026-08-15,,,\n"
    )
    assert record.status == "imported", record.errors
    staff = StaffMember.objects.get()
    assert staff.first_name == "=cmd|' /C calc'!A0"
    response = client_for(world.admin).get(reverse("agreements:staff_list") + "?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in body and "'@SUM(A1)" in body


def test_non_utf8_file_is_refused(world, client_for):
    response = client_for(world.admin).post(
        reverse("agreements:staff_import"),
        {
            "file": SimpleUploadedFile(
                "s.csv", (HEADER + "B-1,Zoë,B,other,,,,2026-08-15,,,\n").encode("cp1252")
            )
        },
    )
    record = BulkImport.objects.get()
    assert response.status_code == 302 and record.status == "rejected"
    assert record.errors[0]["row"] == 2 and "not UTF-8" in record.errors[0]["message"]
    assert not StaffMember.objects.exists()


def test_template_imports_as_it_is(world, client_for, police):
    police.name = "Springfield Police Department"
    police.save()
    response = client_for(world.admin).get(reverse("agreements:staff_import_template"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    record = import_staff(world, body)
    assert record.status == "imported", record.errors


@pytest.mark.parametrize(
    "persona", ["principal_a", "teacher_a", "safety_staff", "investigator", "liaison", "board"]
)
def test_only_program_administrators_import_staff(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("agreements:staff_import")).status_code == 403
    assert client.get(reverse("agreements:staff_import_template")).status_code == 403
    response = post(client, HEADER + "B-1,A,B,other,,,,2026-08-15,,,\n")
    assert response.status_code == 403
    assert not StaffMember.objects.exists() and not BulkImport.objects.exists()


def test_the_outsider_imports_into_their_own_district(world, client_for):
    post(client_for(world.outsider), HEADER + "B-1,A,B,other,,,,2026-08-15,,4101 2,\n")
    record = BulkImport.objects.get()
    assert record.district == world.other_district and record.status == "imported", record.errors
    assert StaffMember.objects.get().district == world.other_district
    # Their import is not ours to see.
    assert (
        client_for(world.admin).get(reverse("srp:import_detail", args=[record.pk])).status_code
        == 404
    )


def test_upload_page_and_staff_list_link(world, client_for, django_assert_max_num_queries):
    client = client_for(world.admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("agreements:staff_import")).content.decode()
    assert "<code>badge_number</code>" in page and "srp/import.js" in page
    roster = client.get(reverse("agreements:staff_list")).content.decode()
    assert reverse("agreements:staff_import") in roster
    principal = client_for(world.principal_a).get(reverse("agreements:staff_list"))
    assert reverse("agreements:staff_import") not in principal.content.decode()
