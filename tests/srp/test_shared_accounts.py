"""Accounts shared across districts (issue #11): a district never renames them, and adding a
person never reveals that an email has an account in another district."""

from __future__ import annotations

import pytest
from django.urls import reverse

from srp.models import Membership, OutboundEmail, User
from srp.roles import Role
from srp.services import SrpError, person_rename
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world):
    """A principal of the other district who is also an investigator of this one."""
    user = UserFactory(username="pat@b.example.org", first_name="Patricia", last_name="Realname")
    MembershipFactory(user=user, district=world.other_district, role=Role.PRINCIPAL)
    membership = MembershipFactory(user=user, district=world.district, role=Role.INVESTIGATOR)
    return membership


def edit(client, membership, **changes):
    data = {
        "first_name": membership.user.first_name,
        "last_name": membership.user.last_name,
        "title": "",
        "active": "on",
        **changes,
    }
    return client.post(reverse("srp:person_edit", args=[membership.pk]), data)


def test_editing_the_membership_does_not_rename_a_shared_account(world, client_for, shared):
    c = client_for(world.admin)
    page = c.get(reverse("srp:person_edit", args=[shared.pk]))
    form = page.context["form"]
    # The page is the same as for the district's own person: nothing tells the account apart.
    assert not form.fields["first_name"].disabled and not form.fields["last_name"].disabled
    assert "own profile" not in page.content.decode()
    response = edit(c, shared, first_name="Renamed", last_name="ByDistrictA", title="Lead")
    assert response.status_code == 302
    shared.user.refresh_from_db()
    shared.refresh_from_db()
    assert (shared.user.first_name, shared.user.last_name) == ("Patricia", "Realname")
    # The district's name for the person is kept on its own membership, with its history.
    assert shared.names == ("Renamed", "ByDistrictA")
    assert shared.history.first().history_user == world.admin
    assert shared.title == "Lead"  # the membership itself is the district's to change
    listed = c.get(reverse("srp:people_list")).content.decode()
    assert "Renamed ByDistrictA" in listed and "Realname" not in listed


def test_the_service_refuses_too_but_lets_the_owner_and_the_host_rename(world, shared):
    user = shared.user
    with pytest.raises(SrpError, match="only be changed by the person"):
        person_rename(
            user=user, district=world.district, first_name="X", last_name="Y", by=world.admin
        )
    person_rename(user=user, district=world.district, first_name="Pat", last_name="R", by=user)
    person_rename(
        user=user, district=world.district, first_name="Patricia", last_name="R", by=world.host
    )
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Patricia", "R")


def test_the_host_administrators_account_is_not_renamed_by_a_district(world, client_for):
    membership = MembershipFactory(user=world.host, district=world.district, role=Role.BOARD_MEMBER)
    edit(client_for(world.admin), membership, first_name="Not", last_name="Host")
    world.host.refresh_from_db()
    assert world.host.first_name != "Not"


def test_a_districts_own_person_can_still_be_renamed(world, client_for):
    membership = Membership.objects.get(user=world.investigator)
    response = edit(client_for(world.admin), membership, first_name="Dana", last_name="Ortiz")
    assert response.status_code == 302
    world.investigator.refresh_from_db()
    assert (world.investigator.first_name, world.investigator.last_name) == ("Dana", "Ortiz")


def add(client, email):
    return client.post(
        reverse("srp:person_create"),
        {
            "email": email,
            "first_name": "Probe",
            "last_name": "Person",
            "role": Role.BOARD_MEMBER,
            "active": "on",
        },
        follow=True,
    )


def test_adding_an_email_with_an_account_elsewhere_looks_like_adding_a_new_one(world, client_for):
    elsewhere = UserFactory(
        username="pat@b.example.org", first_name="Patricia", last_name="Realname"
    )
    MembershipFactory(user=elsewhere, district=world.other_district, role=Role.PRINCIPAL)
    c = client_for(world.admin)
    new = add(c, "somebody.new@b.example.org")
    old = add(c, "PAT@b.example.org")
    assert new.status_code == old.status_code == 200
    assert new.redirect_chain == old.redirect_chain
    new_messages = [str(m) for m in new.context["messages"]]
    old_messages = [str(m) for m in old.context["messages"]]
    assert (
        new_messages == old_messages == ["Probe Person saved; they were emailed a link to sign in."]
    )
    for response in (new, old):
        assert "exists" not in response.content.decode().lower()
    # The existing account keeps its own name and is not duplicated; it gets the role here.
    elsewhere.refresh_from_db()
    assert (elsewhere.first_name, elsewhere.last_name) == ("Patricia", "Realname")
    assert User.objects.filter(email__iexact="pat@b.example.org").count() == 1
    assert Membership.objects.filter(
        user=elsewhere, district=world.district, role=Role.BOARD_MEMBER
    ).exists()
    # Each person is told by email: a new one chooses a password, the other signs in as usual.
    assert "/accounts/reset/" in OutboundEmail.objects.get(to=["somebody.new@b.example.org"]).body
    notice = OutboundEmail.objects.get(to=["pat@b.example.org"])
    assert "Cascade Valley SD" in notice.subject
    assert notice.district_id is None  # not listed among the district's failed emails


def test_adding_then_editing_never_touches_the_other_districts_view(world, client_for):
    elsewhere = UserFactory(username="lee@b.example.org", first_name="Lee", last_name="Own")
    MembershipFactory(user=elsewhere, district=world.other_district, role=Role.PROGRAM_ADMIN)
    c = client_for(world.admin)
    add(c, "lee@b.example.org")
    membership = Membership.objects.get(user=elsewhere, district=world.district)
    edit(c, membership, first_name="Changed", last_name="Name")
    page = client_for(elsewhere).get(reverse("srp:people_list"))
    assert "Lee Own" in page.content.decode()
    assert "Changed Name" not in page.content.decode()


def test_the_people_pages_show_the_name_typed_not_the_accounts_own(world, client_for):
    """After adding an email that has an account elsewhere, the list and the person's page
    show the name the administrator typed, as they would for a new account."""
    elsewhere = UserFactory(username="kim@b.example.org", first_name="Kimberly", last_name="Own")
    MembershipFactory(user=elsewhere, district=world.other_district, role=Role.PRINCIPAL)
    c = client_for(world.admin)
    add(c, "kim@b.example.org")
    add(c, "brand.new@b.example.org")
    listed = c.get(reverse("srp:people_list")).content.decode()
    assert "Kimberly" not in listed
    assert listed.count("Probe Person") == 2
    found = c.get(reverse("srp:people_list"), {"q": "kimberly"}).content.decode()
    assert "kim@b.example.org" not in found
    for email in ("kim@b.example.org", "brand.new@b.example.org"):
        membership = Membership.objects.get(user__email=email, district=world.district)
        page = c.get(reverse("srp:person_edit", args=[membership.pk]))
        assert page.context["form"].initial["first_name"] == "Probe"
        assert page.context["form"].initial["last_name"] == "Person"
        assert not page.context["form"].fields["first_name"].disabled
    # The other district still knows the person by the account's own name.
    assert "Kimberly Own" in client_for(elsewhere).get(reverse("srp:people_list")).content.decode()
