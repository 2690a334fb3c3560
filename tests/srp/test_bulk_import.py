"""Bulk CSV import of schools and people (issue #14, item 2): all-or-nothing, every error with
its row and column, an audit record of every file, program administrators of the district only."""

from __future__ import annotations

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from srp.csv_import import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, run_import
from srp.imports import PeopleImporter, SchoolImporter
from srp.models import BulkImport, Membership, OutboundEmail, School, User
from srp.roles import Role

pytestmark = pytest.mark.django_db

SCHOOL_HEADER = "building_code,name,level,grade_span,address,phone,active\n"
PEOPLE_HEADER = "email,first_name,last_name,role,schools,title\n"


def upload(name: str, data: bytes | str) -> SimpleUploadedFile:
    if isinstance(data, str):
        data = data.encode()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post(client, url_name: str, data: bytes | str, *, action: str = "import", name="f.csv"):  # noqa: ANN001, ANN201
    return client.post(reverse(url_name), {"file": upload(name, data), "action": action})


def last_import() -> BulkImport:
    return BulkImport.objects.order_by("-pk").first()


def counts() -> tuple[int, int, int]:
    return School.objects.count(), Membership.objects.count(), User.objects.count()


def import_schools(world, data: bytes | str, **kw) -> tuple[BulkImport, object]:  # noqa: ANN001
    importer = SchoolImporter(district=world.district, by=world.admin)
    raw = data.encode() if isinstance(data, str) else data
    return run_import(importer, io.BytesIO(raw), filename="schools.csv", **kw)


def csv_cell(value: str) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([value])
    return out.getvalue().strip()


def error_cells(record: BulkImport) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in record.errors}


# Schools ----------------------------------------------------------------------------------------
def test_schools_file_creates_and_updates_by_building_code_with_history(world, client_for):
    data = SCHOOL_HEADER + (
        "3401,Alder High School,high,9-12,1 Alder Way,555-0101,yes\n"
        "5001,Cedar Elementary,elementary,K-5,,,\n"
        '5002,Dogwood K-8,K-8,K-8,"2 Dogwood Rd\nSuite 1",555-0102,no\n'
    )
    response = post(client_for(world.admin), "srp:school_import", data)
    record = last_import()
    assert response.status_code == 302
    assert response["Location"] == reverse("srp:import_detail", args=[record.pk])
    assert record.status == BulkImport.Status.IMPORTED
    assert (record.rows, record.created_count, record.updated_count) == (3, 2, 1)
    assert record.kind == "schools" and record.uploaded_by == world.admin
    assert len(record.checksum) == 64 and record.size_bytes == len(data.encode())
    world.school_a.refresh_from_db()
    assert world.school_a.name == "Alder High School"
    assert world.school_a.address == "1 Alder Way"
    # The change is in the school's history, with who made it.
    latest = world.school_a.history.first()
    assert latest.history_user == world.admin and latest.history_type == "~"
    assert world.school_a.history.count() == 2
    dogwood = School.objects.get(district=world.district, building_code="5002")
    assert (dogwood.level, dogwood.active, dogwood.address) == (
        "k8",
        False,
        "2 Dogwood Rd\nSuite 1",
    )
    assert dogwood.history.get().history_user == world.admin
    # The result page says what happened.
    page = client_for(world.admin).get(response["Location"]).content.decode()
    assert "2 added, 1 updated, 0 already as the file has them" in page


def test_optional_columns_left_out_keep_their_values(world):
    world.school_a.phone = "555-9999"
    world.school_a.save()
    record, _report = import_schools(
        world, "building_code,name,level,grade_span\n3401,Alder High,high,9-12\n"
    )
    assert record.status == "imported"
    world.school_a.refresh_from_db()
    assert world.school_a.phone == "555-9999"
    assert record.updated_count == 0  # nothing differed


def test_a_reimport_of_the_same_file_changes_nothing(world):
    data = SCHOOL_HEADER + "5001,Cedar Elementary,elementary,K-5,,,yes\n"
    import_schools(world, data)
    record, _report = import_schools(world, data)
    assert (record.created_count, record.updated_count, record.unchanged_count) == (0, 0, 1)
    assert School.objects.get(building_code="5001").history.count() == 1


