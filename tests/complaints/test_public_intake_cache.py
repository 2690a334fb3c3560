"""The public intake form at scale: cached roster and form, fixed query counts (issue #8)."""

from __future__ import annotations

import re
import time

import pytest
from crispy_forms.utils import render_crispy_form
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse

from agreements.models import StaffAssignment
from complaints.forms import FORM_TOKEN_SALT, ComplaintForm, make_form_token
from complaints.models import Complaint
from complaints.public_views import RECEIPT_COOKIE, RECEIPT_SALT
from complaints.roster import public_roster
from srp.models import OutboundEmail
from tests.complaints.factories import staff, submit

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def intake_url(district):
    return reverse("complaints_public:intake", kwargs={"district_code": district.code})


def form_data(world, **overrides):
    data = {
        "school": str(world.school_a.pk),
        "staff_member": "",
        "occurred_on": "2026-11-20",
        "occurred_time": "10:30",
        "location": "Front office",
        "description": "The officer pushed my son against the lockers.",
        "requested_outcome": "",
        "relationship": "parent",
        "contact_name": "Ana",
        "contact_preference": "email",
        "email": "ana@example.org",
        "language": "en",
        "website": "",
        "form_token": make_form_token(issued_at=time.time() - 60),
    }
    data.update(overrides)
    return data


def test_blank_form_is_the_forms_own_drawing_with_a_fresh_token_each_time(client, world):
    staff(world.district, world.school_a, world.year, badge="A-1")
    first = client.get(intake_url(world.district)).content.decode()
    second = client.get(intake_url(world.district)).content.decode()
    tokens = [TOKEN.search(first).group(1), TOKEN.search(second).group(1)]
    assert tokens[0] != tokens[1]
    for token in tokens:  # each is a valid signed token of its own
        assert signing.loads(token, salt=FORM_TOKEN_SALT)["n"]
    # The cached fragment is exactly what the form draws, but for the token.
    form = ComplaintForm(
        district=world.district, roster=public_roster(world.district), form_token=tokens[1]
    )
    assert str(render_crispy_form(form)) in second
    assert "Sam OfficerA-1" in second


def test_form_get_costs_one_query_once_cached(client, world, django_assert_max_num_queries):
    for n in range(20):
        staff(world.district, world.school_a, world.year, badge=f"A-{n}")
    client.get(intake_url(world.district))
    with django_assert_max_num_queries(1):  # the district; roster and form come from the cache
        response = client.get(intake_url(world.district))
    assert response.status_code == 200
    assert response.content.decode().count("Sam Officer") == 20


def test_submission_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    members = [staff(world.district, world.school_a, world.year, badge=f"A-{n}") for n in range(30)]
    submit(world)  # the year's counter row exists, as it does after the first complaint
    client.get(intake_url(world.district))
    # District, school, staff member, the transaction's two ends, counter (lock, update,
    # history), complaint and its history, event and its history, outbox email, the
    # district's school calendar (acknowledgement is due in school days); no session row, no
    # roster.
    with django_assert_max_num_queries(14):
        response = client.post(
            intake_url(world.district), form_data(world, staff_member=str(members[7].pk))
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get(staff_member=members[7])
    assert complaint.history.count() == 1 and complaint.events.get().history.count() == 1
    assert OutboundEmail.objects.filter(to=["ana@example.org"]).count() == 1


def test_a_submission_does_not_rebuild_the_roster(client, world, django_assert_max_num_queries):
    staff(world.district, world.school_a, world.year)
    client.get(intake_url(world.district))
    assert client.post(intake_url(world.district), form_data(world)).status_code == 302
    with django_assert_max_num_queries(1):
        client.get(intake_url(world.district))


def test_roster_changes_show_on_the_next_request(client, world):
    member = staff(world.district, world.school_a, world.year, badge="A-1")
    assert "Sam OfficerA-1" in client.get(intake_url(world.district)).content.decode()

    member.last_name = "Renamed"
    member.save()
    page = client.get(intake_url(world.district)).content.decode()
    assert "Sam Renamed" in page and "Sam OfficerA-1" not in page

    staff(world.district, world.school_b, world.year, badge="B-2")
    assert "Sam OfficerB-2" in client.get(intake_url(world.district)).content.decode()

    StaffAssignment.objects.filter(staff_member=member).delete()
    assert "Sam Renamed" not in client.get(intake_url(world.district)).content.decode()

    world.school_b.active = False
    world.school_b.save()
    page = client.get(intake_url(world.district)).content.decode()
    assert world.school_b.name not in page and "Sam OfficerB-2" not in page


def test_staff_removed_after_the_form_was_drawn_is_refused(client, world):
    member = staff(world.district, world.school_a, world.year, badge="A-1")
    client.get(intake_url(world.district))
    StaffAssignment.objects.filter(staff_member=member).delete()
    response = client.post(intake_url(world.district), form_data(world, staff_member=member.pk))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_two_districts_never_share_a_roster_or_a_form(client, world):
    staff(world.district, world.school_a, world.year, badge="HOME")
    staff(world.other_district, world.other_school, world.other_year, badge="AWAY")
    home = client.get(intake_url(world.district)).content.decode()
    away = client.get(intake_url(world.other_district)).content.decode()
    assert "Sam OfficerHOME" in home and "Sam OfficerAWAY" not in home
    assert "Sam OfficerAWAY" in away and "Sam OfficerHOME" not in away
    assert world.school_a.name in home and world.school_a.name not in away


def test_receipt_page_reads_only_its_own_signed_cookie(client, world):
    response = client.post(intake_url(world.district), form_data(world))
    assert response.status_code == 302
    cookie = response.cookies[RECEIPT_COOKIE]
    assert cookie["httponly"] and cookie["path"] == response["Location"]
    assert not Session.objects.exists()  # nothing written to the session store
    receipt = client.get(response["Location"])
    assert Complaint.objects.get().reference in receipt.content.decode()
    assert receipt["Cache-Control"] == "private, no-store"

    sent_other = reverse("complaints_public:submitted", args=[world.other_district.code])
    assert client.get(sent_other).status_code == 302  # another district's page shows nothing

    client.cookies[RECEIPT_COOKIE] = signing.get_cookie_signer(salt="wrong").sign("{}")
    assert client.get(response["Location"]).status_code == 302
    forged = signing.get_cookie_signer(salt=RECEIPT_COOKIE + RECEIPT_SALT).sign("not json")
    client.cookies[RECEIPT_COOKIE] = forged
    assert client.get(response["Location"]).status_code == 302
