"""Issue #13 item 4: every view that catches a rule error shows it with
`srp.rules.show_rule_error` — on the field it names, else on the form, or as a message. These are
the views that used to show it their own way (the public complaint form, the outbox's re-queue,
the carried-forward assignment steps) and now behave like the rest."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints import public_views
from complaints.services import ComplaintError
from srp.outbox import OutboxError
from srp.rules import RuleError
from tests.complaints.test_public import form_data, intake_url, nothing_written

pytestmark = pytest.mark.django_db


def test_the_outboxs_error_is_the_one_rule_error():
    assert issubclass(OutboxError, RuleError)
    assert OutboxError("Not now.").text == "Not now."


def test_a_public_complaint_refused_on_a_field_shows_it_on_that_field(world, client, monkeypatch):
    def refuse(**kwargs):
        raise ComplaintError("This school does not take complaints here.", field="school")

    monkeypatch.setattr(public_views, "complaint_submit", refuse)
    response = client.post(intake_url(world), form_data(world))
    assert response.status_code == 400  # the form comes back, nothing filed
    form = response.context["form"]
    assert form.errors["school"] == ["This school does not take complaints here."]
    assert "__all__" not in form.errors
    assert nothing_written()


def test_a_public_complaint_refused_as_a_whole_shows_it_on_the_form(world, client, monkeypatch):
    def refuse(**kwargs):
        raise ComplaintError("Complaints are closed for maintenance.")

    monkeypatch.setattr(public_views, "complaint_submit", refuse)
    response = client.post(intake_url(world), form_data(world))
    assert response.status_code == 400  # the form comes back, nothing filed
    assert response.context["form"].non_field_errors() == ["Complaints are closed for maintenance."]
    assert nothing_written()


def test_an_outbox_requeue_refused_is_an_error_message(world, client_for):
    from srp.models import OutboundEmail

    email = OutboundEmail.objects.create(
        district=world.district,
        to=["someone@example.org"],
        subject="Reminder",
        body="Text",
        from_email="srp@example.org",
        status=OutboundEmail.Status.SENT,
    )
    response = client_for(world.admin).post(reverse("srp:outbox_requeue", args=[email.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only an email that failed or was never confirmed can be re-queued."
    ]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
