"""A safety staff member onboarded entirely through the UI works the same day (issue #14 item 1).

Every step goes through the real views, as a district administrator and the new staff member
would: the roster entry (or the People page), the invitation, the link in the email the outbox
delivers, choosing a password, signing in, the assignment to a school for the current year, and
"Log a call". The People form no longer offers a schools field for safety staff: their schools
are their assignments, shown read-only with the way to the roster entry. An invitation link used
twice or too late says so clearly, and no second account is made.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from agreements.models import Provider, StaffMember
from incidents.models import Call
from srp.models import Membership, User
from srp.outbox import deliver_due_emails
from srp.roles import Role
from tests.agreements.factories import StaffAssignmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

NEW_EMAIL = "jordan.reyes@a.example.org"
PASSWORD = "Harbor-lantern-9041"  # noqa: S105 - a test password


# Steps, each through a real view -------------------------------------------------------------
def police_department(admin: Client, world) -> Provider:
    """The SRO's employer, added on the agreements register (once per test)."""
    found = Provider.objects.filter(district=world.district, name="Cascade Police").first()
    if found:
        return found
    response = admin.post(
        reverse("agreements:provider_create"),
        {"name": "Cascade Police", "kind": "law_enforcement", "active": "on"},
    )
    assert response.status_code == 302, response.context["form"].errors
    return Provider.objects.get(district=world.district, name="Cascade Police")