def test_duplicate_building_code_in_the_file_rejects_everything(world, client_for):
    before = counts()
    data = SCHOOL_HEADER + (
        "5001,Cedar Elementary,elementary,K-5,,,\n"
        "5002,Dogwood,middle,6-8,,,\n"
        "5001,Cedar Again,elementary,K-5,,,\n"
    )
    post(client_for(world.admin), "srp:school_import", data)
    record = last_import()
    assert record.status == BulkImport.Status.REJECTED
    assert counts() == before
    assert record.errors == [
        {
            "row": 4,
            "column": "building_code",
            "message": "Building code “5001” is also in row 2; a school has one row.",
        }
    ]


def test_check_only_writes_nothing_and_says_the_file_is_clean(world, client_for):
    before = counts()
    response = post(
        client_for(world.admin),
        "srp:school_import",
        SCHOOL_HEADER + "5001,Cedar,elementary,K-5,,,\n",
        action="check",
    )
    record = last_import()
    assert record.status == BulkImport.Status.CHECKED and record.rows == 1
    assert counts() == before
    page = client_for(world.admin).get(response["Location"]).content.decode()
    assert "have no errors. Nothing was imported yet." in page or "has no errors" in page


@pytest.mark.parametrize(
    ("data", "row", "column", "message"),
    [
        (
            "building_code,name,level\n5001,Cedar,high\n",
            1,
            "grade_span",
            "Column “grade_span” is missing.",
        ),
        (
            SCHOOL_HEADER.strip() + ",principal\n5001,Cedar,high,9-12,,,,x\n",
            1,
            "principal",
            "is not one of this file's columns",
        ),
        (
            "building_code,name,name,level,grade_span\n5001,A,B,high,9-12\n",
            1,
            "name",
            "Column “name” appears twice.",
        ),
        (SCHOOL_HEADER + "5001,Cedar,castle,K-5,,,\n", 2, "level", "Unknown value “castle”"),
        (SCHOOL_HEADER + "50 01,Cedar,high,K-5,,,\n", 2, "building_code", "is not a building"),
        (SCHOOL_HEADER + "5001,,high,K-5,,,\n", 2, "name", "This value is missing."),
        (SCHOOL_HEADER + "5001,Cedar,high,K-5,,,maybe\n", 2, "active", "is not yes or no"),
        (SCHOOL_HEADER + "5001,Cedar,high,K-5\n", 2, "", "This row has 4 cells; the header has 7."),
        (SCHOOL_HEADER + "5001," + "x" * 201 + ",high,K-5,,,\n", 2, "name", "at most 200"),
        (SCHOOL_HEADER + "5001,Ce\x1bdar,high,K-5,,,\n", 2, "name", "control character"),
        (SCHOOL_HEADER + '5001,"Cedar"x,high,K-5,,,\n', 0, "", "not a readable CSV file"),
        (SCHOOL_HEADER + '5001,"Cedar,high,K-5,,,\n', 0, "", "not a readable CSV file"),
        ("\n \n", 1, "", "The file is empty"),
        (SCHOOL_HEADER, 2, "", "The file has a header but no rows."),
        (SCHOOL_HEADER + "5001,Ce\x00dar,high,K-5,,,\n", 2, "", "NUL character"),
    ],
)
def test_bad_files_are_refused_with_row_column_and_nothing_written(
    world, client_for, data, row, column, message
):
    before = counts()
    response = post(client_for(world.admin), "srp:school_import", data)
    record = last_import()
    assert record.status == BulkImport.Status.REJECTED
    assert counts() == before
    first = record.errors[0]
    assert (first["row"], first["column"]) == (row, column)
    assert message in first["message"]
    page = client_for(world.admin).get(response["Location"]).content.decode()
    assert "Nothing was imported." in page


def test_one_bad_row_among_good_ones_writes_none(world):
    before = counts()
    rows = "".join(f"{6000 + n},School {n},high,9-12,,,\n" for n in range(50))
    record, _report = import_schools(world, SCHOOL_HEADER + rows + "7000,Bad,castle,9-12,,,\n")
    assert record.status == "rejected" and record.rows == 51
    assert counts() == before
    assert error_cells(record) == {(52, "level")}


