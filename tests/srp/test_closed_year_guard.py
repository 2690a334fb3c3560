"""A closed school year changes only with a reason (issue #13, item 6; R-22, R-23).

Once a year is closed (`reports.services.school_year_close`), every service that changes a
record the year's report counts refuses a change without a reason, on the form's "Reason for
the change" field and with nothing saved; with a reason the change is saved and the reason is
in the record's history, where the report's revisions list it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import StaffAssignment, TrainingRecord
from agreements.services import AgreementError, staff_assignment_save, training_record_add
from complaints.models import Allegation, Category, Complaint
from complaints.services import ComplaintError, allegation_save
from notices.models import Delivery
from notices.services import NoticeError, delivery_record
from reports.revisions import revisions_since_close
from srp.closing import require_reason_if_closed
from srp.models import Enrollment
from srp.rules import RuleError
from srp.services import SrpError, enrollment_set
from tests.agreements.factories import StaffMemberFactory
from tests.complaints import factories as complaint_factories
from tests.factories import SchoolYearFactory

CLOSED_MESSAGE = "The 2025-26 school year is closed: say why this record changes."


@pytest.fixture
def closed(world):
    """The 2025-26 year of the world's district, over and closed by its administrator."""
    year = SchoolYearFactory(district=world.district, label="2025-26")
    year.closed_at = timezone.now() - datetime.timedelta(days=1)
    year.closed_by = world.admin
    year.save()
    return year


@pytest.fixture
def staff(world):
    return StaffMemberFactory(
        district=world.district,
        active_from=datetime.date(2025, 8, 1),
        first_day_on_campus=datetime.date(2025, 8, 20),
    )


@pytest.fixture
def old_complaint(world, closed):
    """A complaint received in March 2026 (the closed 2025-26 year)."""
    complaint = complaint_factories.complaint(world)
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    )
    complaint.refresh_from_db()
    return complaint


def last_reason(record):
    return record.history.order_by("-history_date", "-history_id").first().history_change_reason


# The guard itself ------------------------------------------------------------------------------
def test_the_guard_asks_for_a_reason_only_in_a_closed_year(world, closed):
    with pytest.raises(RuleError) as caught:
        require_reason_if_closed(
            district=world.district, on_date=datetime.date(2026, 3, 1), reason="  "
        )
    assert caught.value.field == "reason"
    assert CLOSED_MESSAGE in caught.value.text
    with pytest.raises(AgreementError):  # the calling app's own rule error
        require_reason_if_closed(school_year=closed, reason="", error=AgreementError)
    assert (
        require_reason_if_closed(
            district=world.district, on_date=datetime.date(2026, 3, 1), reason=" Late entry "
        )
        == "Late entry"
    )
    # The open current year, and another district's dates, need no reason.
    assert (
        require_reason_if_closed(district=world.district, on_date=world.year.starts_on, reason="")
        == ""
    )
    assert (
        require_reason_if_closed(
            district=world.other_district, on_date=datetime.date(2026, 3, 1), reason=""
        )
        == ""
    )


# Each wired service ----------------------------------------------------------------------------
def test_assignment_in_a_closed_year_needs_a_reason(world, closed, staff):
    with pytest.raises(AgreementError) as caught:
        staff_assignment_save(
            staff_member=staff,
            school=world.school_a,
            school_year=closed,
            days_per_week=Decimal("2"),
            by=world.admin,
        )
    assert caught.value.field == "reason" and CLOSED_MESSAGE in caught.value.text
    assert not StaffAssignment.objects.filter(school_year=closed).exists()
    assignment = staff_assignment_save(
        staff_member=staff,
        school=world.school_a,
        school_year=closed,
        days_per_week=Decimal("2"),
        by=world.admin,
        reason="Assignment left out of the roster",
    )
    entry = assignment.history.first()
    assert entry.history_change_reason == "Assignment left out of the roster"
    assert entry.history_user == world.admin
    # The open year needs no reason.
    staff_assignment_save(
        staff_member=staff,
        school=world.school_a,
        school_year=world.year,
        days_per_week=Decimal("2"),
        by=world.admin,
    )


