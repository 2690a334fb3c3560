"""Issue #13 item 1: every incidents record is correctable with a reason (kept in its history:
who, old and new values, why) or, when entered in error, voided with a reason (the row stays,
struck through, and counts for nothing). Each path: happy path, 404 for another school or
district, 403 for a read-only role, a rule-breaking correction refused on its field with nothing
saved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Call, LawEnforcementActivity, StudentInvolved
from incidents.services import activity_create
from reports.selectors import annual_report
from tests.incidents.factories import (
    CallFactory,
    InterventionFactory,
    RestraintFactory,
    StudentFactory,
)
from tests.incidents.test_views import restraint_post
from tests.incidents.test_workflow import student_post

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)  # the tests' frozen clock


@pytest.fixture
def call_a(world, roster):
    call = CallFactory(
        school=world.school_a,
        responding_staff=roster.sro,
        call_ref="A-1",
        occurred_at=NOW - datetime.timedelta(days=1),
    )
    StudentFactory(call=call, student_ref="S-1", grade="9", outcome="arrest")
    return call


@pytest.fixture
def activity(world, call_a):
    return activity_create(
        call=call_a,
        data={
            "kind": "interview",
            "student": call_a.students.get(),
            "occurred_at": NOW - datetime.timedelta(hours=20),
            "student_under_18": False,
        },
        by=world.safety_staff,
    )


def activity_post(call, **extra):
    data = {
        "kind": "interview",
        "student": call.students.get().pk,
        "occurred_at": "2026-11-26T15:00",
        "correction_reason": "The date was mistyped: it was the afternoon.",
    }
    data.update(extra)
    return data


# The call's students: the SRO corrects an outcome (arrest -> citation) ------------------------
def test_sro_corrects_a_students_outcome_with_a_reason(world, call_a, client_for):
    student = call_a.students.get()
    url = reverse("incidents:student_edit", args=[call_a.pk, student.pk])
    client = client_for(world.safety_staff)
    data = student_post(grade="9", outcome="citation", correction_reason="A citation, not arrest.")
    assert client.post(url, data).status_code == 302
    student.refresh_from_db()
    change = student.history.first()
    assert (change.prev_record.outcome, student.outcome) == ("arrest", "citation")
    assert change.history_user == world.safety_staff
    assert change.history_change_reason == "A citation, not arrest."
    page = client_for(world.admin).get(reverse("incidents:call_history", args=[call_a.pk]))
    assert "A citation, not arrest." in page.content.decode()


def test_a_correction_without_a_reason_is_refused(world, call_a, client_for):
    student = call_a.students.get()
    url = reverse("incidents:student_edit", args=[call_a.pk, student.pk])
    response = client_for(world.safety_staff).post(
        url, student_post(outcome="citation", correction_reason="  ")
    )
    assert response.status_code == 200
    assert "correction_reason" in response.context["form"].errors
    student.refresh_from_db()
    assert student.outcome == "arrest" and student.history.count() == 1  # only its creation


def test_void_a_student_keeps_the_row_and_leaves_it_out_of_the_counts(world, call_a, client_for):
    student = call_a.students.get()
    url = reverse("incidents:student_void", args=[call_a.pk, student.pk])
    assert client_for(world.principal_b).post(url, {"reason": "x"}).status_code == 404
    assert client_for(world.outsider).post(url, {"reason": "x"}).status_code == 404
    assert client_for(world.board).post(url, {"reason": "x"}).status_code == 403
    before = annual_report(district=world.district, school_year=world.year)
    assert before["students"]["total"] == 1
    client = client_for(world.principal_a)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert client.post(url, {"reason": "Entered on the wrong call."}).status_code == 302
    student.refresh_from_db()
    assert student.voided_at is not None and student.voided_by == world.principal_a
    assert StudentInvolved.objects.filter(pk=student.pk).exists()
    after = annual_report(district=world.district, school_year=world.year)
    assert after["students"]["total"] == 0
    assert not Call.objects.filter(pk=call_a.pk).incidents().exists()
    page = client.get(reverse("incidents:call_detail", args=[call_a.pk])).content.decode()
    assert "Entered on the wrong call." in page and "<del>S-1</del>" in page


# Law-enforcement activities: correct a mistyped date, void one entered in error ----------------
def test_correct_an_activitys_date_with_a_reason(world, call_a, activity, client_for):
    url = reverse("incidents:activity_edit", args=[activity.pk])
    client = client_for(world.safety_staff)
    assert client.get(url).status_code == 200
    assert client.post(url, activity_post(call_a)).status_code == 302
    activity.refresh_from_db()
    change = activity.history.first()
    assert timezone.localtime(activity.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-11-26 15:00"
    assert change.prev_record.occurred_at == NOW - datetime.timedelta(hours=20)
    assert change.history_user == world.safety_staff
    assert change.history_change_reason == "The date was mistyped: it was the afternoon."


def test_activity_correction_scope(world, call_a, activity, client_for):
    url = reverse("incidents:activity_edit", args=[activity.pk])
    assert client_for(world.principal_b).post(url, activity_post(call_a)).status_code == 404
    assert client_for(world.outsider).post(url, activity_post(call_a)).status_code == 404
    assert client_for(world.board).post(url, activity_post(call_a)).status_code == 403
    assert client_for(world.teacher_a).post(url, activity_post(call_a)).status_code == 403
    void = reverse("incidents:activity_void", args=[activity.pk])
    assert client_for(world.principal_b).post(void, {"reason": "x"}).status_code == 404
    assert client_for(world.board).post(void, {"reason": "x"}).status_code == 403
    activity.refresh_from_db()
    assert activity.history.count() == 1 and activity.voided_at is None


def test_a_rule_breaking_activity_correction_is_refused_on_its_field(
    world, call_a, activity, client_for
):
    url = reverse("incidents:activity_edit", args=[activity.pk])
    client = client_for(world.safety_staff)
    # In the future, and on premises without saying why: field errors, nothing saved.
    response = client.post(url, activity_post(call_a, occurred_at="2026-12-30T10:00"))
    assert response.status_code == 200 and "occurred_at" in response.context["form"].errors
    response = client.post(url, activity_post(call_a, on_premises="on"))
    assert response.status_code == 200 and "premises_reason" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.history.count() == 1 and not activity.on_premises


def test_void_an_activity_keeps_it_and_leaves_it_out_of_the_report(
    world, call_a, activity, client_for
):
    assert (
        annual_report(district=world.district, school_year=world.year)["activities"]["total"] == 1
    )
    url = reverse("incidents:activity_void", args=[activity.pk])
    client = client_for(world.admin)
    assert client.post(url, {"reason": "Recorded twice."}).status_code == 302
    activity.refresh_from_db()
    assert activity.voided_at is not None and activity.void_reason == "Recorded twice."
    assert LawEnforcementActivity.objects.filter(pk=activity.pk).exists()
    assert (
        annual_report(district=world.district, school_year=world.year)["activities"]["total"] == 0
    )
    page = client.get(reverse("incidents:call_detail", args=[call_a.pk])).content.decode()
    assert "Recorded twice." in page and "<del>" in page
    # A voided activity no longer changes.
    response = client.post(
        reverse("incidents:activity_edit", args=[activity.pk]), activity_post(call_a)
    )
    assert response.status_code == 200 and "voided" in response.content.decode()


# The call itself, the restraint report, the intervention response, the agency request ---------
def test_call_correction_needs_a_reason(world, call_a, client_for, roster):
    from tests.incidents.test_views import call_post

    url = reverse("incidents:call_edit", args=[call_a.pk])
    client = client_for(world.principal_a)
    response = client.post(url, call_post(world, roster, reason="theft"))
    assert response.status_code == 200 and "correction_reason" in response.context["form"].errors
    data = call_post(world, roster, reason="theft", correction_reason="Wrong reason chosen.")
    assert client.post(url, data).status_code == 302
    call_a.refresh_from_db()
    assert call_a.reason == "theft"
    assert call_a.history.first().history_change_reason == "Wrong reason chosen."
    assert client_for(world.principal_b).post(url, data).status_code == 404


def test_restraint_correction_with_a_reason(world, roster, client_for):
    report = RestraintFactory(school=world.school_a, staff_member=roster.sro)
    url = reverse("incidents:restraint_edit", args=[report.pk])
    data = restraint_post(world, roster, duration_minutes="5")
    client = client_for(world.safety_staff)
    response = client.post(url, data)
    assert response.status_code == 200 and "correction_reason" in response.context["form"].errors
    data["correction_reason"] = "The hold lasted five minutes."
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.duration_minutes == 5
    assert report.history.first().history_change_reason == "The hold lasted five minutes."
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.board).post(url, data).status_code == 403


def test_intervention_response_correction(world, roster, client_for):
    record = InterventionFactory(
        school=world.school_a,
        requested_by=world.teacher_a,
        status="responded",
        responded_by=roster.sro,
        responded_at=NOW - datetime.timedelta(hours=1),
        outcome="resolved",
    )
    url = reverse("incidents:intervention_correct", args=[record.pk])
    data = {
        "responded_by": roster.sro.pk,
        "responded_at": "2026-11-27T01:30",  # local time (the district's), after the request
        "outcome": "de_escalated",
        "correction_reason": "The student went back to class.",
    }
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.teacher_a).post(url, data).status_code == 403
    client = client_for(world.principal_a)
    # Before the request: refused on its field, nothing saved.
    response = client.post(url, {**data, "responded_at": "2026-11-20T09:00"})
    assert response.status_code == 200 and "responded_at" in response.context["form"].errors
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.outcome == "de_escalated"
    assert record.history.first().history_change_reason == "The student went back to class."


def test_agency_request_correction(world, client_for):
    from tests.incidents.test_workflow import log

    record = log(world)
    url = reverse("incidents:agency_request_edit", args=[record.pk])
    data = {
        "received_on": "2026-11-19",
        "agency": "County prosecutor",
        "what_was_asked": "Attendance of one student in October",
        "legal_basis": "subpoena",
        "correction_reason": "Received a day earlier.",
    }
    assert client_for(world.outsider).post(url, data).status_code == 404
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.board).post(url, data).status_code == 403
    client = client_for(world.principal_a)
    response = client.post(url, {**data, "received_on": "2027-01-05"})
    assert response.status_code == 200 and "received_on" in response.context["form"].errors
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.received_on == datetime.date(2026, 11, 19)
    assert record.history.first().history_change_reason == "Received a day earlier."
    history = client.get(reverse("incidents:agency_request_history", args=[record.pk]))
    assert history.status_code == 200


def test_no_hard_delete_in_incidents():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "incidents"
    offenders = [
        str(p)
        for p in root.rglob("*.py")
        if "migrations" not in p.parts and ".delete(" in p.read_text()
    ]
    assert offenders == []


# An import of the wrong file: the batch stays as first written, voided with its calls ----------
def test_void_an_import_keeps_its_calls_voided_and_frees_their_numbers(world, roster, client_for):
    import io

    from incidents.importer import import_calls
    from incidents.models import ImportBatch
    from tests.incidents.test_import import make_csv, row

    data = make_csv([row(call_ref="IMP-1"), row(call_ref="IMP-2")])
    batch = import_calls(
        io.BytesIO(data), district=world.district, filename="a.csv", by=world.admin
    )
    batch = batch.batch
    url = reverse("incidents:import_void", args=[batch.pk])
    assert client_for(world.outsider).post(url, {"reason": "x"}).status_code == 404
    assert client_for(world.principal_a).post(url, {"reason": "x"}).status_code == 403
    client = client_for(world.admin)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert client.post(url, {"reason": "The October file was imported twice."}).status_code == 302
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.voided_by == world.admin
    calls = Call.objects.filter(import_batch=batch)
    assert calls.count() == 2 and set(calls.values_list("status", flat=True)) == {"voided"}
    change = calls.first().history.first()
    assert change.history_user == world.admin
    assert change.history_change_reason == "The October file was imported twice."
    assert annual_report(district=world.district, school_year=world.year)["calls"]["total"] == 0
    page = client.get(reverse("incidents:import_detail", args=[batch.pk])).content.decode()
    assert 'id="import-voided"' in page and "imported twice" in page
    # The corrected file goes in with the same call numbers.
    again = import_calls(
        io.BytesIO(data), district=world.district, filename="b.csv", by=world.admin
    )
    assert again.ok and Call.objects.recorded().filter(call_ref="IMP-1").count() == 1


def test_the_filer_corrects_what_a_request_said(world, roster, client_for):
    record = InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
    url = reverse("incidents:intervention_request_correct", args=[record.pk])
    data = {
        "basis": "disruption",
        "location": "Room 12",
        "description": "A student is throwing chairs; the class cannot go on.",
        "correction_reason": "I chose the wrong basis.",
    }
    assert client_for(world.outsider).post(url, data).status_code == 404
    assert client_for(world.safety_staff).post(url, data).status_code == 403
    client = client_for(world.teacher_a)
    # Not a lawful basis: refused on the field, nothing saved.
    response = client.post(url, {**data, "basis": "discipline"})
    assert response.status_code == 200 and "basis" in response.context["form"].errors
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert (record.basis, record.location) == ("disruption", "Room 12")
    change = record.history.first()
    assert change.history_change_reason == "I chose the wrong basis."
    assert change.prev_record.basis == "danger" and change.history_user == world.teacher_a
