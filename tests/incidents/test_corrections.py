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


# Restraint reports and agency requests entered in error are voided with a reason --------------
def test_void_a_restraint_report_keeps_it_and_leaves_it_out_of_the_figures(
    world, roster, client_for, django_assert_max_num_queries
):
    from incidents.models import RestraintReport

    report = RestraintFactory(school=world.school_a, staff_member=roster.sro)
    kept = RestraintFactory(school=world.school_a, staff_member=roster.sro, kind="isolation")
    restraint = annual_report(district=world.district, school_year=world.year)["restraint"]
    assert restraint["reports"] == 2
    url = reverse("incidents:restraint_void", args=[report.pk])
    client = client_for(world.safety_staff)
    assert client.get(url).status_code == 200
    # Without a reason: refused on the field, nothing saved.
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    report.refresh_from_db()
    assert report.voided_at is None and report.history.count() == 1
    assert client.post(url, {"reason": "Recorded twice."}).status_code == 302
    report.refresh_from_db()
    assert report.voided_by == world.safety_staff
    assert abs(report.voided_at - NOW) < datetime.timedelta(minutes=1)
    assert report.void_reason == "Recorded twice."
    assert RestraintReport.objects.filter(pk=report.pk).exists()
    # The history says who and why, with the old and new values.
    latest = report.history.first()
    assert latest.history_user == world.safety_staff
    assert latest.history_change_reason == "Recorded twice."
    history = client.get(reverse("incidents:restraint_history", args=[report.pk]))
    assert "Recorded twice." in history.content.decode()
    # Out of the report, the yearly summary and the list; the list shows it when asked.
    restraint = annual_report(district=world.district, school_year=world.year)["restraint"]
    assert restraint["reports"] == 1 and restraint["by_kind"]["restraint"] == 0
    admin = client_for(world.admin)
    summary = admin.get(reverse("incidents:restraint_summary"))
    assert summary.context["summary"]["incidents"] == 1
    listed = admin.get(reverse("incidents:restraint_list"))
    assert [r.pk for r in listed.context["page"]] == [kept.pk]
    assert "Show voided reports" in listed.content.decode()
    with django_assert_max_num_queries(16):
        shown = admin.get(reverse("incidents:restraint_list"), {"voided": "1"})
    assert {r.pk for r in shown.context["page"]} == {report.pk, kept.pk}
    page = shown.content.decode()
    assert "Recorded twice." in page and "<del>" in page and "Hide voided reports" in page
    exported = b"".join(admin.get(reverse("incidents:restraint_export")).streaming_content)
    assert b"Recorded twice." not in exported and exported.count(b"\n") == 2
    exported = b"".join(
        admin.get(reverse("incidents:restraint_export"), {"voided": "1"}).streaming_content
    )
    assert b"Recorded twice." in exported
    detail = admin.get(reverse("incidents:restraint_detail", args=[report.pk])).content.decode()
    assert "Recorded twice." in detail and "restraint-voided" in detail
    assert reverse("incidents:restraint_edit", args=[report.pk]) not in detail
    # A voided report no longer changes, and is not voided twice.
    edit = admin.post(
        reverse("incidents:restraint_edit", args=[report.pk]),
        {**restraint_post(world, roster), "correction_reason": "Typo."},
    )
    assert edit.status_code == 200 and "voided" in edit.content.decode()
    again = admin.post(url, {"reason": "Again."})
    assert again.status_code == 200 and "already voided" in again.content.decode()
    report.refresh_from_db()
    assert report.void_reason == "Recorded twice."


def test_restraint_void_scope(world, roster, client_for):
    report = RestraintFactory(school=world.school_a, staff_member=roster.sro)
    url = reverse("incidents:restraint_void", args=[report.pk])
    data = {"reason": "Recorded twice."}
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.outsider).post(url, data).status_code in (403, 404)
    assert client_for(world.board).post(url, data).status_code == 403
    assert client_for(world.teacher_a).post(url, data).status_code == 403
    report.refresh_from_db()
    assert report.voided_at is None


def test_voided_restraint_report_sends_no_reminder_and_leaves_the_dashboard(world, roster):
    from incidents.reminders import restraint_clocks_remind
    from incidents.services import restraint_report_void

    report = RestraintFactory(
        school=world.school_a,
        staff_member=roster.sro,
        occurred_at=NOW - datetime.timedelta(days=10),
    )
    restraint_report_void(report=report, reason="Wrong school's report.", by=world.admin)
    assert restraint_clocks_remind(now=NOW) == 0


def test_void_an_agency_request_keeps_it_and_leaves_it_out_of_the_list(
    world, client_for, django_assert_max_num_queries
):
    from incidents.models import AgencyInformationRequest
    from tests.incidents.test_workflow import log

    record = log(world)
    kept = log(world, agency="State patrol")
    url = reverse("incidents:agency_request_void", args=[record.pk])
    client = client_for(world.principal_a)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    record.refresh_from_db()
    assert record.voided_at is None
    assert client.post(url, {"reason": "Logged twice."}).status_code == 302
    record.refresh_from_db()
    assert record.voided_by == world.principal_a and record.void_reason == "Logged twice."
    assert AgencyInformationRequest.objects.filter(pk=record.pk).exists()
    assert record.history.first().history_change_reason == "Logged twice."
    history = client.get(reverse("incidents:agency_request_history", args=[record.pk]))
    assert "Logged twice." in history.content.decode()
    listed = client.get(reverse("incidents:agency_request_list"))
    assert [r.pk for r in listed.context["page"]] == [kept.pk]
    with django_assert_max_num_queries(14):
        shown = client.get(reverse("incidents:agency_request_list"), {"voided": "1"})
    assert {r.pk for r in shown.context["page"]} == {record.pk, kept.pk}
    assert "Logged twice." in shown.content.decode() and "<del>" in shown.content.decode()
    detail = client.get(reverse("incidents:agency_request_detail", args=[record.pk]))
    assert not detail.context["can_answer"] and "agency-request-voided" in detail.content.decode()
    # A voided request is neither corrected nor answered.
    from tests.incidents.test_workflow import answer_post

    answer = client.post(
        reverse("incidents:agency_request_answer", args=[record.pk]), answer_post()
    )
    assert answer.status_code == 200 and "voided" in answer.content.decode()
    record.refresh_from_db()
    assert record.status == AgencyInformationRequest.Status.RECEIVED


def test_agency_request_void_scope(world, client_for):
    from tests.incidents.test_workflow import log

    record = log(world)
    url = reverse("incidents:agency_request_void", args=[record.pk])
    data = {"reason": "Logged twice."}
    assert client_for(world.outsider).post(url, data).status_code in (403, 404)
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.board).post(url, data).status_code == 403
    record.refresh_from_db()
    assert record.voided_at is None
    # The program administrator sees every request and may void it.
    assert client_for(world.admin).post(url, data).status_code == 302
