"""R-15 on complaints: the family's description and every text staff write about a complaint warn
before saving words that seem to record immigration or citizenship status, a visa or a place of
birth; ticking the confirmation saves (issue #11, item 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Allegation, Complaint, InvestigationNote, LetterText
from tests.complaints.factories import complaint
from tests.complaints.test_public import form_data, intake_url

pytestmark = pytest.mark.django_db

WARNING = "seems to mention immigration or citizenship status"


def test_public_description_warns_then_files_once_confirmed(client, world):
    data = form_data(world, description="My son was asked if he is undocumented at the gate.")
    first = client.post(intake_url(world), data)
    assert first.status_code == 400
    page = first.content.decode()
    assert WARNING in page and "undocumented" in page
    assert 'type="checkbox" name="confirm_sensitive"' in page
    assert Complaint.objects.count() == 0
    second = client.post(intake_url(world), {**data, "confirm_sensitive": "on"})
    assert second.status_code == 302
    assert Complaint.objects.get().description.startswith("My son was asked")


@pytest.mark.parametrize("field", ["location", "requested_outcome"])
def test_public_form_checks_its_other_free_text(client, world, field):
    data = form_data(world, **{field: "Ask the officer about my nephew's green card"})
    assert WARNING in client.post(intake_url(world), data).content.decode()
    assert Complaint.objects.count() == 0


def test_internal_note_warns_on_its_own_page_keeping_the_text(client_for, world):
    c = complaint(world)
    url = reverse("complaints:note_add", args=[c.pk])
    admin = client_for(world.admin)
    first = admin.post(url, {"text": "Family says they were born in Oaxaca."})
    assert first.status_code == 400
    page = first.content.decode()
    assert WARNING in page and "Family says they were born in Oaxaca." in page
    assert not InvestigationNote.objects.exists()
    second = admin.post(
        url, {"text": "Family says they were born in Oaxaca.", "confirm_sensitive": "on"}
    )
    assert second.status_code == 302
    assert InvestigationNote.objects.get().text == "Family says they were born in Oaxaca."


def test_a_note_refused_for_another_reason_keeps_its_text_too(client_for, world):
    c = complaint(world)
    url = reverse("complaints:note_add", args=[c.pk])
    response = client_for(world.admin).post(url, {"text": ""})
    assert response.status_code == 400
    assert not InvestigationNote.objects.exists()


def test_allegation_summary_and_explanation_warn(client_for, world):
    c = complaint(world)
    url = reverse("complaints:allegation_create", args=[c.pk])
    data = {
        "staff_member": "",
        "category": "student_interaction",
        "summary": "The officer asked for the student's passport.",
        "finding": "",
        "finding_explanation": "",
    }
    admin = client_for(world.admin)
    assert WARNING in admin.post(url, data).content.decode()
    assert not Allegation.objects.exists()
    assert admin.post(url, {**data, "confirm_sensitive": "on"}).status_code == 302
    assert Allegation.objects.get().summary == "The officer asked for the student's passport."


@pytest.mark.parametrize("action", ["withdraw", "extend"])
def test_reasons_told_to_the_family_warn(client_for, world, action):
    c = complaint(world)
    url = reverse("complaints:step", args=[c.pk, action])
    data = {"reason": "The family's visa status is not our concern.", "new_due": "2026-12-20"}
    response = client_for(world.admin).post(url, data)
    assert response.status_code == 400
    assert WARNING in response.content.decode()


def test_letter_wording_warns(client_for, world):
    url = reverse("complaints:letter_text_create")
    data = {
        "language": "en",
        "opening": "We do not ask about citizenship.",
        "appeal_route": "Write to the superintendent.",
        "closing": "",
        "signature": "Office of Student Safety",
    }
    admin = client_for(world.admin)
    assert WARNING in admin.post(url, data).content.decode()
    assert not LetterText.objects.filter(district=world.district).exists()
    assert admin.post(url, {**data, "confirm_sensitive": "on"}).status_code == 302
