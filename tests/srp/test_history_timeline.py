"""One timeline per record (issue #13): a parent's history page shows its children's changes
with labels, not codes; the timeline and a period's audit history export as CSV for the program
administrator only, within the district."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementElement, TrainingRecord
from complaints.models import Allegation, Finding
from srp.history import as_done_by, timeline
from srp.models import DisclosureLog
from tests.agreements.factories import AgreementFactory, StaffAssignmentFactory
from tests.agreements.factories import StaffMemberFactory as AgreementStaffFactory
from tests.complaints.factories import complaint as make_complaint
from tests.complaints.factories import to_findings
from tests.incidents.factories import CallFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    content = response.streaming_content if response.streaming else [response.content]
    body = b"".join(content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def call(world):
    call = CallFactory(school=world.school_a, district=world.district)
    StudentFactory(call=call, outcome="warning")
    student = StudentFactory(call=call, outcome="arrest")
    as_done_by(student, world.safety_staff, reason="Typed the wrong outcome.")
    student.outcome = "citation"
    student.save()
    return call


def test_call_history_shows_a_students_outcome_change_with_labels(world, call, client_for):
    page = client_for(world.admin).get(reverse("incidents:call_history", args=[call.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Student 2" in html
    assert "Outcome for this student" in html
    assert "<del>Arrest</del> → <ins>Citation</ins>" in html
    assert "arrest" not in html.replace("Arrest", "")  # the label, never the stored code
    entry = next(e for e in timeline(call) if e.changes)
    assert entry.who == world.safety_staff
    assert entry.record == "Student 2"


def test_complaint_history_shows_allegations_and_findings(world, client_for):
    complaint = make_complaint(world)
    to_findings(complaint, world.admin, finding=Finding.SUSTAINED)
    allegation = Allegation.objects.get(complaint=complaint)
    as_done_by(allegation, world.admin, reason="Second witness withdrew.")
    allegation.finding = Finding.NOT_SUSTAINED
    allegation.save()
    page = client_for(world.admin).get(reverse("complaints:history", args=[complaint.pk]))
    html = page.content.decode()
    assert "Allegation 1" in html
    assert "Finding" in html
    assert (
        f"<del>{Finding.SUSTAINED.label}</del> → <ins>{Finding.NOT_SUSTAINED.label}</ins>" in html
    )
    assert "Second witness withdrew." in html


def test_agreement_history_shows_its_checklist_elements(world, client_for):
    agreement = AgreementFactory(provider__district=world.district)
    element = AgreementElement.objects.filter(agreement=agreement).first()
    as_done_by(element, world.admin)
    element.present, element.section, element.page = True, "4.2", 7
    element.save()
    page = client_for(world.admin).get(reverse("agreements:agreement_history", args=[agreement.pk]))
    html = page.content.decode()
    assert str(element) in html or "Element" in html
    assert "<del>No</del> → <ins>Yes</ins>" in html  # a boolean as Yes/No
    assert "<ins>4.2</ins>" in html


def test_staff_history_shows_assignments_and_training(world, client_for):
    staff = AgreementStaffFactory(district=world.district)
    assignment = StaffAssignmentFactory(
        staff_member=staff, school=world.school_a, school_year=world.year
    )
    as_done_by(assignment, world.admin)
    assignment.school = world.school_b
    assignment.save()
    training = TrainingRecord.objects.create(
        staff_member=staff,
        kind=TrainingRecord.Kind.CLASSROOM,
        topic=TrainingRecord._meta.get_field("topic").choices[0][0],
        completed_on=datetime.date(2026, 9, 1),
    )
    as_done_by(training, world.admin, reason="Date typed wrong.")
    training.completed_on = datetime.date(2026, 9, 2)
    training.save()
    page = client_for(world.admin).get(reverse("agreements:staff_history", args=[staff.pk]))
    html = page.content.decode()
    assert "Assignment 1" in html
    assert "<del>Alder High</del> → <ins>Birch Middle</ins>" in html  # a related record's name
    assert "Training 1" in html
    assert "<del>2026-09-01</del> → <ins>2026-09-02</ins>" in html
    assert "Date typed wrong." in html


def test_record_timeline_exports_as_csv_for_the_administrator(world, call, client_for):
    url = reverse("incidents:call_history", args=[call.pk]) + "?format=csv"
    response = client_for(world.admin).get(url)
    assert response.status_code == 200
    rows = _csv(response)
    change = next(r for r in rows if r["Field"])
    assert change["Record"] == "Student 2"
    assert change["Field"] == "Outcome for this student"
    assert (change["Old value"], change["New value"]) == ("Arrest", "Citation")
    assert change["Who"] in (world.safety_staff.get_full_name(), world.safety_staff.email)
    # The export is itself a disclosure of the call's students.
    log = DisclosureLog.objects.get(user=world.admin, action="exported")
    assert log.record_type == "incidents.call" and log.rows == len(rows)


def test_record_timeline_export_is_for_the_administrator_only(world, call, client_for):
    url = reverse("incidents:call_history", args=[call.pk]) + "?format=csv"
    assert client_for(world.principal_a).get(url).status_code == 403
    page = client_for(world.principal_a).get(reverse("incidents:call_history", args=[call.pk]))
    assert page.status_code == 200 and "Export history" not in page.content.decode()
    assert client_for(world.outsider).get(url).status_code == 404


def test_period_audit_export(world, call, client_for):
    url = reverse("srp:audit_history")
    assert client_for(world.admin).get(url).status_code == 200
    today = timezone.localdate()
    query = {"start": today - datetime.timedelta(days=1), "end": today, "format": "csv"}
    response = client_for(world.admin).get(url, query)
    assert response.status_code == 200
    rows = _csv(response)
    change = next(r for r in rows if r["Field"] == "Outcome for this student")
    assert (change["Old value"], change["New value"]) == ("Arrest", "Citation")
    assert change["Record type"] == "Student involved" or change["Record type"]
    # Filtered to one record type, other types are left out.
    only_calls = _csv(client_for(world.admin).get(url, {**query, "record_type": "incidents.call"}))
    assert only_calls and {r["Record type"] for r in only_calls} == {"Call"}
    # Another district's changes never appear.
    other = CallFactory(school=world.other_school, district=world.other_district)
    rows = _csv(client_for(world.admin).get(url, {**query, "record_type": "incidents.call"}))
    assert str(other.pk) not in {r["Record id"] for r in rows}


def test_period_audit_export_is_for_the_administrator_only(world, client_for):
    url = reverse("srp:audit_history")
    for user in (world.principal_a, world.safety_staff, world.board):
        assert client_for(user).get(url).status_code == 403