def test_training_dated_in_a_closed_year_needs_a_reason(world, closed, staff):
    arguments = {
        "staff_member": staff,
        "kind": TrainingRecord.Kind.ON_THE_JOB,
        "completed_on": datetime.date(2026, 3, 2),
        "provided_by": "Sgt. Reyes",
        "by": world.admin,
    }
    with pytest.raises(AgreementError) as caught:
        training_record_add(**arguments)
    assert caught.value.field == "reason"
    assert not TrainingRecord.objects.filter(staff_member=staff).exists()
    record = training_record_add(**arguments, reason="Sign-in sheet found after closing")
    assert last_reason(record) == "Sign-in sheet found after closing"
    assert record.history.first().history_user == world.admin
    # A day of the open year needs none.
    training_record_add(**{**arguments, "completed_on": datetime.date(2026, 9, 3)})


def test_allegation_of_a_closed_years_complaint_needs_a_reason(world, old_complaint):
    arguments = {
        "complaint": old_complaint,
        "by": world.admin,
        "staff_member": None,
        "category": Category.STUDENT_INTERACTION,
        "summary": "Shouted at a student.",
    }
    with pytest.raises(ComplaintError) as caught:
        allegation_save(**arguments)
    assert caught.value.field == "reason"
    assert not Allegation.objects.filter(complaint=old_complaint).exists()
    allegation = allegation_save(**arguments, reason="Allegation missed at intake")
    assert last_reason(allegation) == "Allegation missed at intake"
    # Changing its category later needs a reason again; nothing changes without one.
    changed = {**arguments, "allegation": allegation, "category": Category.JOB_DUTIES}
    with pytest.raises(ComplaintError):
        allegation_save(**changed)
    allegation.refresh_from_db()
    assert allegation.category == Category.STUDENT_INTERACTION
    allegation_save(**changed, reason="Category corrected after review")
    allegation.refresh_from_db()
    assert allegation.category == Category.JOB_DUTIES
    assert last_reason(allegation) == "Category corrected after review"
    closed_year = old_complaint.district.school_years.get(label="2025-26")
    reasons = [r["reason"] for r in revisions_since_close(school_year=closed_year)]
    assert "Category corrected after review" in reasons


def test_allegation_of_an_open_years_complaint_needs_no_reason(world, closed):
    complaint = complaint_factories.complaint(world)
    allegation_save(
        complaint=complaint,
        by=world.admin,
        staff_member=None,
        category=Category.STUDENT_INTERACTION,
        summary="Shouted at a student.",
    )
    assert complaint.allegations.count() == 1


def test_delivery_of_a_closed_year_needs_a_reason(world, closed):
    arguments = {
        "school": world.school_a,
        "school_year": closed,
        "kind": Delivery.Kind.PRESENTATION,
        "delivered_on": datetime.date(2026, 2, 12),
        "by": world.admin,
        "audience": "Grade 9 advisory",
        "presenter": "Ms. Lopez",
        "presentation_format": Delivery.Format.ADVISORY,
    }
    with pytest.raises(NoticeError) as caught:
        delivery_record(**arguments)
    assert caught.value.field == "reason"
    assert not Delivery.objects.filter(school_year=closed).exists()
    delivery = delivery_record(**arguments, reason="Presentation log found in the binder")
    assert last_reason(delivery) == "Presentation log found in the binder"
    assert delivery.history.first().history_user == world.admin


def test_enrollment_of_a_closed_year_needs_a_reason(world, closed):
    with pytest.raises(SrpError) as caught:
        enrollment_set(school=world.school_a, school_year=closed, students=1180, by=world.admin)
    assert caught.value.field == "reason"
    assert not Enrollment.objects.filter(school_year=closed).exists()
    enrollment = enrollment_set(
        school=world.school_a,
        school_year=closed,
        students=1180,
        by=world.admin,
        reason="October count from OSPI",
    )
    assert last_reason(enrollment) == "October count from OSPI"
    # The open year's enrollment changes as before.
    enrollment_set(school=world.school_a, school_year=world.year, students=1210, by=world.admin)


# Through the views -----------------------------------------------------------------------------
def test_assignment_form_shows_the_reason_field_error_and_saves_nothing(
    client_for, world, closed, staff
):
    admin = client_for(world.admin)
    url = reverse("agreements:assignment_add", args=[staff.pk])
    page = admin.get(url).content.decode()
    assert "Reason for the change" in page
    data = {"school": world.school_a.pk, "school_year": closed.pk, "days_per_week": "2"}
    response = admin.post(url, data)
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert CLOSED_MESSAGE in form.errors["reason"][0]
    assert not StaffAssignment.objects.filter(school_year=closed).exists()
    response = admin.post(url, {**data, "reason": "Assignment left out of the roster"})
    assert response.status_code == 302
    assignment = StaffAssignment.objects.get(school_year=closed, staff_member=staff)
    assert assignment.history.first().history_change_reason == "Assignment left out of the roster"


