"""Workflow steps added after the first round: editing a student on a call, answering an outside
agency's request, list filters by reason and outcome, and restraint reports naming the students
of their call. Each write view: happy path, 404 for outsiders, 403 for read-only roles, login."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from incidents.forms import AgencyAnswerForm
from incidents.models import AgencyInformationRequest, RestraintReport
from incidents.services import IncidentError, agency_request_answer, agency_request_log
from tests.incidents.factories import (
    CallFactory,
    InterventionFactory,
    RestraintFactory,
    StudentFactory,
)
from tests.incidents.test_views import restraint_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_a(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro, call_ref="A-1")
    StudentFactory(call=call, student_ref="S-1", grade="9")
    StudentFactory(call=call, student_ref="S-2", grade="10")
    return call


def student_post(**extra):
    data = {
        "student_ref": "S-1",
        "role": "subject",
        "grade": "11",
        "race_ethnicity": "asian",
        "sex": "male",
        "disability": "idea",
        "english_learner": "yes",
        "outcome": "warning",
        "under_18": "on",
        # A correction says why (issue #13): the reason is kept in the student's history.
        "correction_reason": "Grade and details checked with the school office.",
    }
    data.update(extra)
    return data


# Editing a student on a call ----------------------------------------------------------------
def test_principal_edits_a_student_and_the_history_keeps_the_old_values(world, call_a, client_for):
    student = call_a.students.get(student_ref="S-1")
    url = reverse("incidents:student_edit", args=[call_a.pk, student.pk])
    client = client_for(world.principal_a)
    assert client.get(url).status_code == 200
    response = client.post(url, student_post())
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.grade, student.sex, student.disability) == ("11", "male", "idea")
    change = student.history.first()
    assert change.history_user == world.principal_a and change.prev_record.grade == "9"
    page = client.get(reverse("incidents:call_detail", args=[call_a.pk])).content.decode()
    assert url in page


def test_student_edit_scope(world, call_a, roster, client_for):
    student = call_a.students.first()
    url = reverse("incidents:student_edit", args=[call_a.pk, student.pk])
    # Another district, another school: 404; read-only or unrelated roles: 403.
    assert client_for(world.outsider).post(url, student_post()).status_code == 404
    assert client_for(world.principal_b).post(url, student_post()).status_code == 404
    assert client_for(world.board).post(url, student_post()).status_code == 403
    assert client_for(world.teacher_a).post(url, student_post()).status_code == 403
    # A student of another call, through this call's URL: 404.
    other = StudentFactory(
        call=CallFactory(school=world.school_a, responding_staff=roster.sro, call_ref="A-2")
    )
    wrong = reverse("incidents:student_edit", args=[call_a.pk, other.pk])
    assert client_for(world.principal_a).post(wrong, student_post()).status_code == 404
    student.refresh_from_db()
    assert student.grade != "11"


def test_student_edit_anonymous_goes_to_login(client, world, call_a):
    student = call_a.students.first()
    response = client.get(reverse("incidents:student_edit", args=[call_a.pk, student.pk]))
    assert response.status_code == 302 and "/login/" in response.url


def test_student_edit_bad_input_and_sro_discipline_are_refused(world, call_a, client_for):
    student = call_a.students.get(student_ref="S-1")
    url = reverse("incidents:student_edit", args=[call_a.pk, student.pk])
    client = client_for(world.safety_staff)
    response = client.post(url, student_post(grade="13", sex="F"))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"grade", "sex"}
    # the SRO cannot be named as the one who decided school discipline.
    response = client.post(
        url, student_post(school_discipline="on", discipline_decided_by=world.safety_staff.pk)
    )
    assert (
        response.status_code == 200 and "discipline_decided_by" in response.context["form"].errors
    )
    student.refresh_from_db()
    assert (student.grade, student.school_discipline) == ("9", False)


def test_student_of_a_voided_call_cannot_be_edited(world, call_a, client_for):
    call_a.status = "voided"
    call_a.save()
    student = call_a.students.first()
    url = reverse("incidents:student_edit", args=[call_a.pk, student.pk])
    response = client_for(world.admin).post(url, student_post())
    assert response.status_code == 200 and "voided" in response.content.decode()
    student.refresh_from_db()
    assert student.grade != "11"


# Answering an outside agency's information request (R-15) ----------------------------------
def log(world, by=None, **extra):
    data = {
        "received_on": datetime.date(2026, 11, 20),
        "agency": "County prosecutor",
        "what_was_asked": "Attendance of one student in October",
        "legal_basis": "subpoena",
        "immigration_enforcement": False,
        **extra,
    }
    return agency_request_log(district=world.district, data=data, by=by or world.principal_a)


def answer_post(**extra):
    data = {
        "decision": "answered",
        "answered_on": "2026-11-25",
        "information_given": "Attendance record for October",
    }
    data.update(extra)
    return data


def test_logger_answers_a_request_with_date_and_what_was_given(world, client_for):
    record = log(world)
    assert record.status == AgencyInformationRequest.Status.RECEIVED
    url = reverse("incidents:agency_request_answer", args=[record.pk])
    client = client_for(world.principal_a)
    detail = client.get(reverse("incidents:agency_request_detail", args=[record.pk]))
    assert url in detail.content.decode()
    assert client.post(url, answer_post()).status_code == 302
    record.refresh_from_db()
    assert record.status == "answered" and record.answered_on == datetime.date(2026, 11, 25)
    assert record.information_given == "Attendance record for October"
    assert record.answered_by == world.principal_a
    assert record.history.first().history_user == world.principal_a
    # Decided once: a second answer is refused.
    with pytest.raises(IncidentError):
        agency_request_answer(
            record=record,
            decision="refused",
            answered_on=datetime.date(2026, 11, 26),
            information_given="",
            by=world.admin,
        )


def test_immigration_request_with_judicial_order_can_be_answered_by_the_admin(world, client_for):
    record = log(world, immigration_enforcement=True, legal_basis="judicial_order")
    assert record.status == "received" and record.routed_to_program_admin
    url = reverse("incidents:agency_request_answer", args=[record.pk])
    # Routed to the program administrator: the principal who logged it does not decide it.
    assert client_for(world.principal_a).post(url, answer_post()).status_code == 403
    assert client_for(world.admin).post(url, answer_post()).status_code == 302
    record.refresh_from_db()
    assert record.status == "answered" and record.answered_by == world.admin


def test_immigration_request_without_judicial_order_can_only_be_refused(world, client_for):
    # Logged under an administrative warrant: refused on arrival, dated, routed; the database
    # itself holds no such request in any other state.
    refused = log(world, immigration_enforcement=True, legal_basis="administrative_warrant")
    assert refused.status == "refused" and refused.answered_on == refused.received_on
    assert refused.routed_to_program_admin
    url = reverse("incidents:agency_request_answer", args=[refused.pk])
    response = client_for(world.admin).post(url, answer_post())
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.status == "refused" and refused.information_given == ""
    with pytest.raises(IncidentError):
        agency_request_answer(
            record=refused,
            decision="answered",
            answered_on=datetime.date(2026, 11, 25),
            information_given="Addresses",
            by=world.admin,
        )
    # The answer form for such a request offers, and accepts, only a refusal.
    pending = AgencyInformationRequest(
        received_on=datetime.date(2026, 11, 20),
        immigration_enforcement=True,
        legal_basis="administrative_warrant",
    )
    form = AgencyAnswerForm(answer_post(), record=pending)
    assert [c[0] for c in form.fields["decision"].choices] == ["refused"]
    assert not form.is_valid() and "decision" in form.errors
    assert AgencyAnswerForm(answer_post(decision="refused"), record=pending).is_valid()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answered_on": "2026-11-19"}, "answered_on"),  # before the request
        ({"answered_on": "2026-12-25"}, "answered_on"),  # in the future
        ({"answered_on": "not a date"}, "answered_on"),
        ({"information_given": ""}, "information_given"),  # answered, but nothing said
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_answer_bad_input_is_refused_with_no_write(world, client_for, change, field):
    record = log(world)
    url = reverse("incidents:agency_request_answer", args=[record.pk])
    response = client_for(world.principal_a).post(url, answer_post(**change))
    assert response.status_code == 200
    assert field in response.context["form"].errors or response.context["form"].non_field_errors()
    record.refresh_from_db()
    assert record.status == "received" and record.answered_on is None


def test_answer_scope(world, client, client_for):
    record = log(world)
    url = reverse("incidents:agency_request_answer", args=[record.pk])
    assert client_for(world.outsider).post(url, answer_post()).status_code == 404
    assert client_for(world.board).post(url, answer_post()).status_code == 403
    # Safety staff who did not log it do not see it (agency requests: their own only).
    assert client_for(world.safety_staff).post(url, answer_post()).status_code == 404
    response = client.post(url, answer_post())
    assert response.status_code == 302 and "/login/" in response.url
    record.refresh_from_db()
    assert record.status == "received"


# List filters by reason and outcome ---------------------------------------------------------
def test_call_list_filters_by_reason_and_outcome(world, roster, client_for):
    fight = CallFactory(school=world.school_a, responding_staff=roster.sro, reason="fight")
    weapon = CallFactory(
        school=world.school_a, responding_staff=roster.sro, reason="weapon", outcome="arrest"
    )
    client = client_for(world.admin)
    page = client.get(reverse("incidents:call_list"), {"reason": "weapon"}).context["page"]
    assert list(page) == [weapon]
    page = client.get(reverse("incidents:call_list"), {"outcome": "referred_to_school"})
    assert list(page.context["page"]) == [fight]
    bad = client.get(reverse("incidents:call_list"), {"reason": "<script>"})
    assert bad.status_code == 200 and "filter_form" in bad.context


def test_intervention_list_filters_by_basis_and_outcome(
    world, roster, client_for, django_assert_max_num_queries
):
    danger = InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
    disruption = InterventionFactory(
        school=world.school_a,
        requested_by=world.teacher_a,
        basis="disruption",
        status="responded",
        outcome="de_escalated",
    )
    client = client_for(world.principal_a)
    url = reverse("incidents:intervention_list")
    client.get(url, {"reason": "danger"})
    with django_assert_max_num_queries(14):
        response = client.get(url, {"reason": "danger"})
    assert list(response.context["page"]) == [danger]
    assert list(client.get(url, {"outcome": "de_escalated"}).context["page"]) == [disruption]
    form = response.context["filter_form"]
    assert "danger" in dict(form.fields["reason"].choices)


def test_activity_and_restraint_lists_filter_by_the_calls_reason_and_outcome(
    world, roster, client_for, django_assert_max_num_queries
):
    from incidents.models import LawEnforcementActivity

    fight = CallFactory(school=world.school_a, responding_staff=roster.sro, reason="fight")
    weapon = CallFactory(
        school=world.school_a, responding_staff=roster.sro, reason="weapon", outcome="arrest"
    )
    for call in (fight, weapon):
        LawEnforcementActivity.objects.create(
            call=call, kind="interview", occurred_at=call.occurred_at, student_under_18=False
        )
    on_weapon = RestraintFactory(
        school=world.school_a, staff_member=roster.sro, call=weapon, district=world.district
    )
    RestraintFactory(school=world.school_a, staff_member=roster.sro, district=world.district)
    client = client_for(world.admin)
    activities = client.get(reverse("incidents:activity_list"), {"reason": "weapon"})
    assert [a.call_id for a in activities.context["page"]] == [weapon.pk]
    url = reverse("incidents:restraint_list")
    client.get(url, {"outcome": "arrest"})
    with django_assert_max_num_queries(14):
        reports = client.get(url, {"outcome": "arrest"})
    assert list(reports.context["page"]) == [on_weapon]


def test_incident_list_filters_calls_by_outcome_and_leaves_out_requests(world, roster, client_for):
    arrest = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="arrest")
    InterventionFactory(
        school=world.school_a,
        requested_by=world.teacher_a,
        status="responded",
        outcome="use_of_force",
    )
    client = client_for(world.admin)
    unfiltered = client.get(reverse("incidents:incident_list"))
    assert len(unfiltered.context["interventions"]) == 1
    filtered = client.get(reverse("incidents:incident_list"), {"outcome": "arrest"})
    assert list(filtered.context["page"]) == [arrest]
    assert len(filtered.context["interventions"]) == 0


# Restraint reports name the students of their call ------------------------------------------
def test_restraint_report_links_students_of_its_call(world, roster, call_a, client_for):
    client = client_for(world.safety_staff)
    url = reverse("incidents:restraint_create")
    form = client.get(url, {"call": call_a.pk}).context["form"]
    assert set(form.fields["students"].queryset) == set(call_a.students.all())
    first = call_a.students.get(student_ref="S-1")
    data = restraint_post(world, roster, call=call_a.pk, students=[first.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    report = RestraintReport.objects.get()
    assert list(report.students.all()) == [first]
    assert report.history.first().students.count() == 1  # the link is in the history too
    page = client.get(reverse("incidents:restraint_detail", args=[report.pk])).content.decode()
    assert "S-1" in page


def test_restraint_report_refuses_a_student_of_another_call(world, call_a, roster, client_for):
    other = StudentFactory(
        call=CallFactory(school=world.school_a, responding_staff=roster.sro, call_ref="A-9")
    )
    data = restraint_post(world, roster, call=call_a.pk, students=[other.pk])
    response = client_for(world.safety_staff).post(reverse("incidents:restraint_create"), data)
    assert response.status_code == 200 and "students" in response.context["form"].errors
    assert RestraintReport.objects.count() == 0


def test_restraint_from_another_schools_call_is_404(world, roster, client_for):
    call_b = CallFactory(school=world.school_b, responding_staff=roster.officer_b)
    url = reverse("incidents:restraint_create")
    assert client_for(world.safety_staff).get(url, {"call": call_b.pk}).status_code == 404
    assert client_for(world.outsider).get(url, {"call": call_b.pk}).status_code in (403, 404)