def test_non_utf8_and_utf16_files_are_refused_with_a_clear_message(world):
    latin1 = (SCHOOL_HEADER + "5001,Écoles,high,K-5,,,\n").encode("latin-1")
    record, _r = import_schools(world, latin1)
    assert record.errors[0]["row"] == 2 and "not UTF-8" in record.errors[0]["message"]
    utf16 = (SCHOOL_HEADER + "5001,Cedar,high,K-5,,,\n").encode("utf-16")
    record, _r = import_schools(world, utf16)
    assert "UTF-16" in record.errors[0]["message"]
    assert not School.objects.filter(building_code="5001").exists()


def test_a_byte_order_mark_and_windows_line_ends_are_fine(world):
    data = ("\ufeff" + SCHOOL_HEADER + "5001,Cedar,Elementary,K-5,,,\n").replace("\n", "\r\n")
    record, _r = import_schools(world, data.encode("utf-8"))
    assert record.status == "imported", record.errors
    assert School.objects.get(building_code="5001").level == "elementary"


def test_oversized_file_is_refused_before_it_is_read(world, client_for):
    big = SCHOOL_HEADER.encode() + b"x" * (MAX_IMPORT_BYTES + 1)
    response = post(client_for(world.admin), "srp:school_import", big)
    assert response.status_code == 400
    assert "the largest accepted is 5 MB" in response.content.decode()
    assert not BulkImport.objects.exists()
    # The core refuses it too when called directly (a file past the form's check).
    record, _r = import_schools(world, big)
    assert record.status == "rejected" and "larger than 5 MB" in record.errors[0]["message"]
    assert record.size_bytes == len(big)


def test_a_file_that_is_not_csv_by_name_is_refused(world, client_for):
    response = post(client_for(world.admin), "srp:school_import", "x", name="schools.xlsx")
    assert response.status_code == 400
    assert "Choose a .csv file." in response.content.decode()


def test_too_many_rows_is_refused_and_nothing_written(world):
    before = counts()
    rows = "".join(f"{n},S{n},high,9-12,,,\n" for n in range(MAX_IMPORT_ROWS + 1))
    record, _r = import_schools(world, SCHOOL_HEADER + rows)
    assert record.status == "rejected"
    assert "more than 10,000 rows" in record.errors[0]["message"]
    assert counts() == before


def test_five_thousand_schools_import_quickly_with_history(world):
    rows = "".join(
        f"{10000 + n},School {n},high,9-12,{n} Main St,555-{n:04},yes\n" for n in range(5000)
    )
    started = time.monotonic()
    record, _r = import_schools(world, SCHOOL_HEADER + rows)
    elapsed = time.monotonic() - started
    assert record.status == "imported", record.errors[:3]
    assert record.created_count == 5000
    assert School.history.filter(history_user=world.admin).count() == 5000
    assert elapsed < 15, elapsed


def test_five_thousand_rows_with_one_error_at_the_end_write_nothing(world):
    before = counts()
    rows = "".join(f"{10000 + n},School {n},high,9-12,,,\n" for n in range(4999))
    record, _r = import_schools(world, SCHOOL_HEADER + rows + "10000,Twice,high,9-12,,,\n")
    assert record.status == "rejected" and record.rows == 5000
    assert error_cells(record) == {(5001, "building_code")}
    assert counts() == before


def test_many_errors_keep_the_first_ones_and_the_total(world):
    rows = "".join(f"{n},S{n},castle,9-12,,,\n" for n in range(1000))
    record, _r = import_schools(world, SCHOOL_HEADER + rows)
    assert record.error_count == 1000
    assert len(record.errors) == 300


def test_formula_cells_are_stored_as_text_and_neutralised_in_exports(world, client_for):
    formula = '=HYPERLINK("http://evil.example","x")'
    data = io.StringIO()
    writer = csv.writer(data)
    writer.writerow(["building_code", "name", "level", "grade_span"])
    writer.writerow(["5001", formula, "high", "9-12"])
    writer.writerow(["5002", "@SUM(1+1)*cmd|' /C calc'!A0", "castle", "9-12"])
    post(client_for(world.admin), "srp:school_import", data.getvalue())
    rejected = last_import()
    assert rejected.status == "rejected"
    # The error list's CSV neutralises a quoted cell too.
    errors_csv = client_for(world.admin).get(reverse("srp:import_errors_csv", args=[rejected.pk]))
    body = b"".join(errors_csv.streaming_content).decode()
    assert "castle" in body
    record, _r = import_schools(
        world,
        "building_code,name,level,grade_span\n5001," + csv_cell(formula) + ",high,9-12\n",
    )
    assert record.status == "imported"
    assert School.objects.get(building_code="5001").name == formula
    # The template download and any CSV export neutralise such a cell.
    from srp.csv_export import csv_rows

    exported = "".join(csv_rows(["name"], [[formula]]))
    assert "'=HYPERLINK" in exported