def test_training_form_of_a_district_without_closed_year_has_no_reason_field(
    client_for, world, staff
):
    page = client_for(world.admin).get(reverse("agreements:training_add", args=[staff.pk]))
    assert "Reason for the change" not in page.content.decode()


def test_allegation_form_shows_the_reason_field_error_and_saves_nothing(
    client_for, world, old_complaint
):
    admin = client_for(world.admin)
    url = reverse("complaints:allegation_create", args=[old_complaint.pk])
    assert "Reason for the change" in admin.get(url).content.decode()
    data = {
        "staff_member": "",
        "category": Category.STUDENT_INTERACTION,
        "summary": "Shouted at a student.",
        "finding": "",
        "finding_explanation": "",
    }
    response = admin.post(url, data)
    assert response.status_code == 400
    assert CLOSED_MESSAGE in response.context["form"].errors["reason"][0]
    assert not Allegation.objects.filter(complaint=old_complaint).exists()
    response = admin.post(url, {**data, "reason": "Allegation missed at intake"})
    assert response.status_code == 302
    allegation = Allegation.objects.get(complaint=old_complaint)
    assert allegation.history.first().history_change_reason == "Allegation missed at intake"


def test_delivery_form_of_a_closed_year_requires_the_reason(client_for, world, closed):
    admin = client_for(world.admin)
    url = reverse("notices:delivery_create", args=[world.school_a.pk, Delivery.Kind.PRESENTATION])
    url = f"{url}?year={closed.pk}"
    assert "Reason for the change" in admin.get(url).content.decode()
    response = admin.post(
        url,
        {
            "delivered_on": "2026-02-12",
            "audience": "Grade 9 advisory",
            "presenter": "Ms. Lopez",
            "presentation_format": Delivery.Format.ADVISORY,
        },
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["reason"]
    assert not Delivery.objects.filter(school_year=closed).exists()


def test_enrollment_form_shows_the_reason_field_error(client_for, world, closed):
    admin = client_for(world.admin)
    url = reverse("srp:school_detail", args=[world.school_a.pk])
    response = admin.post(url, {"school_year": closed.pk, "students": "1180"})
    assert response.status_code in (200, 400)
    assert CLOSED_MESSAGE in response.context["form"].errors["reason"][0]
    assert not Enrollment.objects.filter(school_year=closed).exists()


def test_the_message_and_field_read_in_spanish(world, closed):
    from django.utils import translation

    from srp.closing import add_reason_field
    from srp.forms import EnrollmentForm

    with translation.override("es"):
        with pytest.raises(RuleError) as caught:
            require_reason_if_closed(school_year=closed, reason="")
        assert "El año escolar 2025-26 está cerrado" in caught.value.text
        form = EnrollmentForm(district=world.district)
        add_reason_field(form)
        assert str(form.fields["reason"].label) == "Motivo del cambio"


# Incidents: calls, their students and activities, interventions --------------------------------
OLD_DAY = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)


