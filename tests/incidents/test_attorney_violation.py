"""R-12, issue #13 item 2: a law-enforcement contact that broke juveniles' access to an attorney
(RCW 13.40.740) is recordable as a violation. The form warns first; once confirmed it is saved,
flagged on the program administrator's dashboard, emailed to them once, and counted as not
compliant in the annual report (whose rate could only read 100 % before)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents.models import LawEnforcementActivity
from incidents.services import IncidentError, activity_correct, activity_create
from reports.selectors import annual_report
from srp.models import OutboundEmail
from tests.incidents.factories import CallFactory, StudentFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)  # the tests' frozen clock


@pytest.fixture
def call(world, roster):
    call = CallFactory(
        school=world.school_a, responding_staff=roster.sro, occurred_at=NOW - datetime.timedelta(1)
    )
    StudentFactory(call=call, student_ref="S-9")
    return call


def violation_post(call, **extra):
    """An interrogation of a student under 18 with no attorney access and no exception."""
    data = {
        "kind": "interrogation",
        "student": call.students.get().pk,
        "occurred_at": timezone.localtime(NOW - datetime.timedelta(hours=20)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "student_under_18": "on",
        "custodial_interrogation": "on",
        "parent_notified_at": timezone.localtime(NOW - datetime.timedelta(hours=19)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "parent_notification_method": "Phone call to the mother",
        "narrative": "Questioned before the attorney was reached.",
    }
    data.update(extra)
    return data


def compliant_data(call, **extra):
    return {
        "kind": "interrogation",
        "student": call.students.get(),
        "occurred_at": NOW - datetime.timedelta(hours=20),
        "student_under_18": True,
        "custodial_interrogation": True,
        "attorney_access_at": NOW - datetime.timedelta(hours=21),
        "attorney_access_method": "phone",
        "attorney_access_before_waiver": True,
        "parent_notified_at": NOW - datetime.timedelta(hours=21),
        **extra,
    }


def test_the_form_warns_first_then_saves_the_violation(world, call, client_for):
    client = client_for(world.safety_staff)
    url = reverse("incidents:activity_create", args=[call.pk])
    response = client.post(url, violation_post(call))
    # First submit: the warning, the fields the rule wanted, a box to tick; nothing saved.
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="attorney-violation-warning"' in html
    assert 'type="checkbox" name="confirm_attorney_violation"' in html
    assert "attorney_access_at" in response.context["form"].errors
    assert LawEnforcementActivity.objects.count() == 0
    # Confirmed: saved as it happened, flagged.
    response = client.post(url, violation_post(call, confirm_attorney_violation="on"))
    assert response.status_code == 302
    activity = LawEnforcementActivity.objects.get()
    assert activity.attorney_access_violation
    assert not activity.attorney_access_compliant
    page = client.get(reverse("incidents:call_detail", args=[call.pk])).content.decode()
    assert "Violation: attorney access not respected" in page


def test_the_missing_parent_notification_still_needs_an_answer(world, call, client_for):
    data = violation_post(call, confirm_attorney_violation="on", parent_notified_at="")
    response = client_for(world.safety_staff).post(
        reverse("incidents:activity_create", args=[call.pk]), data
    )
    assert response.status_code == 200
    assert "parent_notified_at" in response.context["form"].errors
    assert LawEnforcementActivity.objects.count() == 0


def test_the_program_administrator_is_emailed_once(world, call):
    data = compliant_data(call, attorney_access_at=None, attorney_access_method="")
    with pytest.raises(IncidentError) as error:
        activity_create(call=call, data=data, by=world.safety_staff)
    assert "confirm_attorney_violation" in error.value.field_errors
    activity = activity_create(
        call=call, data=data, violation_confirmed=True, by=world.safety_staff
    )
    email = OutboundEmail.objects.get()
    assert email.to == [world.admin.email] and email.district == world.district
    assert "access to an attorney" in email.subject
    assert f"#activity-{activity.pk}" in email.body
    # Corrected again (still a violation): no second email for the same violation.
    activity_correct(
        activity=activity,
        data={"narrative": "Attorney called after the questioning."},
        reason="Added the notes.",
        violation_confirmed=True,
        by=world.safety_staff,
    )
    assert OutboundEmail.objects.count() == 1
    activity.refresh_from_db()
    assert activity.violation_notified_at is not None


def test_the_violation_is_flagged_on_the_administrators_dashboard(world, call, client_for):
    data = compliant_data(call, attorney_access_at=None, attorney_access_method="")
    activity = activity_create(
        call=call, data=data, violation_confirmed=True, by=world.safety_staff
    )
    html = client_for(world.admin).get(reverse("srp:dashboard")).content.decode()
    assert 'id="attorney-violations"' in html
    assert "1 contact broke juveniles' access to an attorney this year" in html
    assert f"#activity-{activity.pk}" in html
    # Not on a principal's dashboard: the section is the program administrator's.
    assert (
        'id="attorney-violations"'
        not in client_for(world.principal_a).get(reverse("srp:dashboard")).content.decode()
    )


def test_the_report_counts_the_violation_as_not_compliant(world, call):
    activity_create(call=call, data=compliant_data(call), by=world.safety_staff)
    report = annual_report(district=world.district, school_year=world.year)
    assert report["attorney_access"]["compliance_rate"] == "100.0"
    activity_create(
        call=call,
        data=compliant_data(call, attorney_access_at=None, attorney_access_method=""),
        violation_confirmed=True,
        by=world.safety_staff,
    )
    # Access given after the questioning: every field filled, still a violation.
    activity_create(
        call=call,
        data=compliant_data(call, attorney_access_at=NOW - datetime.timedelta(hours=19)),
        violation_confirmed=True,
        by=world.safety_staff,
    )
    attorney = annual_report(district=world.district, school_year=world.year)["attorney_access"]
    assert attorney["required"] == 3
    assert attorney["compliant"] == 1 and attorney["not_compliant"] == 2
    assert attorney["compliance_rate"] == "33.3"


def test_the_database_keeps_the_flag_and_the_fields_consistent(world, call):
    covered = {
        "kind": "interrogation",
        "occurred_at": NOW - datetime.timedelta(hours=2),
        "student_under_18": True,
        "custodial_interrogation": True,
    }
    # Unflagged without attorney access: refused, as before.
    with pytest.raises(IntegrityError), transaction.atomic():
        LawEnforcementActivity.objects.create(call=call, **covered)
    # Flagged when the rule does not apply (an adult): refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        LawEnforcementActivity.objects.create(
            call=call, attorney_access_violation=True, **{**covered, "student_under_18": False}
        )
    # Flagged covered contact: saved.
    LawEnforcementActivity.objects.create(call=call, attorney_access_violation=True, **covered)
    assert LawEnforcementActivity.objects.count() == 1


def test_a_correction_that_gives_the_access_clears_the_flag(world, call):
    data = compliant_data(call, attorney_access_at=None, attorney_access_method="")
    activity = activity_create(
        call=call, data=data, violation_confirmed=True, by=world.safety_staff
    )
    activity = activity_correct(
        activity=activity,
        data={
            "attorney_access_at": NOW - datetime.timedelta(hours=21),
            "attorney_access_method": "phone",
        },
        reason="The public defender's call log shows access before the questioning.",
        by=world.admin,
    )
    assert not activity.attorney_access_violation and activity.attorney_access_compliant
    change = activity.history.first()
    assert change.history_change_reason.startswith("The public defender")
    assert change.prev_record.attorney_access_violation is True