def test_hostile_values_are_answered_with_messages_not_errors(world, client_for):
    hostile = [
        "<script>alert(1)</script>",
        "\u202egnp.exe",
        "'; DROP TABLE srp_school; --",
        "名前" * 50,
        "9" * 30,
    ]
    rows = "".join(f"{v[:10]},{v},{v[:20]},{v[:20]},,,\n" for v in hostile)
    response = post(client_for(world.admin), "srp:school_import", SCHOOL_HEADER + rows)
    record = last_import()
    assert record.status == "rejected"
    page = client_for(world.admin).get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert School.objects.filter(district=world.district).count() == 2


def test_template_download_lists_the_columns(world, client_for):
    response = client_for(world.admin).get(reverse("srp:school_import_template"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body)))
    assert header == list(SchoolImporter.column_names())
    # The template imports as it is.
    record, _r = import_schools(world, body)
    assert record.status == "imported", record.errors


# People -----------------------------------------------------------------------------------------
def import_people(world, data: str, **kw) -> tuple[BulkImport, object]:  # noqa: ANN001
    importer = PeopleImporter(district=world.district, by=world.admin)
    return run_import(importer, io.BytesIO(data.encode()), filename="people.csv", **kw)


def test_people_file_creates_accounts_and_roles_like_the_people_page(world, client_for):
    data = PEOPLE_HEADER + (
        "new.principal@a.example.org,Nora,Quinn,principal,3401;3201,Principal\n"
        "NEW.TEACHER@a.example.org,Ted,Lee,School staff,3401,\n"
        "new.sro@a.example.org,Sam,Ortiz,safety_staff,,Officer\n"
        "new.board@a.example.org,Bea,Moss,board_member,,\n"
    )
    response = post(client_for(world.admin), "srp:people_import", data)
    record = last_import()
    assert record.status == "imported", record.errors
    assert (record.created_count, record.updated_count) == (4, 0)
    principal = Membership.objects.get(user__email="new.principal@a.example.org")
    assert principal.role == Role.PRINCIPAL and principal.title == "Principal"
    assert set(principal.schools.values_list("building_code", flat=True)) == {"3401", "3201"}
    teacher = Membership.objects.get(user__email="new.teacher@a.example.org")
    assert teacher.role == Role.SCHOOL_STAFF
    assert principal.history.first().history_user == world.admin
    # Each new account was emailed a "choose your password" link, through the outbox.
    assert OutboundEmail.objects.filter(to__icontains="new.sro@a.example.org").count() == 1
    assert response.status_code == 302


def test_an_email_of_another_district_is_neither_renamed_nor_revealed(world):
    shared = world.outsider  # a program administrator of the other district
    shared.first_name, shared.last_name = "Olga", "Outer"
    shared.save()
    record, report = import_people(
        world, PEOPLE_HEADER + f"{shared.email},Renamed,Person,investigator,,\n"
    )
    assert record.status == "imported"
    # Counted as added, as a new email would be: the import does not tell them apart.
    assert (record.created_count, record.updated_count) == (1, 0)
    shared.refresh_from_db()
    assert (shared.first_name, shared.last_name) == ("Olga", "Outer")
    membership = Membership.objects.get(user=shared, district=world.district)
    assert membership.names == ("Renamed", "Person")
    assert "other district" not in str(record.errors) + str(record.notes)


