"""Linking a roster entry to its person's sign-in account (issue #11, R-09).

The staff page shows the link, offers an account of the district with the same email (never
linking it by itself), links a chosen account or invites one by email; the person's page shows
their roster entry. Every step is a program administrator's, in the entry's history.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import StaffMember
from agreements.services import AgreementError
from srp.models import Membership, OutboundEmail, User
from srp.roles import Role
from tests.agreements.factories import StaffMemberFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_page(entry):
    return reverse("agreements:staff_detail", args=[entry.pk])


def link_url(entry):
    return reverse("agreements:staff_account_link", args=[entry.pk])


def invite_url(entry):
    return reverse("agreements:staff_account_invite", args=[entry.pk])


def unlink_url(entry):
    return reverse("agreements:staff_account_unlink", args=[entry.pk])


@pytest.fixture
def entry(world):
    return StaffMemberFactory(
        district=world.district, first_name="Kim", last_name="Officer", email="SRO@A.example.org"
    )


def test_an_account_with_the_same_email_is_offered_not_linked(world, client_for, entry):
    """world.safety_staff's email is sro@a.example.org: the page offers it, and nothing more."""
    page = client_for(world.admin).get(staff_page(entry))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Sign-in account" in body
    assert "Link account sro@a.example.org?" in body
    assert page.context["account_offer"] == world.safety_staff
    entry.refresh_from_db()
    assert entry.user is None


def test_no_offer_for_an_account_outside_the_district(world, client_for):
    member = StaffMemberFactory(district=world.district, email=world.outsider.email)
    page = client_for(world.admin).get(staff_page(member))
    assert page.context["account_offer"] is None
    assert "Link account" not in page.content.decode()


def test_linking_the_offered_account_is_recorded_in_the_history(world, client_for, entry):
    c = client_for(world.admin)
    response = c.post(link_url(entry), {"user": world.safety_staff.pk})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.user == world.safety_staff
    latest = entry.history.order_by("-history_date", "-pk").first()
    assert latest.user_id == world.safety_staff.pk and latest.history_user == world.admin
    body = c.get(staff_page(entry)).content.decode()
    assert "Linked to" in body and "Unlink the account" in body
    assert (
        reverse("srp:person_edit", args=[Membership.objects.get(user=world.safety_staff).pk])
        in body
    )
    # The person's page shows the roster entry.
    person = c.get(
        reverse("srp:person_edit", args=[Membership.objects.get(user=world.safety_staff).pk])
    ).content.decode()
    assert "Safety staff roster" in person and staff_page(entry) in person


def test_the_persons_page_lists_unlinked_entries_with_their_email(world, client_for, entry):
    membership = Membership.objects.get(user=world.safety_staff)
    body = (
        client_for(world.admin)
        .get(reverse("srp:person_edit", args=[membership.pk]))
        .content.decode()
    )
    assert "Not linked to a roster entry yet" in body and staff_page(entry) in body
    # Somebody with no roster entry and no safety staff role gets no panel.
    board = Membership.objects.get(user=world.board)
    body = client_for(world.admin).get(reverse("srp:person_edit", args=[board.pk])).content.decode()
    assert "Safety staff roster" not in body


def test_an_account_without_a_membership_in_the_district_is_refused(world, entry):
    with pytest.raises(AgreementError, match="Only a person of this district"):
        services.staff_member_link_account(staff_member=entry, user=world.outsider, by=world.admin)
    with pytest.raises(AgreementError):
        services.staff_member_link_account(staff_member=entry, user=world.nobody, by=world.admin)
    entry.refresh_from_db()
    assert entry.user is None


def test_the_link_view_offers_only_the_districts_unlinked_accounts(world, client_for, entry):
    c = client_for(world.admin)
    response = c.post(link_url(entry), {"user": world.outsider.pk})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.user is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Choose an account of the district" in m for m in messages)
    choices = c.get(staff_page(entry)).context["link_form"].fields["user"].queryset
    assert world.outsider not in choices and world.investigator in choices


def test_an_account_linked_to_another_entry_is_refused(world, entry):
    StaffMemberFactory(district=world.district, user=world.investigator)
    with pytest.raises(AgreementError, match="linked to another roster entry"):
        services.staff_member_link_account(
            staff_member=entry, user=world.investigator, by=world.admin
        )


def test_a_linked_entry_must_be_unlinked_before_another_link(world, client_for, entry):
    services.staff_member_link_account(staff_member=entry, user=world.safety_staff, by=world.admin)
    with pytest.raises(AgreementError, match="unlink it first"):
        services.staff_member_link_account(
            staff_member=entry, user=world.investigator, by=world.admin
        )
    response = client_for(world.admin).post(unlink_url(entry))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.user is None
    assert entry.history.order_by("-history_date", "-pk").first().history_user == world.admin


