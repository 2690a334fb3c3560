"""R-21: the state data package and its CRDC-style table, against counts computed here."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from incidents.models import Call, StudentInvolved
from reports.packages import CRDC_DISABILITY, state_package
from tests.reports import dataset
from tests.reports.dataset import at


@pytest.fixture
def known(world):
    known = dataset.build(world, calls=30)
    # Two arrests of the same numbered student, and one unnumbered citation.
    call = Call.objects.create(
        district=world.district,
        school=world.school_a,
        call_ref="ARR-1",
        occurred_at=at(dataset.YEAR_DAY),
        requested_by="dispatch",
        reason="weapon",
        outcome="arrest",
        narrative="A knife was found.",
        responding_staff=Call.objects.filter(district=world.district).first().responding_staff,
    )
    for outcome, ref in (("arrest", "S-1"), ("arrest", "S-1"), ("citation", "")):
        StudentInvolved.objects.create(
            call=call,
            student_ref=ref,
            grade="11",
            race_ethnicity="black_african_american",
            sex="male",
            disability="idea",
            english_learner="yes",
            outcome=outcome,
        )
    return known


def test_package_contents(world, known):
    package = state_package(district=world.district, school_year=known.year)
    staff = {s["code"]: s for s in package["staff"]}
    for code, (count, _days) in known.staff.items():
        assert staff[code]["staff"] == count
    assert {p["name"]: p["agreements_adopted"] for p in package["providers"]} == {
        "Cascade County Sheriff": 1,
        "Northwest Security": 0,
    }
    assert package["complaints"] == len(known.complaints)
    knife = [i for i in package["incidents"] if i["reference"] == "ARR-1"]
    assert len(knife) == 3
    assert all(i["student"]["iep"] and not i["student"]["section_504"] for i in knife)
    assert "A knife was found." in knife[0]["description"]
    # Every incident is a call ending in arrest, discipline, force or a student's arrest.
    references = {i["reference"] for i in package["incidents"] if i["kind"] == "call"}
    expected = set(
        Call.objects.recorded()
        .in_school_year(known.year)
        .incidents()
        .values_list("call_ref", flat=True)
    )
    assert references == expected


def test_crdc_table_counts_instances_and_students(world, known):
    rows = state_package(district=world.district, school_year=known.year)["crdc"]["rows"]
    referral = {"citation", "arrest", "juvenile_referral"}
    students = [s for s in known.students if s["outcome"] in referral]
    extra = [("arrest", "S-1"), ("arrest", "S-1"), ("citation", "")]
    for group, label in CRDC_DISABILITY.items():
        all_row = next(r for r in rows if r["disability"] == label and r["group"] == "All students")
        dataset_rows = [s for s in students if s["disability"] == group]
        # Dataset students have no student number: each row is one student.
        expected_instances = len(dataset_rows) + (3 if group == "idea" else 0)
        assert all_row["referral_instances"] == expected_instances
        expected_students = len(dataset_rows) + (2 if group == "idea" else 0)  # S-1 once + ""
        assert all_row["referral_students"] == expected_students
        arrests = sum(s["outcome"] == "arrest" for s in dataset_rows)
        assert all_row["arrest_instances"] == arrests + (2 if group == "idea" else 0)
        assert all_row["arrest_students"] == arrests + (1 if group == "idea" else 0)
    assert extra  # documented above
    black_idea = next(
        r for r in rows if r["disability"] == "idea" and r["group"] == "Black or African American"
    )
    expected = sum(
        s["disability"] == "idea" and s["race_ethnicity"] == "black_african_american"
        for s in students
    )
    assert black_idea["referral_instances"] == expected + 3


def test_downloads_are_for_the_program_admin_only(client, client_for, world, known):
    pdf = reverse("reports:state_package_pdf", kwargs={"label": dataset.YEAR})
    csv = reverse("reports:state_package_csv", kwargs={"label": dataset.YEAR})
    admin = client_for(world.admin)
    assert admin.get(pdf).content.startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(admin.get(csv).content))
    assert "05-crdc-referrals-and-arrests.csv" in archive.namelist()
    incidents = archive.read("03-incidents.csv").decode("utf-8-sig")
    assert "iep" in incidents.splitlines()[0]
    header = incidents.splitlines()[0].lower()
    for forbidden in ("citizenship", "immigration", "visa", "birth"):
        assert forbidden not in header
    for user in (world.board, world.principal_a, world.teacher_a):
        assert client_for(user).get(pdf).status_code == 403
    assert client_for(world.outsider).get(pdf).status_code == 404
    assert client.get(pdf).status_code == 302


def test_hostile_text_is_neutralised_in_csv(client_for, world, known):
    world.school_a.name = '=HYPERLINK("http://evil.example","x")'
    world.school_a.save()
    csv = reverse("reports:state_package_csv", kwargs={"label": dataset.YEAR})
    archive = zipfile.ZipFile(io.BytesIO(client_for(world.admin).get(csv).content))
    staff = archive.read("01-staff-by-building.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in staff
    report_zip = reverse("reports:csv", kwargs={"label": dataset.YEAR})
    archive = zipfile.ZipFile(io.BytesIO(client_for(world.admin).get(report_zip).content))
    staff = next(n for n in archive.namelist() if n.endswith("staff_by_school.csv"))
    assert "'=HYPERLINK" in archive.read(staff).decode("utf-8-sig")
