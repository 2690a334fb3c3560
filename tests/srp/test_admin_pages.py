"""Program administrators keep the district's settings, schools, years and people; host admins
create districts (SPEC §1, §2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from srp.models import District, Enrollment, Membership, OutboundEmail, School, SchoolYear, User
from srp.roles import Role

pytestmark = pytest.mark.django_db


def settings_payload(district, **overrides):
    data = {
        "name": district.name,
        "acknowledge_within_school_days": 5,
        "respond_within_days": 30,
        "investigation_max_days": 90,
        "small_count_threshold": 10,
        "family_languages": "en, es, vi",
        "notice_deadline_days": 30,
    }
    data.update(overrides)
    return data


def test_admin_updates_district_settings(world, client_for):
    c = client_for(world.admin)
    response = c.post(
        reverse("srp:district_settings"),
        settings_payload(world.district, family_languages="en, es, so, ar"),
    )
    assert response.status_code == 302
    world.district.refresh_from_db()
    assert world.district.family_languages == ["en", "es", "so", "ar"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"family_languages": "en, klingon"}, "family_languages", "is not a language code"),
        ({"family_languages": "es"}, "family_languages", "English must be offered"),
        ({"small_count_threshold": 1}, "small_count_threshold", "greater than or equal to 2"),
        (
            {"respond_within_days": 60, "investigation_max_days": 30},
            "investigation_max_days",
            "cannot be shorter",
        ),
        ({"name": "<script>alert(1)</script>" * 20}, "name", "at most 200 characters"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(
    world, client_for, overrides, field, message
):
    c = client_for(world.admin)
    response = c.post(
        reverse("srp:district_settings"), settings_payload(world.district, **overrides)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    world.district.refresh_from_db()
    assert world.district.family_languages == ["en", "es"]
    assert world.district.name == "Cascade Valley SD"


def test_school_create_and_duplicate_code(world, client_for):
    c = client_for(world.admin)
    data = {
        "name": "Cedar Elementary",
        "building_code": "3101",
        "level": "elementary",
        "grade_span": "K-5",
        "active": "on",
    }
    response = c.post(reverse("srp:school_create"), data)
    assert response.status_code == 302
    assert School.objects.filter(district=world.district, building_code="3101").exists()
    duplicate = c.post(
        reverse("srp:school_create"), {**data, "name": "Other", "building_code": "3401"}
    )
    assert "Another school of the district has this code" in duplicate.content.decode()
    assert School.objects.filter(district=world.district).count() == 3
    # The same code in another district is fine: codes are per district.
    assert School.objects.filter(building_code="4101").count() == 1


def test_enrollment_recorded_per_year(world, client_for):
    c = client_for(world.admin)
    url = reverse("srp:school_detail", args=[world.school_a.pk])
    assert c.post(url, {"school_year": world.year.pk, "students": 1250}).status_code == 302
    assert Enrollment.objects.get(school=world.school_a, school_year=world.year).students == 1250
    bad = c.post(url, {"school_year": world.other_year.pk, "students": -3})
    assert bad.status_code == 200
    form = bad.context["form"]
    assert "school_year" in form.errors and "students" in form.errors


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "label": "2027-29",
                "first_instructional_day": "2027-09-01",
                "last_instructional_day": "2028-06-15",
            },
            "label",
        ),
        (
            {
                "label": "2027-28",
                "first_instructional_day": "2026-09-01",
                "last_instructional_day": "2028-06-15",
            },
            "first_instructional_day",
        ),
        (
            {
                "label": "2027-28",
                "first_instructional_day": "2028-06-01",
                "last_instructional_day": "2027-09-15",
            },
            "last_instructional_day",
        ),
        (
            {
                "label": "2026-27",
                "first_instructional_day": "2026-09-01",
                "last_instructional_day": "2027-06-15",
            },
            "label",
        ),
        (
            {"label": "next year", "first_instructional_day": "x", "last_instructional_day": ""},
            "label",
        ),
    ],
)
def test_bad_school_years_are_refused(world, client_for, data, field):
    c = client_for(world.admin)
    response = c.post(reverse("srp:school_year_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert SchoolYear.objects.filter(district=world.district).count() == 1


def test_school_year_spans_july_to_june(world, client_for):
    c = client_for(world.admin)
    data = {
        "label": "2027-28",
        "first_instructional_day": "2027-09-01",
        "last_instructional_day": "2028-06-15",
    }
    assert c.post(reverse("srp:school_year_create"), data).status_code == 302
    year = SchoolYear.objects.get(district=world.district, label="2027-28")
    assert (str(year.starts_on), str(year.ends_on)) == ("2027-07-01", "2028-06-30")


def test_admin_invites_a_principal_who_gets_a_welcome_email(world, client_for):
    c = client_for(world.admin)
    data = {
        "email": "New.Principal@A.example.org",
        "first_name": "Nia",
        "last_name": "Lopez",
        "role": Role.PRINCIPAL,
        "schools": [world.school_b.pk],
        "active": "on",
    }
    assert c.post(reverse("srp:person_create"), data).status_code == 302
    user = User.objects.get(email="new.principal@a.example.org")
    membership = Membership.objects.get(user=user, district=world.district)
    assert list(membership.schools.all()) == [world.school_b]
    email = OutboundEmail.objects.get(to=["new.principal@a.example.org"])
    assert "/accounts/reset/" in email.body


def test_principal_without_school_and_school_from_other_district_are_refused(world, client_for):
    c = client_for(world.admin)
    base = {
        "email": "p@a.example.org",
        "first_name": "P",
        "last_name": "Q",
        "role": Role.PRINCIPAL,
        "active": "on",
    }
    response = c.post(reverse("srp:person_create"), base)
    assert "Choose at least one school" in response.content.decode()
    response = c.post(reverse("srp:person_create"), {**base, "schools": [world.other_school.pk]})
    assert "schools" in response.context["form"].errors
    assert not User.objects.filter(email="p@a.example.org").exists()


def test_admin_cannot_edit_membership_of_another_district(world, client_for):
    other = Membership.objects.get(user=world.outsider)
    c = client_for(world.admin)
    assert c.get(reverse("srp:person_edit", args=[other.pk])).status_code == 404
    assert c.get(reverse("srp:person_history", args=[other.pk])).status_code == 404


def test_host_admin_creates_district_with_first_admin(world, client_for):
    c = client_for(world.host)
    data = {
        "name": "Apple Valley SD",
        "code": "99003",
        "admin_first_name": "Ada",
        "admin_last_name": "King",
        "admin_email": "ada@apple.example.org",
    }
    assert c.post(reverse("srp:host_district_create"), data).status_code == 302
    district = District.objects.get(code="99003")
    admin = User.objects.get(email="ada@apple.example.org")
    assert Membership.objects.filter(
        user=admin, district=district, role=Role.PROGRAM_ADMIN
    ).exists()
    assert OutboundEmail.objects.filter(to=["ada@apple.example.org"]).exists()
    again = c.post(reverse("srp:host_district_create"), {**data, "admin_email": "x@y.example.org"})
    assert "exists already" in again.content.decode()
    assert District.objects.filter(code="99003").count() == 1


def test_only_host_admins_create_districts(world, client_for):
    response = client_for(world.admin).post(
        reverse("srp:host_district_create"),
        {
            "name": "X",
            "code": "99009",
            "admin_first_name": "a",
            "admin_last_name": "b",
            "admin_email": "a@b.example.org",
        },
    )
    assert response.status_code == 403
    assert not District.objects.filter(code="99009").exists()


def test_people_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    from tests.factories import MembershipFactory

    c = client_for(world.admin)
    c.get(reverse("srp:people_list"))
    for _ in range(30):
        MembershipFactory(district=world.district, role=Role.PRINCIPAL, schools=[world.school_a])
    with django_assert_max_num_queries(12):
        assert c.get(reverse("srp:people_list")).status_code == 200


def test_school_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    from tests.factories import SchoolFactory

    c = client_for(world.admin)
    for _ in range(30):
        SchoolFactory(district=world.district)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("srp:school_list")).status_code == 200