def add_roster_entry(admin: Client, world, *, email: str = NEW_EMAIL, badge: str = "SRO-77"):
    police = police_department(admin, world)
    response = admin.post(
        reverse("agreements:staff_create"),
        {
            "first_name": "Jordan",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": "on",
            "employer": police.pk,
            "badge_number": badge,
            "title": "Officer",
            "email": email,
            "phone": "",
            "active_from": "2026-08-15",
            "active_until": "",
            "first_day_on_campus": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return StaffMember.objects.get(district=world.district, badge_number=badge)


def invite(admin: Client, entry: StaffMember, email: str = NEW_EMAIL):
    return admin.post(
        reverse("agreements:staff_account_invite", args=[entry.pk]), {"email": email}, follow=True
    )


def invitation_link(email: str = NEW_EMAIL) -> str:
    """The outbox delivers the queued email (what the worker does); its link, as the path."""
    deliver_due_emails(batch_size=50)
    sent = [m for m in mail.outbox if email in m.to]
    assert sent, [m.to for m in mail.outbox]
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", sent[-1].body)
    assert match, sent[-1].body
    return match.group(1)


def choose_password(person: Client, link: str) -> None:
    page = person.get(link, follow=True)
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = person.post(
        form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )
    assert done.status_code == 200
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")


def sign_in(person: Client, email: str = NEW_EMAIL) -> None:
    response = person.post(reverse("login"), {"username": email, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].is_authenticated
    # Safety staff need no second factor (only program administrators may be required to):
    # the dashboard opens right away, not the second-factor setup.
    assert response.redirect_chain[-1][0] == reverse("srp:dashboard")


def assign(admin: Client, entry: StaffMember, school, year) -> None:
    response = admin.post(
        reverse("agreements:assignment_add", args=[entry.pk]),
        {"school": school.pk, "school_year": year.pk, "days_per_week": "3"},
    )
    assert response.status_code == 302, response.context["form"].errors


def log_call(person: Client, world, entry: StaffMember) -> Call:
    form_page = person.get(reverse("incidents:call_create"))
    assert form_page.status_code == 200
    schools = list(form_page.context["form"].fields["school"].queryset)
    assert schools == [world.school_a]
    assert form_page.context["form"].initial.get("responding_staff") == entry
    response = person.post(
        reverse("incidents:call_create"),
        {
            "school": world.school_a.pk,
            "occurred_at": "2026-11-27T01:30",
            "location": "Front office",
            "call_ref": "",
            "requested_by": "principal",
            "reason": "trespass",
            "responding_staff": entry.pk,
            "outcome": "no_action",
            "narrative": "A visitor without a pass was walked to the office.",
            "students-TOTAL_FORMS": "0",
            "students-INITIAL_FORMS": "0",
            "students-MIN_NUM_FORMS": "0",
            "students-MAX_NUM_FORMS": "30",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    call = Call.objects.get(school=world.school_a, responding_staff=entry)
    assert response["Location"] == reverse("incidents:call_detail", args=[call.pk])
    assert person.get(response["Location"]).status_code == 200
    return call


# The whole day -------------------------------------------------------------------------------
def test_a_roster_entry_invited_and_assigned_through_the_ui_logs_a_call_the_same_day(
    world, client_for
):
    admin = client_for(world.admin)
    entry = add_roster_entry(admin, world)
    page = invite(admin, entry)
    assert "was emailed a link to sign in" in page.content.decode()
    user = User.objects.get(email=NEW_EMAIL)
    entry.refresh_from_db()
    assert entry.user == user
    assert Membership.objects.get(user=user, district=world.district).role == Role.SAFETY_STAFF

    person = Client()
    choose_password(person, invitation_link())
    sign_in(person)
    # Signed in but not assigned yet: no school to log a call at.
    assert (
        list(person.get(reverse("incidents:call_create")).context["form"].fields["school"].queryset)
        == []
    )

    assign(admin, entry, world.school_a, world.year)
    call = log_call(person, world, entry)
    assert timezone.localtime(call.occurred_at).date() == timezone.localdate()
    assert User.objects.filter(email__iexact=NEW_EMAIL).count() == 1


def test_a_person_added_on_the_people_page_is_linked_assigned_and_logs_a_call(world, client_for):
    """The other way in: People first (no schools asked), then the roster entry with the same
    email, whose page offers the account; linking and assigning make the call possible."""
    admin = client_for(world.admin)
    response = admin.post(
        reverse("srp:person_create"),
        {
            "email": NEW_EMAIL,
            "first_name": "Jordan",
            "last_name": "Reyes",
            "role": Role.SAFETY_STAFF,
            "title": "Officer",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email=NEW_EMAIL)
    person = Client()
    choose_password(person, invitation_link())
    sign_in(person)

    entry = add_roster_entry(admin, world)
    staff_page = admin.get(reverse("agreements:staff_detail", args=[entry.pk]))
    assert staff_page.context["account_offer"] == user
    linked = admin.post(
        reverse("agreements:staff_account_link", args=[entry.pk]), {"user": user.pk}
    )
    assert linked.status_code == 302
    assign(admin, entry, world.school_a, world.year)
    log_call(person, world, entry)


# The People form and safety staff's schools --------------------------------------------------
def test_the_people_form_offers_no_schools_for_safety_staff(world, client_for):
    admin = client_for(world.admin)
    membership = Membership.objects.get(user=world.safety_staff, district=world.district)
    page = admin.get(reverse("srp:person_edit", args=[membership.pk]))
    assert page.status_code == 200
    assert "schools" not in page.context["form"].fields
    assert 'name="schools"' not in page.content.decode()
    # A principal's form still has it.
    principal = Membership.objects.get(user=world.principal_a, district=world.district)
    page = admin.get(reverse("srp:person_edit", args=[principal.pk]))
    assert "schools" in page.context["form"].fields


def test_safety_staff_schools_are_shown_from_their_assignments(world, client_for):
    entry = StaffMemberFactory(district=world.district, user=world.safety_staff)
    StaffAssignmentFactory(staff_member=entry, school=world.school_b, school_year=world.year)
    membership = Membership.objects.get(user=world.safety_staff, district=world.district)
    page = client_for(world.admin).get(reverse("srp:person_edit", args=[membership.pk]))
    body = page.content.decode()
    assert [s.name for s in page.context["assigned_schools"]] == ["Birch Middle"]
    assert "Birch Middle" in body and "Alder High" not in body
    assert reverse("agreements:staff_detail", args=[entry.pk]) in body
    assert reverse("agreements:assignment_add", args=[entry.pk]) in body


def test_safety_staff_without_a_roster_entry_are_pointed_to_the_staff_roster(world, client_for):
    membership = Membership.objects.get(user=world.safety_staff, district=world.district)
    page = client_for(world.admin).get(reverse("srp:person_edit", args=[membership.pk]))
    body = page.content.decode()
    assert list(page.context["assigned_schools"]) == []
    assert "No school yet" in body
    assert reverse("agreements:staff_create") in body


def test_schools_posted_for_safety_staff_are_refused_not_ignored(world, client_for):
    admin = client_for(world.admin)
    response = admin.post(
        reverse("srp:person_create"),
        {
            "email": NEW_EMAIL,
            "first_name": "Jordan",
            "last_name": "Reyes",
            "role": Role.SAFETY_STAFF,
            "schools": [world.school_a.pk],
            "active": "on",
        },
    )
    assert response.status_code == 400
    assert "assignments" in str(response.context["form"].errors["schools"])
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_saving_a_safety_staff_person_keeps_their_assignments(world, client_for):
    entry = StaffMemberFactory(district=world.district, user=world.safety_staff)
    StaffAssignmentFactory(staff_member=entry, school=world.school_a, school_year=world.year)
    membership = Membership.objects.get(user=world.safety_staff, district=world.district)
    response = client_for(world.admin).post(
        reverse("srp:person_edit", args=[membership.pk]),
        {"first_name": "Sam", "last_name": "Officer", "title": "Sergeant", "active": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.title == "Sergeant"
    page = client_for(world.safety_staff).get(reverse("incidents:call_create"))
    assert list(page.context["form"].fields["school"].queryset) == [world.school_a]


def test_another_districts_admin_cannot_open_the_person(world, client_for):
    membership = Membership.objects.get(user=world.safety_staff, district=world.district)
    page = client_for(world.outsider).get(reverse("srp:person_edit", args=[membership.pk]))
    assert page.status_code == 404
    page = client_for(world.principal_a).get(reverse("srp:person_edit", args=[membership.pk]))
    assert page.status_code == 403


# The invitation link -------------------------------------------------------------------------
def test_an_invitation_link_used_twice_says_so_and_makes_no_second_account(world, client_for):
    admin = client_for(world.admin)
    entry = add_roster_entry(admin, world)
    invite(admin, entry)
    link = invitation_link()
    choose_password(Client(), link)
    again = Client().get(link, follow=True)
    assert again.status_code == 200
    body = again.content.decode()
    assert "This link no longer works" in body
    assert "It was used already or it is too old." in body
    assert reverse("password_reset") in body
    # Posting a password through the spent link changes nothing.
    form_url = again.redirect_chain[-1][0] if again.redirect_chain else link
    spent = Client().post(form_url, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert spent.status_code == 200
    assert User.objects.get(email=NEW_EMAIL).check_password(PASSWORD)
    assert User.objects.filter(email__iexact=NEW_EMAIL).count() == 1


def test_an_expired_invitation_link_says_so_and_a_new_one_can_be_asked_for(world, client_for):
    admin = client_for(world.admin)
    entry = add_roster_entry(admin, world)
    invite(admin, entry)
    link = invitation_link()
    before = User.objects.get(email=NEW_EMAIL).password
    # The link works for one day (PASSWORD_RESET_TIMEOUT); two days later it does not.
    with freeze_time("2026-11-29 10:00:00", tz_offset=0):
        person = Client()
        page = person.get(link, follow=True)
        assert page.status_code == 200
        body = page.content.decode()
        assert "This link no longer works" in body
        assert reverse("password_reset") in body
        form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
        late = person.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        assert late.status_code == 200
        assert User.objects.get(email=NEW_EMAIL).password == before
        # The page's "Ask for a new link" sends a fresh one, which works.
        asked = person.post(reverse("password_reset"), {"email": NEW_EMAIL})
        assert asked.status_code == 302
        mail.outbox.clear()
        choose_password(person, invitation_link())
        sign_in(person)
    assert User.objects.filter(email__iexact=NEW_EMAIL).count() == 1


def test_inviting_again_makes_no_second_account(world, client_for):
    admin = client_for(world.admin)
    entry = add_roster_entry(admin, world)
    invite(admin, entry)
    # The same entry again: it is linked already.
    again = invite(admin, entry)
    assert "linked to another account" in again.content.decode()
    # Another entry with the same email: the account is linked to the first entry.
    second = add_roster_entry(admin, world, badge="SRO-78")
    other = invite(admin, second)
    assert "linked to another roster entry" in other.content.decode()
    assert User.objects.filter(email__iexact=NEW_EMAIL).count() == 1
    assert Membership.objects.filter(user__email__iexact=NEW_EMAIL).count() == 1
    second.refresh_from_db()
    assert second.user is None