def test_invite_creates_the_account_a_safety_staff_role_and_the_link(world, client_for, entry):
    response = client_for(world.admin).post(invite_url(entry), {"email": "New.SRO@PD.example.org"})
    assert response.status_code == 302
    user = User.objects.get(email="new.sro@pd.example.org")
    assert (user.first_name, user.last_name) == ("Kim", "Officer")
    assert Membership.objects.filter(
        user=user, district=world.district, role=Role.SAFETY_STAFF
    ).exists()
    entry.refresh_from_db()
    assert entry.user == user
    welcome = OutboundEmail.objects.get(to=["new.sro@pd.example.org"])
    assert "/accounts/reset/" in welcome.body


def test_invite_of_an_email_with_an_account_elsewhere_looks_the_same(world, client_for):
    """The other district's person keeps their name; the page says what it says for a new one."""
    elsewhere = UserFactory(
        username="pat@b.example.org", first_name="Patricia", last_name="Realname"
    )
    MembershipFactory(user=elsewhere, district=world.other_district, role=Role.PRINCIPAL)
    c = client_for(world.admin)
    first = StaffMemberFactory(district=world.district, first_name="Probe", last_name="One")
    second = StaffMemberFactory(district=world.district, first_name="Probe", last_name="Two")
    new = c.post(invite_url(first), {"email": "nobody.yet@b.example.org"}, follow=True)
    old = c.post(invite_url(second), {"email": "pat@b.example.org"}, follow=True)
    new_messages = [str(m) for m in new.context["messages"]]
    old_messages = [str(m) for m in old.context["messages"]]
    assert [m.replace("Probe One", "X") for m in new_messages] == [
        m.replace("Probe Two", "X") for m in old_messages
    ]
    elsewhere.refresh_from_db()
    assert (elsewhere.first_name, elsewhere.last_name) == ("Patricia", "Realname")
    second.refresh_from_db()
    assert second.user == elsewhere
    # Told of the new role (not a second "choose your password" email).
    notice = OutboundEmail.objects.get(to=["pat@b.example.org"])
    assert "Sign in with your existing account" in notice.body


@pytest.mark.parametrize("persona", ["liaison", "principal_a"])
def test_readers_see_no_account_card_and_cannot_link(world, client_for, entry, persona):
    from agreements.models import LiaisonLink, Provider, StaffAssignment

    prov = Provider.objects.create(district=world.district, name="P", kind="law_enforcement")
    StaffMember.objects.filter(pk=entry.pk).update(employer=prov)
    LiaisonLink.objects.create(membership=Membership.objects.get(user=world.liaison), provider=prov)
    StaffAssignment.objects.create(
        staff_member=entry, school=world.school_a, school_year=world.year, days_per_week=2
    )
    c = client_for(getattr(world, persona))
    page = c.get(staff_page(entry))
    assert page.status_code == 200
    assert "Sign-in account" not in page.content.decode()
    for url, data in [
        (link_url(entry), {"user": world.safety_staff.pk}),
        (invite_url(entry), {"email": "x@example.org"}),
        (unlink_url(entry), {}),
    ]:
        assert c.post(url, data).status_code == 403
    entry.refresh_from_db()
    assert entry.user is None


def test_outsider_gets_404_and_anonymous_goes_to_login(world, client, client_for, entry):
    outsider = client_for(world.outsider)
    for url in (link_url(entry), invite_url(entry), unlink_url(entry)):
        assert outsider.post(url, {"user": world.safety_staff.pk}).status_code == 404
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(world.admin).get(link_url(entry)).status_code == 405


def test_a_person_on_two_districts_rosters_is_linked_in_each(world, client_for):
    """One account, one entry per district: linking here neither needs nor reveals the other."""
    shared = UserFactory(username="esd.officer@esd.example.org")
    MembershipFactory(user=shared, district=world.district, role=Role.SAFETY_STAFF)
    MembershipFactory(user=shared, district=world.other_district, role=Role.SAFETY_STAFF)
    theirs = StaffMemberFactory(district=world.other_district, user=shared)
    ours = StaffMemberFactory(district=world.district, email=shared.email)
    c = client_for(world.admin)
    page = c.get(staff_page(ours))
    assert page.context["account_offer"] == shared
    assert shared in page.context["link_form"].fields["user"].queryset
    response = c.post(link_url(ours), {"user": shared.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"{ours.full_name} is now linked to their sign-in account."
    ]
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.user == shared and theirs.user == shared


def test_one_entry_per_account_in_a_district(world, entry):
    from django.db import IntegrityError, transaction

    StaffMemberFactory(district=world.district, user=world.safety_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.filter(pk=entry.pk).update(user=world.safety_staff)


def test_the_card_costs_a_fixed_number_of_queries(world, client_for, entry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.admin)
    c.get(staff_page(entry))
    with CaptureQueriesContext(connection) as few:
        c.get(staff_page(entry))
    for _ in range(20):
        MembershipFactory(user=UserFactory(), district=world.district, role=Role.SAFETY_STAFF)
        StaffMemberFactory(district=world.district, user=UserFactory())
    with CaptureQueriesContext(connection) as many:
        page = c.get(staff_page(entry))
    assert len(page.context["link_form"].fields["user"].queryset) > 20
    assert len(many) == len(few)
