"""Views through the real stack: scope (district, school, role), writes, bad input, queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from incidents.models import (
    AgencyInformationRequest,
    Call,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintReport,
    StudentInvolved,
)
from tests.incidents.factories import (
    CallFactory,
    InterventionFactory,
    RestraintFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(world, roster):
    a = CallFactory(school=world.school_a, responding_staff=roster.sro, call_ref="A-1")
    StudentFactory(call=a)
    b = CallFactory(school=world.school_b, responding_staff=roster.officer_b, call_ref="B-1")
    other = CallFactory(school=world.other_school, responding_staff=roster.other_district_staff)
    return a, b, other


def call_post(world, roster, school=None, **extra):
    data = {
        "school": (school or world.school_a).pk,
        "occurred_at": "2026-11-26T09:30",
        "location": "Gym",
        "call_ref": "",
        "requested_by": "teacher",
        "reason": "fight",
        "responding_staff": roster.sro.pk,
        "outcome": "referred_to_school",
        "narrative": "Two students fought.",
        "students-TOTAL_FORMS": "3",
        "students-INITIAL_FORMS": "0",
        "students-MIN_NUM_FORMS": "0",
        "students-MAX_NUM_FORMS": "30",
    }
    for i, sex in enumerate(("female", "male")):
        data.update(
            {
                f"students-{i}-role": "subject",
                f"students-{i}-grade": "10",
                f"students-{i}-race_ethnicity": "asian",
                f"students-{i}-sex": sex,
                f"students-{i}-disability": "none",
                f"students-{i}-english_learner": "no",
                f"students-{i}-outcome": "warning",
                f"students-{i}-under_18": "on",
            }
        )
    # An untouched block posts what a browser posts: its defaults.
    data.update({"students-2-under_18": "on", "students-2-role": "subject"})
    data.update(extra)
    return data


# Reading calls: scope ---------------------------------------------------------------------
def test_call_list_shows_only_the_users_schools(world, calls, client_for):
    a, b, other = calls
    pages = {
        "admin": client_for(world.admin).get(reverse("incidents:call_list")),
        "principal_a": client_for(world.principal_a).get(reverse("incidents:call_list")),
        "safety": client_for(world.safety_staff).get(reverse("incidents:call_list")),
    }
    assert set(pages["admin"].context["page"]) == {a, b}
    assert list(pages["principal_a"].context["page"]) == [a]
    assert list(pages["safety"].context["page"]) == [a]


@pytest.mark.parametrize(
    ("who", "status"),
    [("principal_b", 404), ("outsider", 404), ("board", 403), ("investigator", 403),
     ("teacher_a", 403), ("liaison", 403)],
)  # fmt: skip
def test_call_detail_is_closed_to_others(world, calls, client_for, who, status):
    a, _b, _other = calls
    url = reverse("incidents:call_detail", args=[a.pk])
    assert client_for(getattr(world, who)).get(url).status_code == status


def test_call_detail_and_history_for_the_school(world, calls, client_for):
    a, b, other = calls
    client = client_for(world.safety_staff)
    assert client.get(reverse("incidents:call_detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("incidents:call_history", args=[a.pk])).status_code == 200
    assert client.get(reverse("incidents:call_detail", args=[b.pk])).status_code == 404
    assert client.get(reverse("incidents:call_detail", args=[other.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    for name in ("call_list", "call_create", "intervention_create", "restraint_create"):
        response = client.get(reverse(f"incidents:{name}"))
        assert response.status_code == 302 and "/login/" in response.url


def test_call_list_query_count_is_fixed(world, roster, client_for, django_assert_max_num_queries):
    for _ in range(30):
        StudentFactory(call=CallFactory(school=world.school_a, responding_staff=roster.sro))
    client = client_for(world.admin)
    client.get(reverse("incidents:call_list"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("incidents:call_list"))
    assert len(response.context["page"]) == 30


def test_call_filters(world, calls, client_for):
    a, b, _other = calls
    client = client_for(world.admin)
    response = client.get(reverse("incidents:call_list"), {"school": world.school_b.pk})
    assert list(response.context["page"]) == [b]
    response = client.get(reverse("incidents:call_list"), {"staff": a.responding_staff.pk})
    assert list(response.context["page"]) == [a]
    response = client.get(reverse("incidents:call_list"), {"date_from": "2027-01-01"})
    assert list(response.context["page"]) == []


def test_export_respects_scope(world, calls, client_for):
    response = client_for(world.principal_a).get(reverse("incidents:call_export"))
    body = b"".join(response.streaming_content).decode()
    assert "A-1" in body and "B-1" not in body
    assert "citizenship" not in body.splitlines()[0]


# Writing calls ----------------------------------------------------------------------------
def test_safety_staff_log_a_call_with_two_students(world, roster, client_for):
    response = client_for(world.safety_staff).post(
        reverse("incidents:call_create"), call_post(world, roster)
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert call.created_by == world.safety_staff
    assert call.students.count() == 2


def test_call_at_a_school_outside_scope_is_refused(world, roster, client_for):
    response = client_for(world.safety_staff).post(
        reverse("incidents:call_create"), call_post(world, roster, school=world.school_b)
    )
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    other = client_for(world.safety_staff).post(
        reverse("incidents:call_create"), call_post(world, roster, school=world.other_school)
    )
    assert other.status_code == 200
    assert Call.objects.count() == 0


def test_read_only_roles_cannot_write_calls(world, roster, client_for):
    for who in (world.board, world.teacher_a, world.investigator):
        response = client_for(who).post(reverse("incidents:call_create"), call_post(world, roster))
        assert response.status_code == 403
    assert Call.objects.count() == 0


def test_edit_and_void_a_call(world, calls, client_for, roster):
    a, b, _other = calls
    client = client_for(world.principal_a)
    data = call_post(world, roster, reason="theft", correction_reason="It was a theft.")
    response = client.post(reverse("incidents:call_edit", args=[a.pk]), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.reason == "theft" and a.history.count() == 2
    assert client.post(reverse("incidents:call_edit", args=[b.pk]), data).status_code == 404
    client.post(reverse("incidents:call_void", args=[a.pk]), {"reason": "Duplicate"})
    a.refresh_from_db()
    assert a.status == Call.Status.VOIDED
    assert (
        client.post(reverse("incidents:call_void", args=[b.pk]), {"reason": "x"}).status_code == 404
    )
    assert (
        client_for(world.board)
        .post(reverse("incidents:call_void", args=[b.pk]), {"reason": "x"})
        .status_code
        == 403
    )


def test_discipline_by_sro_is_refused_on_the_form(world, roster, client_for):
    data = call_post(world, roster)
    data["students-0-school_discipline"] = "on"
    data["students-0-discipline_decided_by"] = world.safety_staff.pk
    response = client_for(world.safety_staff).post(reverse("incidents:call_create"), data)
    assert response.status_code == 200
    assert Call.objects.count() == 0
    data["students-0-discipline_decided_by"] = world.principal_a.pk
    response = client_for(world.safety_staff).post(reverse("incidents:call_create"), data)
    assert response.status_code == 302
    assert StudentInvolved.objects.filter(discipline_decided_by=world.principal_a).count() == 1


# the narrative warning ----------------------------------------------------------------
def test_narrative_about_immigration_warns_before_saving(world, roster, client_for):
    client = client_for(world.safety_staff)
    data = call_post(world, roster, narrative="The student said he was born in Honduras.")
    response = client.post(reverse("incidents:call_create"), data)
    assert response.status_code == 200
    assert "born in" in response.content.decode()
    assert 'type="checkbox" name="confirm_sensitive"' in response.content.decode()
    assert Call.objects.count() == 0
    data["confirm_sensitive"] = "on"
    assert client.post(reverse("incidents:call_create"), data).status_code == 302
    assert Call.objects.count() == 1


def test_warning_is_in_spanish_too(world, roster, client_for):
    client = client_for(world.safety_staff)
    data = call_post(world, roster, narrative="Dijo que es indocumentado.")
    client.cookies["django_language"] = "es"
    response = client.post(reverse("incidents:call_create"), data)
    assert "situación migratoria" in response.content.decode()
    assert "Advertencia" in response.content.decode()
    assert Call.objects.count() == 0


# Activities (R-12) -------------------------------------------------------------------------
def activity_post(**extra):
    data = {
        "kind": "interrogation",
        "occurred_at": "2026-11-26T10:00",
        "student_under_18": "on",
        "custodial_interrogation": "on",
    }
    data.update(extra)
    return data


def test_interrogation_without_attorney_record_is_refused(world, calls, client_for):
    a = calls[0]
    url = reverse("incidents:activity_create", args=[a.pk])
    response = client_for(world.safety_staff).post(url, activity_post())
    assert response.status_code == 200
    assert "attorney_access_at" in response.context["form"].errors
    assert LawEnforcementActivity.objects.count() == 0


def test_interrogation_with_attorney_access_is_saved(world, calls, client_for):
    a = calls[0]
    url = reverse("incidents:activity_create", args=[a.pk])
    data = activity_post(
        attorney_access_at="2026-11-26T09:40",
        attorney_access_method="phone",
        attorney_access_before_waiver="on",
        parent_notified_at="2026-11-26T09:45",
        parent_notification_method="Phone",
        student=a.students.get().pk,
    )
    assert client_for(world.safety_staff).post(url, data).status_code == 302
    assert LawEnforcementActivity.objects.get().attorney_access_compliant
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.board).post(url, data).status_code == 403


def test_activity_list_and_export(world, calls, client_for, django_assert_max_num_queries):
    client = client_for(world.admin)
    client.get(reverse("incidents:activity_list"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("incidents:activity_list")).status_code == 200
    assert client.get(reverse("incidents:activity_export")).status_code == 200


# Intervention requests (R-10) --------------------------------------------------------------
def request_post(world, **extra):
    data = {
        "school": world.school_a.pk,
        "basis": "danger",
        "requester_role": "teacher",
        "location": "Room 12",
        "description": "A student is throwing chairs at classmates.",
    }
    data.update(extra)
    return data


def test_teacher_files_a_request(world, roster, client_for):
    response = client_for(world.teacher_a).post(
        reverse("incidents:intervention_create"), request_post(world)
    )
    record = InterventionRequest.objects.get()
    assert response.status_code == 302
    assert record.requested_by == world.teacher_a and record.basis == "danger"


@pytest.mark.parametrize("basis", ["enforce_school_rule", "discipline", "", "danger;drop"])
def test_forged_unlawful_basis_is_refused(world, client_for, basis):
    response = client_for(world.principal_a).post(
        reverse("incidents:intervention_create"), request_post(world, basis=basis)
    )
    assert response.status_code == 200
    assert "basis" in response.context["form"].errors
    assert InterventionRequest.objects.count() == 0


def test_request_form_explains_the_bases_and_offers_only_three(world, client_for):
    response = client_for(world.principal_a).get(reverse("incidents:intervention_create"))
    html = response.content.decode()
    assert html.count('name="basis"') == 3
    assert "school rule" in html


def test_request_for_another_school_is_refused(world, client_for):
    response = client_for(world.teacher_a).post(
        reverse("incidents:intervention_create"), request_post(world, school=world.school_b.pk)
    )
    assert response.status_code == 200
    assert InterventionRequest.objects.count() == 0
    assert (
        client_for(world.board)
        .post(reverse("incidents:intervention_create"), request_post(world))
        .status_code
        == 403
    )
    assert (
        client_for(world.safety_staff)
        .post(reverse("incidents:intervention_create"), request_post(world))
        .status_code
        == 403
    )


def test_response_is_recorded_by_school_staff_not_the_teacher(world, roster, client_for):
    record = InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
    url = reverse("incidents:intervention_respond", args=[record.pk])
    data = {
        "responded_by": roster.sro.pk,
        "responded_at": "2026-11-27T01:59",
        "outcome": "de_escalated",
    }
    assert client_for(world.teacher_a).post(url, data).status_code == 403
    assert client_for(world.principal_b).post(url, data).status_code == 404
    assert client_for(world.outsider).post(url, data).status_code == 404
    response = client_for(world.safety_staff).post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    record.refresh_from_db()
    assert record.status == "responded" and record.responded_by == roster.sro


def test_teacher_sees_own_requests_principal_sees_school(world, roster, client_for):
    mine = InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
    InterventionFactory(school=world.school_b)
    page = client_for(world.teacher_a).get(reverse("incidents:intervention_list"))
    assert list(page.context["page"]) == [mine]
    page = client_for(world.principal_b).get(reverse("incidents:intervention_list"))
    assert mine not in list(page.context["page"])


def test_principal_dashboard_shows_response_times(world, roster, client_for):
    now = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    InterventionFactory(
        school=world.school_a, requested_at=now, responded_at=now + datetime.timedelta(minutes=7),
        responded_by=roster.sro, status="responded", outcome="resolved",
    )  # fmt: skip
    response = client_for(world.principal_a).get(reverse("srp:dashboard"))
    assert "Intervention requests at my schools" in response.content.decode()
    assert "7 min" in response.content.decode()


def test_self_initiated_by_safety_staff(world, roster, client_for):
    response = client_for(world.safety_staff).post(
        reverse("incidents:self_initiated"),
        {
            "school": world.school_a.pk,
            "occurred_at": "2026-11-27T01:00",
            "description": "Medical emergency in the gym",
            "outcome": "medical_transport",
        },
    )
    assert response.status_code == 302
    assert InterventionRequest.objects.get().kind == "self_initiated"


# Restraint (R-13) ---------------------------------------------------------------------------
def restraint_post(world, roster, **extra):
    data = {
        "school": world.school_a.pk,
        "occurred_at": "2026-11-25T10:00",
        "staff_member": roster.sro.pk,
        "staff_title": "Deputy",
        "kind": "restraint",
        "restraint_type": "Escort hold",
        "duration_minutes": "3",
        "students_count": "1",
        "leading_activity": "Student ran toward the street",
    }
    data.update(extra)
    return data


def test_restraint_report_before_the_incident_is_refused(world, roster, client_for):
    data = restraint_post(world, roster, report_submitted_at="2026-11-24T10:00")
    response = client_for(world.safety_staff).post(reverse("incidents:restraint_create"), data)
    assert response.status_code == 200
    assert "report_submitted_at" in response.context["form"].errors
    assert RestraintReport.objects.count() == 0


def test_restraint_report_saved_and_clocks_shown(world, roster, client_for):
    client = client_for(world.safety_staff)
    response = client.post(reverse("incidents:restraint_create"), restraint_post(world, roster))
    assert response.status_code == 302
    report = RestraintReport.objects.get()
    page = client.get(reverse("incidents:restraint_detail", args=[report.pk]))
    assert "Overdue" in page.content.decode()  # verbal notice: 24 hours have passed
    assert (
        client_for(world.principal_b)
        .get(reverse("incidents:restraint_detail", args=[report.pk]))
        .status_code
        == 404
    )


def test_restraint_list_summary_and_queries(
    world, roster, client_for, django_assert_max_num_queries
):
    for _ in range(10):
        RestraintFactory(school=world.school_a, staff_member=roster.sro, student_injured=True)
    client = client_for(world.admin)
    client.get(reverse("incidents:restraint_list"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("incidents:restraint_list")).status_code == 200
    summary = client.get(reverse("incidents:restraint_summary"))
    assert summary.context["summary"]["incidents"] == 10
    assert summary.context["summary"]["student_injuries"] == 10
    csv_response = client.get(reverse("incidents:restraint_summary"), {"format": "csv"})
    assert b"incidents,10" in b"".join(csv_response.streaming_content)


# Incidents (R-14) ---------------------------------------------------------------------------
def test_incident_list_and_export(world, roster, client_for, django_assert_max_num_queries):
    arrest = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="arrest")
    StudentFactory(call=arrest, disability="idea", outcome="arrest")
    CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="no_action")
    client = client_for(world.principal_a)
    client.get(reverse("incidents:incident_list"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("incidents:incident_list"))
    assert list(response.context["page"]) == [arrest]
    body = b"".join(client.get(reverse("incidents:incident_export")).streaming_content).decode()
    assert "idea" in body and body.count("\ncall,") == 1
    assert client_for(world.teacher_a).get(reverse("incidents:incident_list")).status_code == 403


# Outside-agency requests (R-15) -----------------------------------------------------------
def test_immigration_request_logged_refused_and_routed(world, client_for):
    response = client_for(world.principal_a).post(
        reverse("incidents:agency_request_create"),
        {
            "received_on": "2026-11-26",
            "agency": "ICE field office",
            "what_was_asked": "Addresses of students",
            "legal_basis": "administrative_warrant",
            "immigration_enforcement": "on",
            "status": "answered",
            "confirm_sensitive": "on",
        },
    )
    assert response.status_code == 302
    record = AgencyInformationRequest.objects.get()
    assert record.status == "refused" and record.routed_to_program_admin
    assert (
        client_for(world.admin)
        .get(reverse("incidents:agency_request_detail", args=[record.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(world.outsider)
        .get(reverse("incidents:agency_request_detail", args=[record.pk]))
        .status_code
        == 404
    )
    assert client_for(world.board).get(reverse("incidents:agency_request_list")).status_code == 403


def test_dashboards_render_for_each_role(world, calls, client_for):
    for who in (world.admin, world.principal_a, world.safety_staff):
        assert client_for(who).get(reverse("srp:dashboard")).status_code == 200


def test_teacher_dashboard_offers_a_request_and_lists_their_own(world, client_for):
    from incidents.models import InterventionRequest

    page = client_for(world.teacher_a).get(reverse("srp:dashboard")).content.decode()
    assert "My intervention requests" in page
    assert reverse("incidents:intervention_create") in page
    assert "You have not filed a request yet." in page
    InterventionRequest.objects.create(
        district=world.district,
        school=world.school_a,
        basis=InterventionRequest._meta.get_field("basis").choices[0][0],
        requested_by=world.teacher_a,
        description="A student is threatening others with a chair.",
    )
    page = client_for(world.teacher_a).get(reverse("srp:dashboard")).content.decode()
    assert "1 request is waiting for a response." in page
    other = client_for(world.principal_b).get(reverse("srp:dashboard")).content.decode()
    assert "My intervention requests" not in other
