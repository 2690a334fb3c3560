"""One audit vocabulary (issue #13): every app raises one kind of rule error, shown the same way
(on the field it names, else on the form, or as a message), and services record who did a step
the same way (`as_done_by`: simple-history's user and reason)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from agreements.services import AgreementError
from complaints.services import ComplaintError
from incidents.services import IncidentError
from notices.models import NoticeError
from reports.services import ReportError
from srp.history import as_done_by
from srp.rules import RuleError, show_rule_error
from srp.services import SrpError, enrollment_set


class _Form(forms.Form):
    occurred_at = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "error", [SrpError, AgreementError, ComplaintError, IncidentError, NoticeError, ReportError]
)
def test_every_apps_error_is_the_one_rule_error(error):
    assert issubclass(error, RuleError)


def test_a_field_error_lands_on_its_field_whichever_convention_named_it():
    for error in (
        AgreementError("Not in the future.", field="occurred_at"),
        IncidentError("Not in the future.", {"occurred_at": "Not in the future."}),
        RuleError("Not in the future.", field="occurred_at"),
    ):
        form = _Form({})
        assert form.is_valid()
        show_rule_error(_request(), form, error)
        assert form.errors == {"occurred_at": ["Not in the future."]}


def test_an_error_of_no_field_of_the_form_is_the_forms_own():
    form = _Form({})
    form.is_valid()
    show_rule_error(_request(), form, ComplaintError("Not now."))
    assert form.non_field_errors() == ["Not now."]
    form = _Form({})
    form.is_valid()
    show_rule_error(_request(), form, AgreementError("Elsewhere.", field="not_on_this_form"))
    assert form.non_field_errors() == ["Elsewhere."]


def test_without_a_form_it_is_an_error_message():
    request = _request()
    show_rule_error(request, None, NoticeError("Already published."))
    assert [str(m) for m in get_messages(request)] == ["Already published."]


@pytest.mark.django_db
def test_as_done_by_records_who_and_why(world):
    school = world.school_a
    as_done_by(school, world.principal_a, reason="Name as on the sign.")
    school.name = "Alder Senior High"
    school.save()
    record = school.history.latest()
    assert record.history_user == world.principal_a
    assert record.history_change_reason == "Name as on the sign."


@pytest.mark.django_db
def test_srp_services_record_who_outside_a_request(world):
    enrollment = enrollment_set(
        school=world.school_a, school_year=world.year, students=1250, by=world.admin
    )
    assert enrollment.history.latest().history_user == world.admin
    assert enrollment.students == 1250
