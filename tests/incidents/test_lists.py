"""The staff lists at any size: fixed query counts, cached counts and filter options that follow
every write, never shared between scopes, and the same HTML as before they were cached."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from incidents.forms import CallFilterForm, written_options
from incidents.models import AgencyInformationRequest, Call, LawEnforcementActivity
from incidents.templatetags.incident_labels import label
from srp.cache import data_changed
from srp.widgets import FastSelect
from tests.incidents.factories import (
    CallFactory,
    InterventionFactory,
    RestraintFactory,
    StaffMemberFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db


def _add_rows(world, roster, n: int) -> None:
    """`n` records of every kind the lists show, at school A."""
    for _ in range(n):
        call = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="arrest")
        StudentFactory(call=call)
        StudentFactory(call=call, outcome="arrest")
        LawEnforcementActivity.objects.create(
            call=call, kind="interview", occurred_at=call.occurred_at, student_under_18=False
        )
        InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
        RestraintFactory(school=world.school_a, staff_member=roster.sro, district=world.district)
        AgencyInformationRequest.objects.create(
            district=world.district,
            school=world.school_a,
            received_on=datetime.date(2026, 11, 2),
            agency="County court",
            what_was_asked="Attendance record",
            legal_basis="subpoena",
            routed_to_program_admin=False,
            logged_by=world.admin,
        )
        StaffMemberFactory(district=world.district)


# (list, query string, queries with the cache cold, warm). Cold: the count, the page's ids and
# rows, the schools and the staff of the filter are read; warm: nothing of the list's own (its
# rows' HTML is cached), only the signed-in user's session, user, devices and memberships (about
# nine queries on every page). The restraint list reads its rows every time (its clocks run).
LISTS = [
    ("call_list", {}, 14, 9),
    ("call_list", {"reason": "fight", "date_from": "2020-01-01", "page": "1"}, 14, 9),
    ("activity_list", {}, 14, 9),
    ("intervention_list", {}, 14, 9),
    ("restraint_list", {}, 14, 10),
    ("agency_request_list", {}, 12, 9),
    # Plus the students of the page's calls and the interventions that were incidents, and the
    # disclosure log's row (the page lists students with their demographics).
    ("incident_list", {}, 17, 10),
]


@pytest.mark.parametrize(("name", "params", "cold_most", "warm_most"), LISTS)
def test_list_queries_do_not_grow_with_rows(
    world, roster, client_for, name, params, cold_most, warm_most
):
    """Counted with the cache cold (right after a write) and warm; the same for 2 and 12 rows."""
    client = client_for(world.admin)
    url = reverse(f"incidents:{name}")
    counts = []
    for n in (2, 10):
        _add_rows(world, roster, n)  # a write: the cached counts and options are stale
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url, params).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            response = client.get(url, params)
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1], counts
    cold_queries, warm_queries = counts[0]
    assert cold_queries <= cold_most
    assert warm_queries <= warm_most
    if name != "agency_request_list" and not params:
        assert len(response.context["page"]) == 12


def test_pages_keep_their_order_and_rows(world, roster, client_for):
    base = timezone.make_aware(datetime.datetime(2026, 10, 1, 8, 0))
    calls = [
        CallFactory(
            school=world.school_a,
            responding_staff=roster.sro,
            occurred_at=base + datetime.timedelta(hours=i % 7),
        )
        for i in range(60)
    ]
    for call in calls[:10]:
        StudentFactory(call=call)
        StudentFactory(call=call)
    expected = sorted(calls, key=lambda c: (c.occurred_at, c.pk), reverse=True)
    client = client_for(world.admin)
    first = client.get(reverse("incidents:call_list"))
    second = client.get(reverse("incidents:call_list"), {"page": 2})
    assert list(first.context["page"]) + list(second.context["page"]) == expected
    assert first.context["page"].paginator.count == 60
    counts = {c.pk: c.student_count for c in [*first.context["page"], *second.context["page"]]}
    assert counts == {c.pk: (2 if c in calls[:10] else 0) for c in calls}


def test_the_cached_count_follows_writes_and_scope(world, roster, client_for):
    CallFactory(school=world.school_a, responding_staff=roster.sro)
    CallFactory(school=world.school_b, responding_staff=roster.officer_b)
    url = reverse("incidents:call_list")
    admin, principal_a = client_for(world.admin), client_for(world.principal_a)
    assert admin.get(url).context["page"].paginator.count == 2
    # Another scope with the same filters: its own count, not the administrator's.
    assert principal_a.get(url).context["page"].paginator.count == 1
    CallFactory(school=world.school_a, responding_staff=roster.sro)
    assert admin.get(url).context["page"].paginator.count == 3
    assert principal_a.get(url).context["page"].paginator.count == 2
    # An edit (save) changes the count of a filter on the edited field.
    assert admin.get(url, {"reason": "theft"}).context["page"].paginator.count == 0
    call = Call.objects.first()
    call.reason = "theft"
    call.save()
    assert admin.get(url, {"reason": "theft"}).context["page"].paginator.count == 1
    # A bulk write (no signal) says so itself, as the importer does.
    Call.objects.update(reason="theft")
    data_changed(world.district.pk)
    assert admin.get(url, {"reason": "theft"}).context["page"].paginator.count == 3


def test_the_cached_rows_follow_writes_and_scope(world, roster, client_for):
    a = CallFactory(school=world.school_a, responding_staff=roster.sro, call_ref="A-1")
    CallFactory(school=world.school_b, responding_staff=roster.officer_b, call_ref="B-1")
    url = reverse("incidents:call_list")
    admin = client_for(world.admin)
    body = admin.get(url).content.decode()
    assert "A-1" in body and "B-1" in body
    # Same filters, another scope: the administrator's rows are not shown to principal A.
    body = client_for(world.principal_a).get(url).content.decode()
    assert "A-1" in body and "B-1" not in body
    # A change to a row's call, or to a record it shows (the staff member), is seen next time.
    a.reason = "weapon"
    a.save()
    roster.sro.first_name = "Samuel"
    roster.sro.save()
    body = admin.get(url).content.decode()
    assert "Weapon" in body and "Samuel Okafor" in body
    # Other lists too: an intervention's status.
    request = InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
    requests_url = reverse("incidents:intervention_list")
    assert "Waiting for a response" in admin.get(requests_url).content.decode()
    request.status = "withdrawn"
    request.save()
    assert "Withdrawn" in admin.get(requests_url).content.decode()


def test_the_cached_rows_follow_the_language(world, roster, client_for):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro, reason="weapon")
    client = client_for(world.admin)
    url = reverse("incidents:call_list")

    def rows(language: str) -> str:
        body = client.get(url, headers={"accept-language": language}).content.decode()
        return body[body.index("<tbody>") : body.index("</tbody>")]

    english, spanish = rows("en"), rows("es")
    with translation.override("es"):
        weapon_es = call.get_reason_display()
    assert weapon_es != "Weapon"
    assert "Weapon" in english and weapon_es in spanish and "Weapon" not in spanish


def test_the_cached_filter_options_follow_writes(world, roster, client_for):
    url = reverse("incidents:call_list")
    client = client_for(world.admin)
    assert "Okafor" in client.get(url).content.decode()
    roster.sro.last_name = "Okafor-Lee"
    roster.sro.save()
    world.school_b.name = "Birch Middle School"
    world.school_b.save()
    body = client.get(url).content.decode()
    assert "Sam Okafor-Lee" in body and "Birch Middle School" in body


def test_the_cached_filter_options_are_not_shared_between_scopes(world, roster, client_for):
    url = reverse("incidents:call_list")
    admin_page = client_for(world.admin).get(url)
    principal_page = client_for(world.principal_a).get(url)
    assert "Birch Middle" in admin_page.content.decode()
    schools = principal_page.context["filter_form"]["school"].as_widget()
    assert "Alder High" in schools and "Birch Middle" not in schools
    # And a school outside the scope is still refused, whatever the options say.
    refused = client_for(world.principal_a).get(url, {"school": world.school_b.pk})
    assert not refused.context["filter_form"].is_valid()


@pytest.mark.parametrize("value", [None, "", "staff", "school", "999999", "<x>"])
def test_written_options_render_the_same_html_as_fast_select(world, roster, value):
    from incidents import selectors
    from srp.models import School

    schools = School.objects.filter(district=world.district)
    staff = selectors.staff_for_district(type("S", (), {"district": world.district})())
    StaffMemberFactory(district=world.district, first_name="Ana & <Bo>", last_name='"Quote"')
    values = {"staff": str(roster.sro.pk), "school": str(world.school_b.pk)}
    data = {name: values.get(value, value) for name in ("school", "staff")} if value else None
    written = CallFilterForm(
        data,
        schools=schools,
        staff=staff,
        options=CallFilterForm.written_options_for(schools=schools, staff=staff),
    )
    plain = CallFilterForm(data, schools=schools, staff=staff)
    for name in CallFilterForm.WRITTEN:
        plain[name].field.widget.__class__ = FastSelect
        assert written[name].as_widget() == plain[name].as_widget()
    assert "Ana &amp; &lt;Bo&gt;" in written["staff"].as_widget()


def test_written_options_escape_values_and_labels():
    assert written_options([("1", "<b>"), (None, "a&b")]) == (
        '<option value="1">&lt;b&gt;</option><option value="">a&amp;b</option>'
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_label_filter_is_the_display_label(world, roster, language):
    call = CallFactory(school=world.school_a, responding_staff=roster.sro, reason="mental_health")
    with translation.override(language):
        for field in ("reason", "outcome", "requested_by", "status"):
            assert label(call, field) == getattr(call, f"get_{field}_display")()
    call.reason = "not-a-code"
    assert label(call, "reason") == "not-a-code"


def test_cached_restraint_rows_follow_the_clocks(world, roster, client_for):
    """No write happens when a notice becomes overdue: the row changes all the same."""
    from freezegun import freeze_time

    occurred = timezone.make_aware(datetime.datetime(2026, 11, 23, 10, 0))  # a Monday
    RestraintFactory(
        school=world.school_a,
        staff_member=roster.sro,
        district=world.district,
        occurred_at=occurred,
        report_submitted_at=None,
        parent_verbal_notice_at=None,
        parent_written_notice_at=None,
    )
    client = client_for(world.admin)
    url = reverse("incidents:restraint_list")

    def rows() -> str:
        body = client.get(url).content.decode()
        return body[body.index("<tbody>") : body.index("</tbody>")]

    # Four minutes apart (within the cache's timeout) on the same local day: only the clock
    # tells the two pages apart.
    due = occurred + datetime.timedelta(hours=24)
    with freeze_time(due - datetime.timedelta(minutes=2)):
        assert "Overdue" not in rows()
    with freeze_time(due + datetime.timedelta(minutes=2)):
        assert rows().count("Overdue") == 1  # the verbal notice (24 hours)


# Detail pages ---------------------------------------------------------------------------------
def test_call_detail_marks_incidents_with_fixed_queries(
    world, roster, client_for, django_assert_max_num_queries
):
    plain = CallFactory(school=world.school_a, responding_staff=roster.sro)
    StudentFactory(call=plain)
    forced = CallFactory(school=world.school_a, responding_staff=roster.sro)
    StudentFactory(call=forced)
    StudentFactory(call=forced, force_used=True)
    arrest = CallFactory(school=world.school_a, responding_staff=roster.sro, outcome="arrest")
    client = client_for(world.admin)
    badge = '<span class="badge text-bg-warning">Incident</span>'
    for call, incident in ((plain, False), (forced, True), (arrest, True)):
        url = reverse("incidents:call_detail", args=[call.pk])
        client.get(url)
        # 14: the page's 13 and the disclosure log's row for this view of a call with students.
        with django_assert_max_num_queries(14):
            body = client.get(url).content.decode()
        assert (badge in body) is incident


def test_detail_pages_have_fixed_queries(world, roster, client_for, django_assert_max_num_queries):
    _add_rows(world, roster, 3)
    client = client_for(world.admin)
    pages = [
        ("intervention_detail", world.district.intervention_requests.first().pk, 9),
        # The restraint report reads its district's calendar for the business-day clocks.
        ("restraint_detail", world.district.restraint_reports.first().pk, 11),
        ("agency_request_detail", world.district.agency_information_requests.first().pk, 9),
    ]
    for name, pk, most in pages:
        url = reverse(f"incidents:{name}", args=[pk])
        client.get(url)
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("data", [None, {"reason": "fight", "outcome": "arrest"}, {"reason": "x"}])
def test_code_filters_render_as_django_selects(world, data):
    """The reason and outcome selects are written directly (FastSelect): same HTML."""
    from django import forms
    from django.test.testcases import assert_and_parse_html

    def assertHTMLEqual(one: str, two: str) -> None:  # noqa: N802 - as in SimpleTestCase
        assert assert_and_parse_html(None, one, None, "") == assert_and_parse_html(
            None, two, None, ""
        )

    from srp.models import School

    form = CallFilterForm(data, schools=School.objects.none(), staff=School.objects.none())
    for name in ("reason", "outcome"):
        django_select = forms.Select(attrs=form[name].field.widget.attrs)
        django_select.choices = form[name].field.choices
        assertHTMLEqual(form[name].as_widget(), form[name].as_widget(widget=django_select))
