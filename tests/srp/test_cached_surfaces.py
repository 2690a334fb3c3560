"""Every cached surface, rendered for pairs of readers in both orders (issue #11, finding 2).

Each surface declared with `registry.add_cached_surface` (dashboard sections, list counts, page
ids and rows, filter options, report bodies and PDFs, the public roster and form) is drawn for a
reader Y after another reader X has filled the cache, and must equal what Y is shown on an empty
cache. The personas overlap on purpose: two investigators, an administrator who is a complaint's
subject and one who is not, liaisons of two providers, principals of two schools, safety staff
named in a complaint and a colleague at the same school, two teachers, a board member and an
administrator of another district.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Complaint
from reports.services import board_packet_release, report_publish
from srp import cache as figures
from srp.registry import registry
from srp.roles import Role
from srp.scope import build_scope
from tests.complaints.factories import complaint, link_liaison, provider, staff
from tests.factories import MembershipFactory, UserFactory
from tests.incidents.factories import CallFactory, InterventionFactory, RestraintFactory

PAIRS = [
    ("investigator", "investigator_2"),
    ("admin_subject", "admin"),
    ("liaison", "liaison_2"),
    ("principal_a", "principal_b"),
    ("safety_named", "safety_other"),
    ("teacher_a", "teacher_2"),
    ("board", "admin"),
    ("outsider", "admin"),
]
ORDERED_PAIRS = PAIRS + [(y, x) for x, y in PAIRS]


class Cast:
    def __init__(self, world) -> None:
        d, a, b, year = world.district, world.school_a, world.school_b, world.year
        self.world = world

        def person(username: str, role: str, schools=()):  # noqa: ANN202
            user = UserFactory(username=username)
            MembershipFactory(user=user, district=d, role=role, schools=list(schools))
            return user

        sheriff = provider(d, "Cascade County Sheriff")
        security = provider(d, "Valley Security Co")
        self.people = {
            "admin": world.admin,
            "admin_subject": person("admin.2@a.example.org", Role.PROGRAM_ADMIN),
            "investigator": world.investigator,
            "investigator_2": person("investigator.2@a.example.org", Role.INVESTIGATOR),
            "liaison": world.liaison,
            "liaison_2": person("liaison.2@a.example.org", Role.AGENCY_LIAISON),
            "principal_a": world.principal_a,
            "principal_b": world.principal_b,
            "safety_named": world.safety_staff,
            "safety_other": person("sro.2@a.example.org", Role.SAFETY_STAFF),
            "teacher_a": world.teacher_a,
            "teacher_2": person("teacher.2@a.example.org", Role.SCHOOL_STAFF, [a]),
            "board": world.board,
            "outsider": world.outsider,
        }
        link_liaison(world.liaison, d, sheriff)
        link_liaison(self.people["liaison_2"], d, security)
        named = staff(d, a, year, badge="N-1", user=world.safety_staff, employer=sheriff)
        colleague = staff(d, a, year, badge="N-2", user=self.people["safety_other"])
        admin_entry = staff(
            d, b, year, badge="A-1", user=self.people["admin_subject"], employer=security
        )

        today = timezone.localdate()
        # Overdue, about the named officer, assigned to investigator 1, referred to the sheriff.
        overdue = complaint(world, school=a, staff_member=named)
        complaint_services.complaint_assign(
            complaint=overdue, investigator=world.investigator, by=world.admin
        )
        complaint_services.complaint_refer(
            complaint=Complaint.objects.get(pk=overdue.pk),
            provider=sheriff,
            referred_on=today,
            case_number="CCSO-1",
            by=world.admin,
        )
        # Due soon, about the second administrator's own roster entry, referred to security.
        about_admin = complaint(world, school=b, staff_member=admin_entry)
        complaint_services.complaint_refer(
            complaint=about_admin,
            provider=security,
            referred_on=today,
            case_number="VS-1",
            by=world.admin,
        )
        # Due soon, about the colleague, assigned to investigator 1.
        about_colleague = complaint(world, school=a, staff_member=colleague)
        complaint_services.complaint_assign(
            complaint=about_colleague, investigator=world.investigator, by=world.admin
        )
        Complaint.objects.filter(pk=overdue.pk).update(respond_due=today - datetime.timedelta(5))
        Complaint.objects.filter(pk__in=[about_admin.pk, about_colleague.pk]).update(
            respond_due=today + datetime.timedelta(3)
        )
        self.references = [overdue.reference, about_admin.reference, about_colleague.reference]

        CallFactory(school=a, responding_staff=named)
        CallFactory(school=a, responding_staff=colleague)
        CallFactory(school=b, responding_staff=admin_entry)
        InterventionFactory(school=a, requested_by=world.teacher_a)
        InterventionFactory(school=a, requested_by=self.people["teacher_2"])
        InterventionFactory(school=b, requested_by=world.principal_b)
        RestraintFactory(school=a, staff_member=named)
        RestraintFactory(school=b, staff_member=admin_entry)
        CallFactory(school=world.other_school)
        complaint(world, district=world.other_district, school=world.other_school)
        report_publish(district=d, school_year=year, by=world.admin)
        board_packet_release(district=d, school_year=year, by=world.admin)  # the public packet

        self.clients: dict[str, Client] = {}
        for name, user in self.people.items():
            self.clients[name] = Client()
            self.clients[name].force_login(user)

    def district_of(self, name: str):  # noqa: ANN201
        return self.world.other_district if name == "outsider" else self.world.district


def normalised(response) -> object:
    """What a reader is shown, without what differs on every request (form tokens, nonces)."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return (response.status_code, response.content)
    html = BeautifulSoup(response.content, "html.parser")
    for tag in html.find_all(True):
        tag.attrs.pop("nonce", None)
        if tag.name == "input" and tag.get("type") == "hidden":
            tag.attrs.pop("value", None)
    return (response.status_code, str(html))


