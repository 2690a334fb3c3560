"""CSV import of calls (R-16): all-or-nothing, errors with row and column, streamed."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from incidents import importer
from incidents.importer import COLUMNS, import_calls
from incidents.models import Call, ImportBatch, StudentInvolved
from tests.incidents.factories import CallFactory

pytestmark = pytest.mark.django_db


def row(**extra):
    values = {
        "call_ref": "CCSO-1",
        "occurred_at": "2026-10-05T13:45",
        "school_code": "3401",
        "requested_by": "principal",
        "reason": "fight",
        "emergency": "no",
        "staff_badge": "4471",
        "call_outcome": "referred_to_school",
        "student_ref": "S123",
        "grade": "10",
        "race_ethnicity": "hispanic_latino",
        "sex": "female",
        "disability": "section_504",
        "english_learner": "yes",
        "student_outcome": "warning",
    }
    values.update(extra)
    return values


def make_csv(rows, columns=COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode(encoding)


def run(world, data: bytes, name="calls.csv"):
    return import_calls(io.BytesIO(data), district=world.district, filename=name, by=world.admin)


def generated_rows(n_calls: int, students_per_call: int = 2):
    for i in range(n_calls):
        base = {"call_ref": f"G-{i:06d}", "school_code": "3401" if i % 2 else "3201",
                "staff_badge": "4471" if i % 2 else "E-208"}  # fmt: skip
        if i % 10 == 0:
            yield row(**base, student_ref="", grade="", race_ethnicity="", sex="", disability="",
                      english_learner="", student_outcome="")  # fmt: skip
            continue
        for s in range(students_per_call):
            yield row(**base, student_ref=f"S{i}-{s}", grade=str(9 + s))


def test_good_file_imports_every_call_and_student(world, roster):
    data = make_csv(
        [
            row(),
            row(student_ref="S124", sex="male", student_outcome="no_action"),
            row(
                call_ref="CCSO-2",
                student_ref="",
                grade="",
                race_ethnicity="",
                sex="",
                disability="",
                english_learner="",
                student_outcome="",
            ),  # fmt: skip
        ]
    )
    result = run(world, data)
    assert result.ok, result.errors
    assert (result.calls, result.students) == (2, 2)
    call = Call.objects.get(call_ref="CCSO-1")
    assert call.source == Call.Source.IMPORT and call.school == world.school_a
    assert call.responding_staff == roster.sro
    assert call.students.count() == 2
    assert Call.objects.get(call_ref="CCSO-2").students.count() == 0
    assert result.batch.status == ImportBatch.Status.IMPORTED


def test_the_batch_is_the_audit_record_of_an_import(world, roster, client_for):
    """R-23: who imported which file and when is on the batch; every imported call links to
    it; a later edit of an imported call is still recorded by simple-history."""
    data = make_csv(generated_rows(30))
    result = run(world, data, name="ccso-october.csv")
    assert result.ok, result.errors[:3]
    batch = ImportBatch.objects.get()
    assert batch.uploaded_by == world.admin
    # The clock is frozen at 2026-11-27 10:00 UTC (ticking): the batch was made just now.
    assert abs(batch.created_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert batch.filename == "ccso-october.csv"
    assert batch.size_bytes == len(data)
    assert batch.checksum == hashlib.sha256(data).hexdigest()
    assert (batch.rows, batch.calls_created, batch.students_created) == (57, 30, 54)
    assert Call.objects.count() == 30
    assert set(Call.objects.values_list("import_batch_id", flat=True)) == {batch.pk}
    assert set(Call.objects.values_list("created_by_id", flat=True)) == {world.admin.pk}
    assert set(Call.objects.values_list("source", flat=True)) == {Call.Source.IMPORT}
    assert StudentInvolved.objects.filter(call__import_batch=batch).count() == 54
    # No history row per imported call or student: the batch says it once.
    assert Call.history.count() == 0 and StudentInvolved.history.count() == 0
    call = Call.objects.get(call_ref="G-000001")
    response = client_for(world.admin).post(
        reverse("incidents:call_edit", args=[call.pk]),
        {
            "occurred_at": "2026-10-05T13:45",
            "location": "Gym",
            "call_ref": call.call_ref,
            "requested_by": call.requested_by,
            "reason": call.reason,
            "responding_staff": call.responding_staff_id,
            "outcome": "report_taken",
            "narrative": "",
            "correction_reason": "The agency's report was taken after the import.",
        },
    )
    assert response.status_code == 302
    edit = call.history.get()
    assert (edit.history_user, edit.outcome, edit.location) == (world.admin, "report_taken", "Gym")
    page = client_for(world.admin).get(reverse("incidents:import_detail", args=[batch.pk]))
    assert batch.checksum in page.content.decode()


def test_a_rejected_file_keeps_its_checksum_and_who(world, roster):
    data = make_csv([row(reason="nope")])
    result = run(world, data)
    assert not result.ok
    batch = ImportBatch.objects.get()
    assert batch.checksum == hashlib.sha256(data).hexdigest()
    assert batch.uploaded_by == world.admin and batch.status == ImportBatch.Status.REJECTED


def test_generated_file_in_batches(world, roster, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    data = make_csv(generated_rows(400))
    result = run(world, data)
    assert result.ok, result.errors[:3]
    assert Call.objects.count() == 400
    assert StudentInvolved.objects.count() == 360 * 2


def test_extra_column_such_as_citizenship_rejects_the_file(world, roster):
    data = make_csv([{**row(), "citizenship": "x"}], columns=[*COLUMNS, "citizenship"])
    result = run(world, data)
    assert not result.ok
    assert (1, "citizenship") in {(e.row, e.column) for e in result.errors}
    assert Call.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_missing_header_row(world, roster):
    data = ",".join(row().values()).encode() + b"\n"
    result = run(world, data)
    assert not result.ok
    assert {e.row for e in result.errors} == {1}
    assert Call.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"reason": "loitering"}, "reason"),
        ({"school_code": "9999"}, "school_code"),
        ({"staff_badge": "NOPE"}, "staff_badge"),
        ({"occurred_at": "05/10/2026 1pm"}, "occurred_at"),
        ({"occurred_at": "2027-10-05T10:00"}, "occurred_at"),
        ({"grade": "13"}, "grade"),
        ({"sex": "F"}, "sex"),
        ({"emergency": "maybe"}, "emergency"),
        ({"student_outcome": "deported"}, "student_outcome"),
    ],
)
def test_each_bad_value_is_reported_with_row_and_column(world, roster, change, column):
    data = make_csv([row(call_ref="OK-1"), row(call_ref="BAD-1", **change)])
    result = run(world, data)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert Call.objects.count() == 0


def test_staff_of_another_district_is_unknown(world, roster):
    result = run(world, make_csv([row(staff_badge="9001")]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "staff_badge")]


def test_rows_of_one_call_that_disagree(world, roster):
    data = make_csv([row(), row(reason="theft", student_ref="S2")])
    result = run(world, data)
    assert [(e.row, e.column) for e in result.errors] == [(3, "call_ref")]
    assert Call.objects.count() == 0


def test_call_ref_already_recorded(world, roster):
    CallFactory(school=world.school_a, responding_staff=roster.sro, call_ref="CCSO-1")
    result = run(world, make_csv([row()]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "call_ref")]
    assert Call.objects.count() == 1


def test_wrong_encoding(world, roster):
    data = make_csv([row(student_ref="Peña")], encoding="latin-1")
    result = run(world, data)
    assert not result.ok
    assert "UTF-8" in result.errors[0].message
    assert Call.objects.count() == 0


def test_empty_and_header_only_files(world, roster):
    assert not run(world, b"").ok
    assert not run(world, make_csv([])).ok


def test_ten_thousand_bad_rows_are_counted_and_the_list_is_capped(world, roster):
    data = make_csv(row(call_ref=f"B-{i}", reason="nope") for i in range(10_000))
    result = run(world, data)
    assert result.error_count == 10_000
    assert len(result.errors) == importer.MAX_ERRORS_KEPT
    batch = ImportBatch.objects.get()
    assert batch.error_count == 10_000 and len(batch.errors) == importer.MAX_ERRORS_KEPT
    assert Call.objects.count() == 0


def test_formula_injection_is_stored_as_text_and_neutralised_on_export(world, roster, client_for):
    hostile = "=cmd|' /C calc'!A0"
    result = run(world, make_csv([row(student_ref=hostile, call_ref="+HYPERLINK(1)")]))
    assert result.ok
    response = client_for(world.admin).get(reverse("incidents:call_export"))
    body = b"".join(response.streaming_content).decode()
    assert "'=cmd|" in body
    assert "'+HYPERLINK(1)" in body
    assert "\n=cmd" not in body and ",=cmd" not in body


def test_management_command(world, roster, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(make_csv([row()]))
    call_command("import_calls", "--district", "99001", str(good))
    assert "rows/s" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(make_csv([row(call_ref="X", reason="nope")]))
    with pytest.raises(CommandError):
        call_command("import_calls", "--district", "99001", str(bad))
    assert "row 2 column reason" in capsys.readouterr().err
    assert Call.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_calls", "--district", "00000", str(good))


# The upload page --------------------------------------------------------------------------
def upload(client, data: bytes, name="calls.csv", **headers):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("incidents:import_upload"), {"file": file}, **headers)


def test_admin_uploads_a_file(world, roster, client_for):
    client = client_for(world.admin)
    assert client.get(reverse("incidents:import_upload")).status_code == 200
    response = upload(client, make_csv([row()]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "incidents:import_detail", args=[batch.pk]
    )
    assert Call.objects.count() == 1


def test_upload_by_fetch_answers_json_and_bad_file_shows_errors(world, roster, client_for):
    client = client_for(world.admin)
    response = upload(client, make_csv([row(reason="nope")]), HTTP_X_REQUESTED_WITH="fetch")
    assert response.json()["ok"] is False
    page = client.get(response.json()["redirect"])
    assert "Nothing was imported" in page.content.decode()
    assert "nope" in page.content.decode()
    assert Call.objects.count() == 0


def test_oversized_upload_is_refused(world, roster, client_for, monkeypatch):
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 1000)
    monkeypatch.setattr("incidents.forms.MAX_IMPORT_BYTES", 1000)
    response = upload(client_for(world.admin), make_csv(generated_rows(50)))
    assert response.status_code == 200
    assert "largest accepted" in response.content.decode()
    assert ImportBatch.objects.count() == 0 and Call.objects.count() == 0


def test_import_is_for_the_program_administrator_only(world, roster, client_for):
    assert upload(client_for(world.principal_a), make_csv([row()])).status_code == 403
    assert client_for(world.safety_staff).get(reverse("incidents:import_upload")).status_code == 403
    anonymous = upload(client_for(world.nobody), make_csv([row()]))
    assert anonymous.status_code == 403
    assert Call.objects.count() == 0


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("incidents:import_upload"))
    assert response.status_code == 302 and "/login/" in response.url


def test_other_district_cannot_open_an_import(world, roster, client_for):
    result = run(world, make_csv([row()]))
    url = reverse("incidents:import_detail", args=[result.batch.pk])
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.admin).get(url).status_code == 200


@pytest.mark.parametrize("column", ["call_ref", "school_code", "student_ref", "reason"])
def test_a_nul_byte_in_a_cell_is_reported_with_row_and_column(world, roster, column):
    data = make_csv([row(call_ref="OK-1"), row(**{"call_ref": "NUL-1", column: "34\x0001"})])
    result = run(world, data)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert "NUL character" in result.errors[0].message
    assert Call.objects.count() == 0
    # The rejected import's record keeps the errors (on PostgreSQL a NUL could not be stored).
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_a_nul_byte_in_the_header_is_reported_without_it(world, roster):
    columns = [*COLUMNS, "note\x00s"]
    result = run(world, make_csv([row()], columns=columns))
    assert not result.ok
    assert all("\x00" not in e.column and "\x00" not in e.message for e in result.errors)


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1899-12-31T23:00", "9999-12-31T23:59"])
def test_a_date_outside_1900_2100_is_reported(world, roster, when):
    result = run(world, make_csv([row(occurred_at=when)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "occurred_at")]
    assert "between" in result.errors[0].message
    assert Call.objects.count() == 0
