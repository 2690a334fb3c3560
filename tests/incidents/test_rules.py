"""Service-level rules of SPEC §5 (R-10 to R-15), with the database constraints behind them."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.clocks import add_business_days, restraint_clocks
from incidents.models import (
    AgencyInformationRequest,
    Call,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintReport,
    StudentInvolved,
)
from incidents.sensitive import sensitive_terms
from incidents.services import (
    IncidentError,
    activity_create,
    agency_request_log,
    call_create,
    call_void,
    intervention_request_create,
    intervention_respond,
    intervention_self_initiated_create,
    intervention_withdraw,
    restraint_report_create,
    student_add,
)
from srp.models import OutboundEmail
from tests.incidents.factories import CallFactory, InterventionFactory, StudentFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


def student(**extra):
    return {
        "student_ref": "",
        "role": "subject",
        "grade": "9",
        "race_ethnicity": "hispanic_latino",
        "sex": "male",
        "disability": "idea",
        "english_learner": "yes",
        "outcome": "no_action",
        "under_18": True,
        "force_used": False,
        "school_discipline": False,
        "discipline_decided_by": None,
        **extra,
    }


def call_data(roster, **extra):
    return {
        "occurred_at": NOW - datetime.timedelta(hours=3),
        "location": "Gym",
        "requested_by": "teacher",
        "reason": "fight",
        "emergency": False,
        "responding_staff": roster.sro,
        "narrative": "Two students fought.",
        "outcome": "referred_to_school",
        **extra,
    }


# Calls ---------------------------------------------------------------------------------------
def test_call_create_records_students_and_history(world, roster):
    call = call_create(
        district=world.district,
        school=world.school_a,
        data=call_data(roster, call_ref="CV-1"),
        students=[student(), student(sex="female", outcome="warning")],
        by=world.safety_staff,
    )
    assert call.students.count() == 2
    assert call.history.count() == 1
    assert call.history.first().history_user == world.safety_staff


def test_call_at_school_of_other_district_is_refused(world, roster):
    with pytest.raises(IncidentError):
        call_create(
            district=world.district,
            school=world.other_school,
            data=call_data(roster),
            students=[],
            by=world.admin,
        )
    assert Call.objects.count() == 0


def test_call_with_staff_of_other_district_is_refused(world, roster):
    with pytest.raises(IncidentError):
        call_create(
            district=world.district,
            school=world.school_a,
            data=call_data(roster, responding_staff=roster.other_district_staff),
            students=[],
            by=world.admin,
        )


def test_duplicate_call_ref_is_refused(world, roster):
    call_create(
        district=world.district,
        school=world.school_a,
        data=call_data(roster, call_ref="X1"),
        students=[],
        by=world.admin,
    )
    with pytest.raises(IncidentError):
        call_create(
            district=world.district,
            school=world.school_a,
            data=call_data(roster, call_ref="X1"),
            students=[],
            by=world.admin,
        )
    assert Call.objects.count() == 1


def test_call_in_the_future_is_refused(world, roster):
    with pytest.raises(IncidentError):
        call_create(
            district=world.district,
            school=world.school_a,
            data=call_data(roster, occurred_at=NOW + datetime.timedelta(days=2)),
            students=[],
            by=world.admin,
        )


def test_void_keeps_the_call(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    call_void(call=call, reason="Entered twice", by=world.admin)
    call.refresh_from_db()
    assert call.status == Call.Status.VOIDED
    assert Call.objects.filter(pk=call.pk).exists()
    with pytest.raises(IncidentError):
        call_void(call=call, reason="again", by=world.admin)


# R-11 ----------------------------------------------------------------------------------------
def test_discipline_names_the_principal(world, roster):
    call = call_create(
        district=world.district,
        school=world.school_a,
        data=call_data(roster),
        students=[student(school_discipline=True, discipline_decided_by=world.principal_a)],
        by=world.principal_a,
    )
    assert call.students.get().discipline_decided_by == world.principal_a


def test_discipline_without_administrator_is_refused(world, roster):
    with pytest.raises(IncidentError) as error:
        call_create(
            district=world.district,
            school=world.school_a,
            data=call_data(roster),
            students=[student(school_discipline=True)],
            by=world.principal_a,
        )
    assert "discipline_decided_by" in error.value.field_errors
    assert Call.objects.count() == 0


def test_sro_cannot_be_named_as_deciding_discipline(world, roster):
    # The SRO's account is on the roster as an SRO: never a decider, even if given a role.
    with pytest.raises(IncidentError):
        call_create(
            district=world.district,
            school=world.school_a,
            data=call_data(roster),
            students=[student(school_discipline=True, discipline_decided_by=world.safety_staff)],
            by=world.safety_staff,
        )
    assert Call.objects.count() == 0


def test_principal_of_another_school_cannot_decide_discipline(world, roster):
    with pytest.raises(IncidentError):
        call_create(
            district=world.district,
            school=world.school_a,
            data=call_data(roster),
            students=[student(school_discipline=True, discipline_decided_by=world.principal_b)],
            by=world.admin,
        )


def test_database_refuses_discipline_without_decider(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory(call=call, school_discipline=True, discipline_decided_by=None)


def test_student_add_checks_discipline(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IncidentError):
        student_add(call=call, data=student(school_discipline=True), by=world.admin)
    added = student_add(call=call, data=student(), by=world.admin)
    assert added.call == call


# R-10 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("basis", ["danger", "disruption", "emergency"])
def test_request_on_each_lawful_basis(world, basis):
    request = intervention_request_create(
        district=world.district,
        school=world.school_a,
        basis=basis,
        requester_role="teacher",
        description="Student throwing chairs",
        by=world.teacher_a,
    )
    assert request.status == InterventionRequest.Status.OPEN
    assert request.kind == InterventionRequest.Kind.REQUEST


@pytest.mark.parametrize("basis", ["enforce_school_rule", "discipline", "", "DANGER"])
def test_request_on_unlawful_basis_is_refused(world, basis):
    with pytest.raises(IncidentError) as error:
        intervention_request_create(
            district=world.district,
            school=world.school_a,
            basis=basis,
            requester_role="teacher",
            description="Dress code",
            by=world.teacher_a,
        )
    assert "basis" in error.value.field_errors
    assert InterventionRequest.objects.count() == 0


def test_database_refuses_unlawful_basis(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionFactory(school=world.school_a, basis="discipline")


def test_self_initiated_is_recorded_as_emergency(world, roster):
    record = intervention_self_initiated_create(
        district=world.district,
        school=world.school_a,
        staff_member=roster.sro,
        occurred_at=NOW - datetime.timedelta(hours=1),
        description="Fire alarm, student hurt",
        outcome="medical_transport",
        by=world.safety_staff,
    )
    assert record.kind == InterventionRequest.Kind.SELF_INITIATED
    assert record.basis == "emergency"
    assert record.responded_by == roster.sro
    assert record.status == InterventionRequest.Status.RESPONDED


def test_self_initiated_cannot_end_in_discipline(world, roster):
    with pytest.raises(IncidentError):
        intervention_self_initiated_create(
            district=world.district,
            school=world.school_a,
            staff_member=roster.sro,
            occurred_at=NOW - datetime.timedelta(hours=1),
            description="x",
            outcome="school_discipline",
            by=world.safety_staff,
        )


def test_respond_records_who_when_and_response_time(world, roster):
    request = InterventionFactory(
        school=world.school_a,
        requested_by=world.teacher_a,
        requested_at=NOW - datetime.timedelta(minutes=30),
    )
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    request = intervention_respond(
        request=request,
        responded_by=roster.sro,
        responded_at=NOW - datetime.timedelta(minutes=22),
        outcome="de_escalated",
        call=call,
        by=world.safety_staff,
    )
    assert request.status == InterventionRequest.Status.RESPONDED
    assert request.response_minutes == 8
    assert request.call == call
    with pytest.raises(IncidentError):
        intervention_respond(
            request=request,
            responded_by=roster.sro,
            responded_at=NOW,
            outcome="resolved",
            by=world.safety_staff,
        )


def test_response_before_request_is_refused(world, roster):
    request = InterventionFactory(school=world.school_a, requested_at=NOW)
    with pytest.raises(IncidentError):
        intervention_respond(
            request=request,
            responded_by=roster.sro,
            responded_at=NOW - datetime.timedelta(hours=1),
            outcome="resolved",
            by=world.safety_staff,
        )


def test_response_discipline_needs_an_administrator_not_the_sro(world, roster):
    request = InterventionFactory(school=world.school_a)
    with pytest.raises(IncidentError):
        intervention_respond(
            request=request,
            responded_by=roster.sro,
            responded_at=NOW,
            outcome="school_discipline",
            discipline_decided_by=world.safety_staff,
            by=world.safety_staff,
        )
    request = intervention_respond(
        request=request,
        responded_by=roster.sro,
        responded_at=NOW,
        outcome="school_discipline",
        discipline_decided_by=world.principal_a,
        by=world.principal_a,
    )
    assert request.discipline_decided_by == world.principal_a


def test_link_to_call_of_another_school_is_refused(world, roster):
    request = InterventionFactory(school=world.school_a)
    call_b = CallFactory(school=world.school_b, responding_staff=roster.officer_b)
    with pytest.raises(IncidentError):
        intervention_respond(
            request=request,
            responded_by=roster.sro,
            responded_at=NOW,
            outcome="resolved",
            call=call_b,
            by=world.admin,
        )


def test_withdraw_only_open_requests(world):
    request = InterventionFactory(school=world.school_a)
    intervention_withdraw(request=request, by=world.teacher_a)
    request.refresh_from_db()
    assert request.status == InterventionRequest.Status.WITHDRAWN
    with pytest.raises(IncidentError):
        intervention_withdraw(request=request, by=world.teacher_a)


# R-12 ----------------------------------------------------------------------------------------
def activity(**extra):
    return {
        "kind": "interrogation",
        "occurred_at": NOW - datetime.timedelta(hours=2),
        "on_premises": False,
        "student_under_18": True,
        "custodial_interrogation": True,
        **extra,
    }


def test_interrogation_of_minor_without_attorney_is_refused(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IncidentError) as error:
        activity_create(call=call, data=activity(), by=world.safety_staff)
    assert "attorney_access_at" in error.value.field_errors
    assert "parent_notified_at" in error.value.field_errors
    assert LawEnforcementActivity.objects.count() == 0


@pytest.mark.parametrize(
    "trigger", ["custodial_interrogation", "detained_probable_cause", "consent_search"]
)
def test_each_trigger_needs_attorney_access(world, roster, trigger):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    data = {**activity(kind="search_person"), "custodial_interrogation": False, trigger: True}
    with pytest.raises(IncidentError):
        activity_create(call=call, data=data, by=world.safety_staff)


def test_interrogation_with_attorney_access_is_saved(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    record = activity_create(
        call=call,
        data=activity(
            attorney_access_at=NOW - datetime.timedelta(hours=3),
            attorney_access_method="phone",
            attorney_access_before_waiver=True,
            parent_notified_at=NOW - datetime.timedelta(hours=3),
            parent_notification_method="Phone call to mother",
        ),
        by=world.safety_staff,
    )
    assert record.attorney_access_compliant


def test_attorney_access_after_the_questioning_is_refused(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IncidentError):
        activity_create(
            call=call,
            data=activity(
                attorney_access_at=NOW - datetime.timedelta(hours=1),
                attorney_access_method="phone",
                attorney_access_before_waiver=True,
                parent_notified_at=NOW,
            ),
            by=world.safety_staff,
        )


def test_exception_needs_its_reason(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IncidentError) as error:
        activity_create(
            call=call,
            data=activity(attorney_exception="imminent_threat", parent_not_notified_reason="x"),
            by=world.safety_staff,
        )
    assert "attorney_exception_reason" in error.value.field_errors
    record = activity_create(
        call=call,
        data=activity(
            attorney_exception="imminent_threat",
            attorney_exception_reason="Student said a bomb was in the building.",
            parent_notified_at=NOW - datetime.timedelta(hours=1),
        ),
        by=world.safety_staff,
    )
    assert record.attorney_access_compliant


def test_adult_or_plain_interview_needs_no_attorney_record(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    activity_create(call=call, data=activity(student_under_18=False), by=world.safety_staff)
    activity_create(
        call=call,
        data=activity(kind="interview", custodial_interrogation=False),
        by=world.safety_staff,
    )
    assert LawEnforcementActivity.objects.count() == 2


def test_on_premises_needs_a_reason(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IncidentError):
        activity_create(
            call=call,
            data=activity(student_under_18=False, on_premises=True),
            by=world.safety_staff,
        )


def test_database_refuses_minor_interrogation_without_attorney(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    with pytest.raises(IntegrityError), transaction.atomic():
        LawEnforcementActivity.objects.create(call=call, **activity())


def test_student_of_another_call_is_refused(world, roster):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro)
    other = StudentFactory(call=CallFactory(school=world.school_a, responding_staff=roster.sro))
    with pytest.raises(IncidentError):
        activity_create(
            call=call, data=activity(student_under_18=False, student=other), by=world.safety_staff
        )


# R-13 ----------------------------------------------------------------------------------------
def test_business_days_skip_weekends():
    friday = datetime.date(2026, 11, 27)
    assert add_business_days(friday, 2) == datetime.date(2026, 12, 1)
    assert add_business_days(friday, 5) == datetime.date(2026, 12, 4)
    assert add_business_days(datetime.date(2026, 11, 23), 2) == datetime.date(2026, 11, 25)


def restraint_data(roster, **extra):
    return {
        "occurred_at": NOW - datetime.timedelta(days=4),  # Monday 23 November
        "staff_member": roster.sro,
        "staff_title": "Deputy",
        "leading_activity": "Student ran toward traffic",
        "kind": "restraint",
        "restraint_type": "Escort hold",
        "duration_minutes": 2,
        **extra,
    }


def test_restraint_clocks_flag_late_and_overdue(world, roster):
    report = restraint_report_create(
        district=world.district,
        school=world.school_a,
        data=restraint_data(
            roster,
            parent_verbal_notice_at=NOW - datetime.timedelta(days=4) + datetime.timedelta(hours=30),
            report_submitted_at=NOW - datetime.timedelta(days=3),
        ),
        by=world.safety_staff,
    )
    clocks = {c.key: c for c in restraint_clocks(report)}
    assert clocks["report"].state == "done"
    assert clocks["verbal"].state == "late"
    # Written notice due Monday + 5 business days = Monday 30 November: not yet late on Friday.
    assert clocks["written"].state == "due"
    old = restraint_report_create(
        district=world.district,
        school=world.school_a,
        data=restraint_data(roster, occurred_at=NOW - datetime.timedelta(days=14)),
        by=world.safety_staff,
    )
    assert {c.state for c in restraint_clocks(old)} == {"overdue"}


def test_restraint_report_before_the_incident_is_refused(world, roster):
    with pytest.raises(IncidentError) as error:
        restraint_report_create(
            district=world.district,
            school=world.school_a,
            data=restraint_data(roster, report_submitted_at=NOW - datetime.timedelta(days=5)),
            by=world.safety_staff,
        )
    assert "report_submitted_at" in error.value.field_errors
    assert RestraintReport.objects.count() == 0


def test_database_refuses_notice_before_incident(world, roster):
    from tests.incidents.factories import RestraintFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        RestraintFactory(
            school=world.school_a,
            staff_member=roster.sro,
            parent_written_notice_at=timezone.now() - datetime.timedelta(days=10),
        )


# R-14 ----------------------------------------------------------------------------------------
def test_incidents_are_calls_and_interventions_ending_in_discipline_force_or_arrest(world, roster):
    plain = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="report_taken")
    StudentFactory(call=plain, outcome="warning")
    arrest = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="arrest")
    force = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="other")
    StudentFactory(call=force, force_used=True)
    discipline = CallFactory(school=world.school_a, responding_staff=roster.sro)
    StudentFactory(call=discipline, school_discipline=True, discipline_decided_by=world.principal_a)
    student_arrest = CallFactory(school=world.school_a, responding_staff=roster.sro)
    StudentFactory(call=student_arrest, outcome="arrest")
    assert set(Call.objects.incidents()) == {arrest, force, discipline, student_arrest}
    assert not plain.is_incident and force.is_incident
    ended = InterventionFactory(school=world.school_a, outcome="use_of_force", status="responded")
    InterventionFactory(school=world.school_a, outcome="de_escalated", status="responded")
    assert list(InterventionRequest.objects.incidents()) == [ended]


def test_school_year_querysets(world, roster):
    inside = CallFactory(school=world.school_a, responding_staff=roster.sro)
    CallFactory(
        school=world.school_a,
        responding_staff=roster.sro,
        occurred_at=datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC),
    )
    StudentFactory(call=inside)
    assert list(Call.objects.in_school_year(world.year)) == [inside]
    assert StudentInvolved.objects.in_school_year(world.year).count() == 1


# R-15 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Officer asked about his immigration status",
        "She is undocumented",
        "Student said he was born in Guatemala",
        "Preguntó por su situación migratoria y ciudadanía",
        "Dijo que nació en México",
        "His visa expired",
        "Lugar de nacimiento: Oaxaca",
    ],
)
def test_sensitive_terms_in_english_and_spanish(text):
    assert sensitive_terms(text)


def test_plain_narrative_raises_no_warning():
    assert sensitive_terms("Two students fought near the gym; both were sent to the office.") == []


def test_no_model_field_names_immigration_citizenship_visa_or_birthplace():
    from django.apps import apps

    forbidden = ("immigration_status", "citizen", "visa", "birth", "nationality", "country")
    for model in apps.get_app_config("incidents").get_models():
        for field in model._meta.get_fields():
            assert not any(word in field.name for word in forbidden), (model, field.name)


def agency_data(**extra):
    return {
        "received_on": datetime.date(2026, 11, 20),
        "agency": "Federal immigration field office",
        "what_was_asked": "Addresses of two families",
        "legal_basis": "administrative_warrant",
        "immigration_enforcement": True,
        "status": "answered",
        **extra,
    }


def test_immigration_request_without_judicial_order_is_refused_and_routed(world):
    record = agency_request_log(district=world.district, data=agency_data(), by=world.principal_a)
    assert record.status == AgencyInformationRequest.Status.REFUSED
    assert record.routed_to_program_admin
    email = OutboundEmail.objects.get()
    assert world.admin.email in email.to


def test_immigration_request_with_judicial_order_is_routed_not_forced_refused(world):
    record = agency_request_log(
        district=world.district, data=agency_data(legal_basis="judicial_order"), by=world.admin
    )
    # Logged as received: the answer is its own step (see test_agency_answer_*).
    assert record.status == AgencyInformationRequest.Status.RECEIVED
    assert record.routed_to_program_admin


def test_other_agency_request_is_just_logged(world):
    record = agency_request_log(
        district=world.district,
        data=agency_data(immigration_enforcement=False, legal_basis="subpoena", agency="Court"),
        by=world.admin,
    )
    assert not record.routed_to_program_admin
    assert OutboundEmail.objects.count() == 0


def test_database_refuses_answered_immigration_request_without_order(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyInformationRequest.objects.create(
            district=world.district,
            logged_by=world.admin,
            routed_to_program_admin=True,
            answered_on=datetime.date(2026, 11, 21),
            **agency_data(),
        )