def test_a_known_email_and_role_updates_the_role(world):
    record, _r = import_people(
        world, PEOPLE_HEADER + f"{world.teacher_a.email},Tess,Adler,school_staff,3201,Counselor\n"
    )
    assert (record.created_count, record.updated_count) == (0, 1), record.errors
    membership = Membership.objects.get(user=world.teacher_a, district=world.district)
    assert membership.title == "Counselor"
    assert list(membership.schools.values_list("building_code", flat=True)) == ["3201"]
    # Unchanged on a second import.
    record, _r = import_people(
        world, PEOPLE_HEADER + f"{world.teacher_a.email},Tess,Adler,school_staff,3201,Counselor\n"
    )
    assert (record.created_count, record.updated_count, record.unchanged_count) == (0, 0, 1)


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("not-an-email,A,B,principal,3401,", "email", "is not an email address"),
        ("a@a.example.org,A,B,janitor,3401,", "role", "Unknown value “janitor”"),
        ("a@a.example.org,A,B,principal,9999,", "schools", "building code “9999”"),
        (
            "a@a.example.org,A,B,principal,4101,",
            "schools",
            "building code “4101”",
        ),  # other district
        ("a@a.example.org,A,B,principal,,", "schools", "Choose at least one school"),
        ("a@a.example.org,A,B,safety_staff,3401,", "schools", "assignments on the staff roster"),
        ("a@a.example.org,A,B,investigator,3401,", "schools", "whole district"),
        ("a@a.example.org,,B,investigator,,", "first_name", "This value is missing."),
        ("a@a.example.org,=cmd|' /C calc'!A0,B,janitor,,", "role", "Unknown value"),
    ],
)
def test_bad_people_rows_are_refused_and_nothing_written(world, client_for, line, column, message):
    before = counts()
    emails = OutboundEmail.objects.count()
    data = PEOPLE_HEADER + "good@a.example.org,Good,Row,investigator,,\n" + line + "\n"
    post(client_for(world.admin), "srp:people_import", data)
    record = last_import()
    assert record.status == "rejected"
    assert counts() == before and OutboundEmail.objects.count() == emails
    assert record.errors[0]["row"] == 3 and record.errors[0]["column"] == column
    assert message in record.errors[0]["message"]


def test_the_same_person_and_role_twice_is_an_error(world):
    record, _r = import_people(
        world,
        PEOPLE_HEADER + "x@a.example.org,A,B,investigator,,\nX@A.example.org,A,B,investigator,,\n",
    )
    assert error_cells(record) == {(3, "email")}


def test_a_formula_name_is_stored_as_text(world):
    record, _r = import_people(
        world, PEOPLE_HEADER + "f@a.example.org,=cmd|' /C calc'!A0,Smith,investigator,,\n"
    )
    assert record.status == "imported"
    assert User.objects.get(email="f@a.example.org").first_name == "=cmd|' /C calc'!A0"


def test_a_service_refusal_while_writing_rolls_the_whole_file_back(world, monkeypatch):
    from srp import imports
    from srp.services import SrpError

    calls = {"n": 0}
    real = imports.person_add

    def refuse_second(**kwargs):  # noqa: ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 2:
            raise SrpError("Refused for the test.")
        return real(**kwargs)

    monkeypatch.setattr(imports, "person_add", refuse_second)
    before = counts()
    record, _r = import_people(
        world,
        PEOPLE_HEADER
        + "one@a.example.org,A,B,investigator,,\ntwo@a.example.org,C,D,investigator,,\n",
    )
    assert record.status == "rejected"
    assert record.errors == [{"row": 3, "column": "", "message": "Refused for the test."}]
    assert counts() == before


# Access -------------------------------------------------------------------------------------
URLS = [
    "srp:school_import",
    "srp:school_import_template",
    "srp:people_import",
    "srp:people_import_template",
    "srp:import_list",
]


@pytest.mark.parametrize("url_name", URLS)
@pytest.mark.parametrize(
    "persona", ["principal_a", "teacher_a", "safety_staff", "investigator", "board", "nobody"]
)
def test_only_program_administrators_open_the_import_pages(world, client_for, url_name, persona):
    assert client_for(getattr(world, persona)).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", URLS)
