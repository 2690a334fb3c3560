"""Cached figures (`srp.cache`) and the cached dashboard: a write makes them stale at once, and
users with different roles, schools or identities never share a cached value."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from complaints.models import AccessLog
from srp import cache as figures
from srp.registry import CachedSurface, registry
from tests.complaints.factories import complaint as make_complaint
from tests.factories import MembershipFactory, UserFactory
from tests.incidents.factories import (
    CallFactory,
    InterventionFactory,
    StaffAssignmentFactory,
    StaffMemberFactory,
    StudentFactory,
)


@pytest.fixture(autouse=True)
def _test_surface(monkeypatch):
    """A public surface named "t", for the duration of a test."""
    surfaces = dict(registry.cached_surfaces)
    surfaces["t"] = CachedSurface("t", lambda district: [], public=True)
    monkeypatch.setattr(registry, "cached_surfaces", surfaces)


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_value_is_computed_once_until_its_district_changes(world):
    calls, compute = counter()
    first = figures.cached_figures("t", figures.public(world.district), compute)
    again = figures.cached_figures("t", figures.public(world.district), compute)
    assert (first, again, len(calls)) == (1, 1, 1)

    world.school_a.name = "Alder High School"
    world.school_a.save()
    assert figures.cached_figures("t", figures.public(world.district), compute) == 2


def test_a_write_in_another_district_leaves_the_value(world):
    calls, compute = counter()
    figures.cached_figures("t", figures.public(world.district), compute)
    world.other_school.name = "Orchard High School"
    world.other_school.save()
    figures.cached_figures("t", figures.public(world.district), compute)
    assert len(calls) == 1


def test_a_write_traced_through_its_parent_reaches_the_district(world):
    """A student row has no district of its own: the call it belongs to names it."""
    call = CallFactory(school=world.school_a)
    calls, compute = counter()
    figures.cached_figures("t", figures.public(world.district), compute)
    student = StudentFactory(call=call)
    assert figures.district_of(student) == world.district.pk
    figures.cached_figures("t", figures.public(world.district), compute)
    assert len(calls) == 2


def test_a_write_without_a_district_makes_every_value_stale(world):
    calls, compute = counter()
    figures.cached_figures("t", figures.public(world.district), compute)
    figures.data_changed(None)
    figures.cached_figures("t", figures.public(world.district), compute)
    assert len(calls) == 2


def test_the_version_changes_again_when_the_transaction_commits(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = figures.data_versions(world.district.pk)
        figures.data_changed(world.district.pk)
        during = figures.data_versions(world.district.pk)
    assert during[0] != before[0]
    assert len(callbacks) == 1
    callbacks[0]()
    assert figures.data_versions(world.district.pk)[0] != during[0]


def test_key_and_language_keep_values_apart(world):
    calls, compute = counter()
    figures.cached_figures("t", figures.public(world.district), compute, key=("school", 1))
    figures.cached_figures("t", figures.public(world.district), compute, key=("school", 2))
    with translation.override("es"):
        figures.cached_figures("t", figures.public(world.district), compute, key=("school", 1))
    assert len(calls) == 3


def test_reading_a_complaint_does_not_make_figures_stale(world):
    """The access log is written on every read; it feeds no figure."""
    complaint = make_complaint(world)
    calls, compute = counter()
    figures.cached_figures("t", figures.public(world.district), compute)
    AccessLog.objects.create(complaint=complaint, user=world.admin)
    figures.cached_figures("t", figures.public(world.district), compute)
    assert len(calls) == 1


# The dashboard ----------------------------------------------------------------------------------
def stat(response, label: str) -> str:
    html = BeautifulSoup(response.content, "html.parser")
    term = html.find("dt", string=label)
    assert term is not None, f"no {label!r} on the dashboard"
    return term.find_next_sibling("dd").get_text(strip=True)


def test_dashboard_is_cached_and_shows_a_new_call_at_once(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.admin)
    url = reverse("srp:dashboard")
    assert stat(client.get(url), "Calls this year") == "0"
    with django_assert_max_num_queries(12):
        warm = client.get(url)
    assert stat(warm, "Calls this year") == "0"

    CallFactory(school=world.school_a)
    assert stat(client.get(url), "Calls this year") == "1"


def test_principals_of_different_schools_do_not_share_the_dashboard(world, client_for):
    InterventionFactory(school=world.school_a, requested_by=world.principal_a)
    url = reverse("srp:dashboard")
    body_a = client_for(world.principal_a).get(url).content.decode()
    body_b = client_for(world.principal_b).get(url).content.decode()
    assert "Alder High" in body_a and "Alder High" not in body_b


def test_a_per_user_section_is_not_shared_between_staff(world, client_for):
    from srp.roles import Role

    def officer(username):
        user = UserFactory(username=username)
        MembershipFactory(user=user, district=world.district, role=Role.SAFETY_STAFF)
        staff = StaffMemberFactory(district=world.district, user=user)
        StaffAssignmentFactory(staff_member=staff, school=world.school_b, school_year=world.year)
        return user, staff

    me, mine = officer("sro1@a.example.org")
    colleague, _theirs = officer("sro2@a.example.org")
    CallFactory(school=world.school_b, responding_staff=mine)

    url = reverse("srp:dashboard")
    mine_html = client_for(me).get(url).content.decode()
    theirs_html = client_for(colleague).get(url).content.decode()
    assert "Birch Middle" in mine_html
    assert "No calls yet." in theirs_html and "Birch Middle" not in theirs_html


def test_versions_are_read_once_per_request_and_follow_its_writes(world, monkeypatch):
    reads = []
    get_many = figures.cache.get_many
    monkeypatch.setattr(
        figures.cache, "get_many", lambda keys: reads.append(keys) or get_many(keys)
    )
    figures._request_started()
    try:
        first = figures.data_versions(world.district.pk)
        assert figures.data_versions(world.district.pk) == first
        assert len(reads) == 1
        figures.data_changed(world.district.pk)
        assert figures.data_versions(world.district.pk)[0] != first[0]
        assert len(reads) == 1
    finally:
        figures._request_finished()
    figures.data_versions(world.district.pk)
    assert len(reads) == 2


def test_a_request_writing_many_rows_changes_the_version_once_now_and_once_on_commit(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    # Districts no other write of this test transaction has touched.
    ONE, OTHER = 900_001, 900_002  # noqa: N806
    key = figures._version_key(ONE)
    writes = []
    cache_set = figures.cache.set
    monkeypatch.setattr(
        figures.cache, "set", lambda k, *a, **kw: writes.append(k) or cache_set(k, *a, **kw)
    )
    figures._request_started()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            before = figures.data_versions(ONE)[0]
            for _ in range(3):
                figures.data_changed(ONE)
            assert figures.data_versions(ONE)[0] != before
            # A write in a savepoint that rolls back loses its on-commit change: the next write
            # registers a new one.
            try:
                with transaction.atomic():
                    figures.data_changed(OTHER)
                    raise RuntimeError
            except RuntimeError:
                pass
            figures.data_changed(OTHER)
    finally:
        figures._request_finished()
    assert writes.count(key) == 2
    assert writes.count(figures._version_key(OTHER)) == 3


def test_a_topic_changes_only_with_its_own_models(world, monkeypatch):
    from srp.models import School

    monkeypatch.setattr(figures, "_topics", dict(figures._topics))  # the topic ends with the test
    figures.watch_topic("test-schools", [School])
    calls, compute = counter()
    figures.cached_figures("t", figures.public(world.district), compute, topic="test-schools")
    CallFactory(school=world.school_a)  # a write in the district, outside the topic
    figures.cached_figures("t", figures.public(world.district), compute, topic="test-schools")
    assert len(calls) == 1

    world.school_b.name = "Birch Middle School"
    world.school_b.save()
    figures.cached_figures("t", figures.public(world.district), compute, topic="test-schools")
    assert len(calls) == 2


# Readers of the complaints section (issue #11: cached per set of roles, not per reader) ---------
def _overdue_complaint(world, **kwargs):
    import datetime

    from django.utils import timezone

    from complaints.models import Complaint

    c = make_complaint(world, **kwargs)
    Complaint.objects.filter(pk=c.pk).update(
        respond_due=timezone.localdate() - datetime.timedelta(days=5)
    )
    return c


def _person(world, username, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, district=world.district, role=role)
    return user


def test_an_investigator_is_never_shown_another_investigators_complaints(world, client_for):
    from complaints.services import complaint_assign
    from srp.roles import Role

    mine = _overdue_complaint(world)
    complaint_assign(complaint=mine, investigator=world.investigator, by=world.admin)
    colleague = _person(world, "investigator.2@a.example.org", Role.INVESTIGATOR)
    url = reverse("srp:dashboard")

    assert mine.reference in client_for(world.investigator).get(url).content.decode()
    theirs = client_for(colleague).get(url).content.decode()
    assert mine.reference not in theirs and "Nothing due this week." in theirs


def test_an_investigator_sees_their_overdue_complaints_after_a_colleague_loaded_the_page(
    world, client_for
):
    from complaints.services import complaint_assign
    from srp.roles import Role

    colleague = _person(world, "investigator.2@a.example.org", Role.INVESTIGATOR)
    mine = _overdue_complaint(world)
    complaint_assign(complaint=mine, investigator=world.investigator, by=world.admin)
    url = reverse("srp:dashboard")

    assert "Nothing due this week." in client_for(colleague).get(url).content.decode()
    body = client_for(world.investigator).get(url).content.decode()
    assert mine.reference in body and "Nothing due this week." not in body


def test_liaisons_of_two_providers_do_not_share_the_complaints_section(world, client_for):
    from complaints.services import complaint_refer
    from srp.roles import Role
    from tests.complaints.factories import link_liaison, provider

    sheriff, security = provider(world.district), provider(world.district, "Valley Security")
    other_liaison = _person(world, "liaison.2@a.example.org", Role.AGENCY_LIAISON)
    link_liaison(world.liaison, world.district, sheriff)
    link_liaison(other_liaison, world.district, security)
    referred = complaint_refer(
        complaint=_overdue_complaint(world),
        provider=sheriff,
        referred_on=world.year.first_instructional_day,
        case_number="C-1",
        by=world.admin,
    )
    url = reverse("srp:dashboard")
    assert referred.reference in client_for(world.liaison).get(url).content.decode()
    assert referred.reference not in client_for(other_liaison).get(url).content.decode()


def test_an_administrator_who_is_a_complaints_subject_never_sees_it_on_the_dashboard(
    world, client_for
):
    from srp.roles import Role
    from tests.complaints.factories import staff

    subject = _person(world, "admin.2@a.example.org", Role.PROGRAM_ADMIN)
    entry = staff(world.district, world.school_a, world.year, badge="A-1", user=subject)
    about_them = _overdue_complaint(world, staff_member=entry)
    url = reverse("srp:dashboard")

    assert about_them.reference in client_for(world.admin).get(url).content.decode()
    assert about_them.reference not in client_for(subject).get(url).content.decode()


def test_a_model_that_does_not_say_how_it_reaches_its_district_is_refused():
    """Each app names how a record of a model without a district of its own reaches one; a new
    model that says nothing would otherwise feed no district's figures."""
    from types import SimpleNamespace

    from django.core.exceptions import ImproperlyConfigured

    from srp.models import Enrollment

    app = SimpleNamespace(get_models=lambda: [Enrollment])
    with pytest.raises(ImproperlyConfigured, match="reach their district"):
        figures.app_feeds_figures(app)


def test_a_record_three_links_from_its_district_is_traced_through_its_declared_path(world):
    """An engagement event's attachment reaches its district through the event, the review and
    the agreement (the apps declare the path; a generic walk stopped two links short)."""
    from agreements.models import Agreement, AnnualReview, EngagementAttachment, EngagementEvent

    agreement = Agreement(district_id=world.district.pk)
    attachment = EngagementAttachment(
        event=EngagementEvent(review=AnnualReview(agreement=agreement))
    )
    assert figures.district_of(attachment) == world.district.pk
