from __future__ import annotations

import pytest
from django.urls import reverse

from srp.roles import Role
from srp.scope import build_scope

pytestmark = pytest.mark.django_db


def test_principal_sees_own_school_only(world, client_for):
    c = client_for(world.principal_a)
    assert c.get(reverse("srp:school_detail", args=[world.school_a.pk])).status_code == 200
    assert c.get(reverse("srp:school_detail", args=[world.school_b.pk])).status_code == 404
    listing = c.get(reverse("srp:school_list")).content.decode()
    assert world.school_a.name in listing
    assert world.school_b.name not in listing


def test_user_of_another_district_cannot_reach_records(world, client_for):
    c = client_for(world.outsider)
    assert c.get(reverse("srp:school_detail", args=[world.school_a.pk])).status_code == 404
    assert c.get(reverse("srp:school_edit", args=[world.school_a.pk])).status_code == 404
    response = c.post(reverse("srp:school_edit", args=[world.school_a.pk]), {"name": "Taken"})
    assert response.status_code == 404
    world.school_a.refresh_from_db()
    assert world.school_a.name == "Alder High"
    listing = c.get(reverse("srp:school_list")).content.decode()
    assert "Alder High" not in listing and "Orchard High" in listing


@pytest.mark.parametrize(
    "persona", ["principal_a", "teacher_a", "safety_staff", "investigator", "liaison", "board"]
)
def test_only_program_admins_manage_the_district(world, client_for, persona):
    c = client_for(getattr(world, persona))
    for name in (
        "srp:district_settings",
        "srp:people_list",
        "srp:school_create",
        "srp:school_year_list",
    ):
        assert c.get(reverse(name)).status_code == 403, name
    response = c.post(reverse("srp:district_settings"), {"name": "Hijacked"})
    assert response.status_code == 403
    world.district.refresh_from_db()
    assert world.district.name == "Cascade Valley SD"


def test_board_member_reads_no_school_pages(world, client_for):
    """Board members read published reports, adopted agreements and released board packets,
    nothing else (issue #11)."""
    c = client_for(world.board)
    assert c.get(reverse("srp:school_list")).status_code == 403
    assert c.get(reverse("srp:school_detail", args=[world.school_b.pk])).status_code == 403
    response = c.post(reverse("srp:school_detail", args=[world.school_b.pk]), {"students": 1})
    assert response.status_code == 403


def test_host_admin_sees_no_district_records(world, client_for):
    c = client_for(world.host)
    assert c.get(reverse("srp:host_district_list")).status_code == 200
    assert c.get(reverse("srp:school_detail", args=[world.school_a.pk])).status_code == 403
    assert c.get(reverse("srp:people_list")).status_code == 403


def test_switching_to_a_district_without_membership_is_refused(world, client_for):
    c = client_for(world.admin)
    response = c.post(reverse("srp:switch_district"), {"district": world.other_district.pk})
    assert response.status_code == 404


def test_user_with_roles_in_two_districts_switches_between_them(world, client_for):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.admin, district=world.other_district, role=Role.BOARD_MEMBER)
    c = client_for(world.admin)
    assert c.get(reverse("srp:people_list")).status_code == 200  # first district: admin
    response = c.post(
        reverse("srp:switch_district"),
        {"district": world.other_district.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("srp:dashboard")
    assert c.get(reverse("srp:people_list")).status_code == 403  # now a board member only
    assert c.get(reverse("srp:school_list")).status_code == 403  # board members read reports
    assert "Orchard Hills SD" in c.get(reverse("srp:dashboard")).content.decode()


def test_scope_collects_roles_and_schools(world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.principal_a, district=world.district, role=Role.INVESTIGATOR)
    scope = build_scope(world.principal_a)
    assert scope.district == world.district
    assert scope.roles == {Role.PRINCIPAL, Role.INVESTIGATOR}
    assert scope.school_ids(Role.PRINCIPAL) == {world.school_a.pk}
    assert scope.covers_school(world.school_a.pk, Role.PRINCIPAL)
    assert not scope.covers_school(world.school_b.pk, Role.PRINCIPAL)


def test_inactive_membership_grants_nothing(world, client_for):
    membership = world.admin.memberships.get()
    membership.active = False
    membership.save()
    c = client_for(world.admin)
    assert c.get(reverse("srp:district_settings")).status_code == 403


def test_menu_shows_only_what_the_role_may_open(world, client_for):
    admin_page = client_for(world.admin).get(reverse("srp:dashboard")).content.decode()
    assert (
        reverse("srp:people_list") in admin_page and reverse("srp:district_settings") in admin_page
    )
    board_page = client_for(world.board).get(reverse("srp:dashboard")).content.decode()
    assert reverse("srp:people_list") not in board_page
    assert reverse("srp:district_settings") not in board_page
    host_page = client_for(world.host).get(reverse("srp:dashboard")).content.decode()
    assert reverse("srp:host_district_list") in host_page


def test_every_public_page_links_to_the_complaint_form(world, client):
    from django.urls import reverse as r

    complaint_url = r("complaints_public:process", kwargs={"district_code": world.district.code})
    for url in (
        r("srp:public_district", kwargs={"district_code": world.district.code}),
        r("notices_public:index", kwargs={"district_code": world.district.code}),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert complaint_url in page.content.decode(), url