def surface_groups() -> dict[str, list[str]]:
    """Surface names grouped by the pages that draw them (sections share the dashboard)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for surface in registry.cached_surfaces.values():
        groups[f"{surface.paths.__module__}:{surface.paths.__name__}"].append(surface.name)
    return groups


@pytest.fixture
def cast(world, monkeypatch):
    # A report's PDF stands for the report it was drawn from (WeasyPrint takes a second a page).
    def pdf_of(report):  # noqa: ANN001, ANN202
        return b"%PDF " + json.dumps(report, sort_keys=True, default=str).encode()

    monkeypatch.setattr("reports.views.render_annual_report_pdf", pdf_of)
    monkeypatch.setattr("reports.public_views.render_annual_report_pdf", pdf_of)
    return Cast(world)


@pytest.fixture
def drawn(monkeypatch):
    """The names of the surfaces whose values are looked up, and every value stored, with who
    was reading."""
    names: set[str] = set()
    stored: list[tuple[str, str, object]] = []
    reader = {"name": None}
    cache_key = figures.cache_key

    def spying_key(name, audience, *args, **kwargs):  # noqa: ANN001, ANN202
        names.add(name)
        return cache_key(name, audience, *args, **kwargs)

    cache_set = figures.cache.set

    def spying_set(key, value, *args, **kwargs):  # noqa: ANN001, ANN202
        if key.startswith("srp:figures:"):
            stored.append((reader["name"], key, value))
        return cache_set(key, value, *args, **kwargs)

    monkeypatch.setattr(figures, "cache_key", spying_key)
    monkeypatch.setattr(figures.cache, "set", spying_set)
    return names, stored, reader


def render(cast: Cast, name: str, surface_names: list[str], reader=None) -> list[object]:
    if reader is not None:
        reader["name"] = name
    surface = registry.cached_surfaces[surface_names[0]]
    client = cast.clients[name]
    return [normalised(client.get(path)) for path in surface.paths(cast.district_of(name))]


@pytest.mark.parametrize("group", sorted(surface_groups()))
def test_no_reader_is_shown_another_readers_cached_value(cast, drawn, group):
    from django.core.cache import cache

    surface_names = surface_groups()[group]
    names, _stored, _reader = drawn
    fresh = {}
    for name in cast.people:
        cache.clear()
        fresh[name] = render(cast, name, surface_names)
    for first, second in ORDERED_PAIRS:
        cache.clear()
        render(cast, first, surface_names)
        assert render(cast, second, surface_names) == fresh[second], (
            f"{second} was shown what was cached for {first} ({', '.join(surface_names)})"
        )
    # The pages named for the surfaces really draw them.
    assert set(surface_names) <= names, set(surface_names) - names


def test_every_cached_surface_is_in_the_matrix():
    """The matrix walks the registry: a value cached under any other name is refused."""
    grouped = {name for names in surface_groups().values() for name in names}
    assert grouped == set(registry.cached_surfaces)
    expected = {
        "dashboard:srp.district",
        "dashboard:complaints.due",
        "dashboard:incidents.safety_staff",
        "dashboard:incidents.school_staff",
        "dashboard:incidents.principal",
        "dashboard:incidents.admin",
        "dashboard:agreements.overview",
        "dashboard:notices.delivery",
        "dashboard:reports.annual",
        "incidents:list-count",
        "incidents:list-page",
        "incidents:rows-html",
        "incidents:filter-options",
        "reports.annual_report",
        "reports.report_body",
        "reports.annual_report_pdf",
        "reports.published_body",
        "reports.published_pdf",
        "public-roster",
        "intake-form",
    }
    assert expected <= set(registry.cached_surfaces)


def test_a_value_cached_under_an_undeclared_name_is_refused(world):
    with pytest.raises(ImproperlyConfigured, match="not a cached surface"):
        figures.cached_figures("undeclared", build_scope(world.admin), lambda: 1)


def test_a_public_surface_is_never_kept_for_a_reader_nor_a_readers_for_the_public(world):
    with pytest.raises(ImproperlyConfigured, match="public"):
        figures.cached_figures("public-roster", build_scope(world.admin), lambda: 1)
    with pytest.raises(ImproperlyConfigured, match="reader"):
        figures.cached_figures("incidents:list-count", figures.public(world.district), lambda: 1)


def test_cached_html_holds_no_form_token_nor_the_readers_name(cast, drawn):
    """Cached values are drawn without the request: no CSRF token, and nothing naming whoever
    was reading (unless that person is in the records, as the administrator sees them)."""
    from django.core.cache import cache

    _names, stored, reader = drawn
    for surface_names in surface_groups().values():
        for name in cast.people:
            cache.clear()
            render(cast, name, surface_names, reader)
    assert stored
    seen_by_admin = " ".join(repr(v) for who, _k, v in stored if who == "admin")
    for who, key, value in stored:
        text = repr(value)
        assert "csrfmiddlewaretoken" not in text and "csrftoken" not in text, key
        user = cast.people[who]
        for mark in (user.email, user.get_full_name()):
            if mark and mark not in seen_by_admin:
                assert mark not in text, f"{key} cached for {who} names them"


# The identity itself ----------------------------------------------------------------------------
def test_identity_names_the_user_only_when_their_view_is_their_own(cast):
    world = cast.world
    people = cast.people

    def identity(name):  # noqa: ANN001, ANN202
        return build_scope(people[name]).cache_identity()

    # Administrators without a roster entry, and board members, share their values.
    other_admin = UserFactory(username="admin.3@a.example.org")
    MembershipFactory(user=other_admin, district=world.district, role=Role.PROGRAM_ADMIN)
    assert build_scope(other_admin).cache_identity() == identity("admin")
    assert identity("admin")[-1] is None
    # Everyone else has their own.
    for name in (
        "admin_subject",
        "investigator",
        "liaison",
        "principal_a",
        "safety_named",
        "safety_other",
        "teacher_a",
    ):
        assert identity(name)[-1] == people[name].pk, name
    assert identity("outsider")[0] == world.other_district.pk


def test_a_roster_entry_under_the_users_email_alone_makes_their_view_their_own(world):
    """An administrator whose roster entry is not linked yet may still be a complaint's subject
    (R-09 matches by email): their values are not shared."""
    other_admin = UserFactory(username="admin.4@a.example.org")
    MembershipFactory(user=other_admin, district=world.district, role=Role.PROGRAM_ADMIN)
    assert build_scope(other_admin).cache_identity()[-1] is None
    entry = staff(world.district, world.school_a, world.year, badge="E-1")
    entry.email = "ADMIN.4@a.example.org"
    entry.save()
    assert build_scope(other_admin).cache_identity()[-1] == other_admin.pk


def test_the_scope_costs_no_query_more(world, django_assert_num_queries):
    """The roster-entry check is folded into the scope's membership query."""
    with django_assert_num_queries(2):  # memberships, their schools
        build_scope(world.admin)
