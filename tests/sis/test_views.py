"""The roster import pages: program administrators of the district only; the upload answers
the progress script with JSON; the result lists errors by file, row and column."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sis.models import RosterImport, StudentRecord
from srp.models import Enrollment
from tests.sis.oneroster_files import BIRTH_CITY, Roster, Student, roster_zip

pytestmark = pytest.mark.django_db

UPLOAD = reverse("sis:import_upload")
LIST = reverse("sis:import_list")
STUDENTS = [Student("s1", "1001"), Student("s2", "1002", school="org-b")]


def upload(client, data: bytes, name: str = "roster.zip", **headers):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)}, headers=headers)


def test_admin_imports_a_roster(world, client_for):
    client = client_for(world.admin)
    response = upload(client, roster_zip(roster=Roster(version="1.2"), students=STUDENTS))
    record = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sis:import_detail", args=[record.pk])
    assert record.status == "imported" and record.uploaded_by == world.admin
    assert Enrollment.objects.get(school=world.school_b, school_year=world.year).students == 1
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "2 students at 2 schools" in body
    assert "demographics.csv: cityOfBirth" in body
    assert BIRTH_CITY not in body


def test_progress_script_gets_json(world, client_for):
    client = client_for(world.admin)
    response = upload(client, roster_zip(students=STUDENTS), **{"X-Requested-With": "fetch"})
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True
    assert data["redirect"] == reverse("sis:import_detail", args=[RosterImport.objects.get().pk])
    response = upload(client, b"not a zip", name="roster.txt", **{"X-Requested-With": "fetch"})
    assert response.status_code == 400
    assert response.json()["errors"] == ["Choose the .zip file of the OneRoster export."]


def test_rejected_file_lists_errors_by_file_row_and_column(world, client_for):
    client = client_for(world.admin)
    data = roster_zip(roster=Roster(schools={"org-a": "3401", "org-x": "7777"}), students=STUDENTS)
    response = upload(client, data)
    assert response.status_code == 302
    record = RosterImport.objects.get()
    assert record.status == "rejected"
    assert not StudentRecord.objects.exists()
    body = client.get(response["Location"]).content.decode()
    assert "Nothing was imported." in body
    assert "<code>orgs.csv</code></td><td>4</td><td><code>identifier</code>" in body
    assert "7777" in body


def test_bad_upload_is_refused_with_a_message(world, client_for):
    client = client_for(world.admin)
    response = upload(client, b"a,b\n", name="roster.csv")
    assert response.status_code == 200
    assert "Choose the .zip file of the OneRoster export." in response.content.decode()
    assert not RosterImport.objects.exists()
    response = client.post(UPLOAD, {})
    assert response.status_code == 200
    assert not RosterImport.objects.exists()


def test_not_a_zip_named_zip_is_rejected(world, client_for):
    response = upload(client_for(world.admin), b"PK\x03\x04garbage", name="roster.zip")
    assert response.status_code == 302
    assert RosterImport.objects.get().errors[0]["message"].startswith("The file is not a zip")


@pytest.mark.parametrize(
    "persona",
    ["principal_a", "teacher_a", "safety_staff", "investigator", "liaison", "board", "nobody"],
)
def test_other_roles_get_403(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(UPLOAD).status_code == 403
    assert client.get(LIST).status_code == 403
    assert upload(client, roster_zip(students=STUDENTS)).status_code == 403
    assert not RosterImport.objects.exists()


def test_other_district_gets_404_and_its_own_list(world, client_for):
    upload(client_for(world.admin), roster_zip(students=STUDENTS))
    record = RosterImport.objects.get()
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("sis:import_detail", args=[record.pk])).status_code == 404
    assert record.filename not in outsider.get(LIST).content.decode()
    assert outsider.get(reverse("sis:import_detail", args=[999999])).status_code == 404


def test_anonymous_goes_to_sign_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    client = client_for(world.admin)
    for n in range(3):
        upload(client, roster_zip(students=STUDENTS), name=f"roster-{n}.zip")
    upload(client, b"PK", name="bad.zip")
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    body = response.content.decode()
    assert all(f"roster-{n}.zip" in body for n in range(3)) and "bad.zip" in body
    with django_assert_max_num_queries(12):
        assert client.get(UPLOAD).status_code == 200


def test_nav_shows_the_import_to_the_admin_only(world, client_for):
    dashboard = reverse("srp:dashboard")
    assert UPLOAD in client_for(world.admin).get(dashboard).content.decode()
    assert UPLOAD not in client_for(world.principal_a).get(dashboard).content.decode()