def test_incidents_records_of_a_closed_year_need_a_reason(world, closed):
    from incidents.models import Call, InterventionRequest, LawEnforcementActivity, StudentInvolved
    from incidents.services import (
        CORRECTION_REASON,
        IncidentError,
        activity_create,
        call_create,
        intervention_request_create,
        intervention_respond,
        intervention_self_initiated_create,
        student_add,
    )
    from tests.incidents.factories import CallFactory, InterventionFactory, StaffMemberFactory
    from tests.incidents.test_rules import student

    sro = StaffMemberFactory(district=world.district, user=world.safety_staff)
    call_data = {
        "occurred_at": OLD_DAY,
        "location": "Gym",
        "requested_by": "teacher",
        "reason": "fight",
        "emergency": False,
        "responding_staff": sro,
        "narrative": "Two students fought.",
        "outcome": "referred_to_school",
        "call_ref": "CV-OLD-1",
    }

    def refused(service, **arguments):
        with pytest.raises(IncidentError) as caught:
            service(**arguments)
        assert CORRECTION_REASON in caught.value.errors_by_field()
        assert CLOSED_MESSAGE in caught.value.text

    # A call entered late for the closed year, with its students.
    call_arguments = {
        "district": world.district,
        "school": world.school_a,
        "data": call_data,
        "students": [student()],
        "by": world.admin,
    }
    refused(call_create, **call_arguments)
    assert not Call.objects.filter(call_ref="CV-OLD-1").exists()
    call = call_create(**call_arguments, reason="Paper log entered late")
    assert last_reason(call) == "Paper log entered late"
    assert last_reason(call.students.get()) == "Paper log entered late"
    # A student added to a call of the closed year.
    old_call = CallFactory(school=world.school_a, responding_staff=sro, occurred_at=OLD_DAY)
    refused(student_add, call=old_call, data=student(), by=world.admin)
    assert not StudentInvolved.objects.filter(call=old_call).exists()
    added = student_add(call=old_call, data=student(), by=world.admin, reason="Missed student")
    assert last_reason(added) == "Missed student"
    # An activity on that call.
    activity = {
        "kind": "citation",
        "occurred_at": OLD_DAY,
        "on_premises": False,
        "student_under_18": False,
    }
    refused(activity_create, call=old_call, data=activity, by=world.admin)
    assert not LawEnforcementActivity.objects.filter(call=old_call).exists()
    recorded = activity_create(
        call=old_call, data=activity, by=world.admin, reason="Citation copy arrived late"
    )
    assert last_reason(recorded) == "Citation copy arrived late"
    # Interventions: a request dated in the closed year, a self-initiated one, a response.
    request_arguments = {
        "district": world.district,
        "school": world.school_a,
        "basis": "danger",
        "requester_role": "teacher",
        "description": "A student threatened classmates.",
        "requested_at": OLD_DAY,
        "by": world.admin,
    }
    refused(intervention_request_create, **request_arguments)
    assert not InterventionRequest.objects.filter(requested_at=OLD_DAY).exists()
    intervention_request_create(**request_arguments, reason="Request form found late")
    self_arguments = {
        "district": world.district,
        "school": world.school_a,
        "staff_member": sro,
        "occurred_at": OLD_DAY,
        "description": "A fight in the hallway.",
        "outcome": "resolved",
        "by": world.safety_staff,
    }
    refused(intervention_self_initiated_create, **self_arguments)
    intervention_self_initiated_create(**self_arguments, reason="Entered late")
    open_request = InterventionFactory(school=world.school_a, requested_at=OLD_DAY)
    respond = {
        "request": open_request,
        "responded_by": sro,
        "responded_at": OLD_DAY + datetime.timedelta(minutes=10),
        "outcome": "resolved",
        "by": world.admin,
    }
    refused(intervention_respond, **respond)
    open_request.refresh_from_db()
    assert open_request.status == InterventionRequest.Status.OPEN
    answered = intervention_respond(**respond, reason="Response entered late")
    assert answered.status == InterventionRequest.Status.RESPONDED
    assert last_reason(answered) == "Response entered late"


def test_student_form_on_a_closed_years_call_shows_the_reason_error(client_for, world, closed):
    from incidents.models import StudentInvolved
    from tests.incidents.factories import CallFactory, StaffMemberFactory

    sro = StaffMemberFactory(district=world.district)
    old_call = CallFactory(school=world.school_a, responding_staff=sro, occurred_at=OLD_DAY)
    admin = client_for(world.admin)
    url = reverse("incidents:student_create", args=[old_call.pk])
    assert "Reason for the change" in admin.get(url).content.decode()
    data = {
        "role": "subject",
        "grade": "9",
        "race_ethnicity": "hispanic_latino",
        "sex": "male",
        "disability": "idea",
        "english_learner": "yes",
        "outcome": "no_action",
        "under_18": "on",
    }
    response = admin.post(url, data)
    assert response.status_code in (200, 400)
    assert CLOSED_MESSAGE in response.context["form"].errors["correction_reason"][0]
    assert not StudentInvolved.objects.filter(call=old_call).exists()
    response = admin.post(url, {**data, "correction_reason": "Missed student"})
    assert response.status_code == 302
    assert StudentInvolved.objects.filter(call=old_call).count() == 1