def test_signed_out_visitors_are_sent_to_sign_in(client, world, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_post_by_another_role_writes_nothing(world, client_for):
    response = post(
        client_for(world.principal_a), "srp:school_import", SCHOOL_HEADER + "5001,C,high,K-5,,,\n"
    )
    assert response.status_code == 403
    assert (
        not BulkImport.objects.exists() and not School.objects.filter(building_code="5001").exists()
    )


def test_another_districts_import_is_not_found(world, client_for):
    record, _r = import_schools(world, SCHOOL_HEADER + "5001,Cedar,high,K-5,,,\n")
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("srp:import_detail", args=[record.pk])).status_code == 404
    assert outsider.get(reverse("srp:import_errors_csv", args=[record.pk])).status_code == 404
    page = outsider.get(reverse("srp:import_list")).content.decode()
    assert "schools.csv" not in page
    assert (
        client_for(world.principal_a)
        .get(reverse("srp:import_detail", args=[record.pk]))
        .status_code
        == 403
    )


def test_the_outsider_imports_into_their_own_district_only(world, client_for):
    post(
        client_for(world.outsider),
        "srp:school_import",
        SCHOOL_HEADER + "3401,Theirs,high,9-12,,,\n",
    )
    record = last_import()
    assert record.district == world.other_district and record.status == "imported"
    world.school_a.refresh_from_db()
    assert world.school_a.name == "Alder High"
    assert School.objects.get(district=world.other_district, building_code="3401").name == "Theirs"


# Pages ----------------------------------------------------------------------------------------
def test_upload_page_shows_columns_template_and_progress(world, client_for):
    page = client_for(world.admin).get(reverse("srp:people_import")).content.decode()
    assert 'id="import-progress-bar"' in page and "srp/import.js" in page
    assert reverse("srp:people_import_template") in page
    for name in PeopleImporter.column_names():
        assert f"<code>{name}</code>" in page
    assert 'value="check"' in page and 'value="import"' in page


def test_the_progress_upload_gets_json_with_the_result_page(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("srp:school_import"),
        {"file": upload("s.csv", SCHOOL_HEADER + "5001,C,high,K-5,,,\n"), "action": "import"},
        headers={"x-requested-with": "fetch"},
    )
    assert response.json() == {
        "ok": True,
        "redirect": reverse("srp:import_detail", args=[last_import().pk]),
    }
    response = client.post(
        reverse("srp:school_import"),
        {"file": upload("s.xlsx", "x")},
        headers={"x-requested-with": "fetch"},
    )
    assert response.status_code == 400 and response.json()["errors"] == ["Choose a .csv file."]


def test_the_lists_link_to_the_imports(world, client_for):
    client = client_for(world.admin)
    assert reverse("srp:school_import") in client.get(reverse("srp:school_list")).content.decode()
    assert reverse("srp:people_import") in client.get(reverse("srp:people_list")).content.decode()
    principal = client_for(world.principal_a).get(reverse("srp:school_list")).content.decode()
    assert reverse("srp:school_import") not in principal


def test_import_list_query_count_does_not_grow_with_imports(
    world, client_for, django_assert_max_num_queries
):
    for n in range(30):
        importer = SchoolImporter(
            district=world.district, by=world.admin if n % 2 else world.principal_a
        )
        run_import(importer, io.BytesIO(b"bad"), filename=f"f{n}.csv")
    client = client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("srp:import_list"))
    assert response.status_code == 200
    assert response.content.decode().count("f1") >= 1
    with django_assert_max_num_queries(12):
        response = client.get(reverse("srp:import_list") + "?kind=schools&page=1")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("srp:school_import")).status_code == 200


def test_a_hostile_kind_filter_is_ignored(world, client_for):
    response = client_for(world.admin).get(reverse("srp:import_list") + "?kind=%3Cx%3E&page=abc")
    assert response.status_code == 200


def test_new_accounts_are_fast_with_the_production_hasher(world, settings):
    """Under the default PBKDF2 hasher (a second or so a hash here), a People file of new
    accounts must not spend that on each account's random, never-shown starting password."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    rows = "".join(f"p{n}@a.example.org,P{n},Q,investigator,,\n" for n in range(20))
    started = time.monotonic()
    record, _r = import_people(world, PEOPLE_HEADER + rows)
    elapsed = time.monotonic() - started
    assert record.status == "imported" and record.created_count == 20
    user = User.objects.get(email="p0@a.example.org")
    assert user.has_usable_password() and user.password.startswith("pbkdf2_sha256$1$")
    assert not user.check_password("")
    assert elapsed < 10, elapsed
