"""Who looked at what (issue #13, FERPA 34 CFR 99.32): every view, download and export of a
complaint, a call with students, a student list, an unsuppressed report or the state package
writes one row of the district's disclosure log, with how many rows it showed; the program
administrator lists and exports it; nobody edits it."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints.models import AccessLog
from srp.models import DisclosureLog
from tests.complaints.factories import complaint as make_complaint
from tests.incidents.factories import CallFactory, StudentFactory

pytestmark = pytest.mark.django_db


def only_row(**filters) -> DisclosureLog:
    rows = list(DisclosureLog.objects.filter(**filters))
    assert len(rows) == 1, rows
    return rows[0]


def _csv(response) -> list[dict[str, str]]:
    content = response.streaming_content if response.streaming else [response.content]
    return list(csv.DictReader(io.StringIO(b"".join(content).decode("utf-8-sig"))))


@pytest.fixture
def call(world):
    call = CallFactory(school=world.school_a, district=world.district)
    StudentFactory(call=call)
    StudentFactory(call=call, outcome="arrest")
    return call


def test_call_detail_is_logged_with_its_students(world, call, client_for):
    response = client_for(world.principal_a).get(reverse("incidents:call_detail", args=[call.pk]))
    assert response.status_code == 200
    row = only_row(user=world.principal_a)
    assert (row.action, row.record_type, row.record_id) == (
        "viewed",
        "incidents.call",
        str(call.pk),
    )
    assert row.rows == 2 and row.district == world.district
    assert row.path == reverse("incidents:call_detail", args=[call.pk])


def test_a_refused_view_logs_nothing(world, call, client_for):
    assert (
        client_for(world.outsider).get(reverse("incidents:call_detail", args=[call.pk])).status_code
        == 404
    )
    assert not DisclosureLog.objects.exists()


def test_the_incidents_list_of_students_is_logged(world, call, client_for):
    response = client_for(world.admin).get(reverse("incidents:incident_list"))
    assert response.status_code == 200
    row = only_row(user=world.admin)
    assert (row.action, row.record_type, row.rows) == ("viewed", "incidents.studentinvolved", 2)


@pytest.mark.parametrize(
    "name", ["call_export", "incident_export", "activity_export", "intervention_export",
             "restraint_export"]
)  # fmt: skip
def test_incidents_exports_are_logged_with_row_counts(world, call, client_for, name):
    CallFactory(school=world.school_b, district=world.district)  # a call without students
    response = client_for(world.admin).get(reverse(f"incidents:{name}"))
    assert response.status_code == 200
    rows = _csv(response)
    row = only_row(user=world.admin)
    assert row.action == "exported"
    assert row.rows == len(rows)


def test_complaint_views_write_both_logs_in_one_call(world, client_for):
    complaint = make_complaint(world)
    client_for(world.admin).get(reverse("complaints:detail", args=[complaint.pk]))
    assert AccessLog.objects.filter(complaint=complaint, user=world.admin).count() == 1
    row = only_row(user=world.admin)
    assert (row.action, row.record_type) == ("viewed", "complaints.complaint")
    assert complaint.reference in row.description


def test_complaint_export_is_logged(world, client_for):
    make_complaint(world)
    make_complaint(world)
    response = client_for(world.admin).get(reverse("complaints:export"))
    assert len(_csv(response)) == 2
    row = only_row(user=world.admin)
    assert (row.action, row.rows) == ("exported", 2)


def test_internal_report_views_and_downloads_are_logged_not_the_public_one(world, client_for):
    c = client_for(world.admin)
    label = world.year.label
    assert c.get(reverse("reports:detail", args=[label])).status_code == 200
    assert only_row(action="viewed").record_type == "reports.internal"
    c.get(reverse("reports:json", args=[label]))
    assert only_row(action="downloaded").record_id == label
    c.get(reverse("reports:detail", args=[label]) + "?version=public")
    c.get(reverse("reports:json", args=[label]) + "?version=public")
    assert DisclosureLog.objects.count() == 2


def test_state_package_download_is_logged(world, client_for):
    response = client_for(world.admin).get(
        reverse("reports:state_package_csv", args=[world.year.label])
    )
    assert response.status_code == 200
    row = only_row(user=world.admin)
    assert (row.action, row.record_type, row.record_id) == (
        "downloaded",
        "reports.state",
        world.year.label,
    )


def test_the_log_is_never_edited_nor_erased(world, call, client_for):
    client_for(world.admin).get(reverse("incidents:call_detail", args=[call.pk]))
    row = DisclosureLog.objects.get()
    row.rows = 0
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    with pytest.raises(ValidationError):
        DisclosureLog.objects.update(rows=0)
    with pytest.raises(ValidationError):
        DisclosureLog.objects.all().delete()
    assert DisclosureLog.objects.get().rows == 2


def test_the_django_admin_shows_it_read_only(world):
    from django.contrib import admin

    model_admin = admin.site._registry[DisclosureLog]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def _log(world, n: int, user=None) -> None:
    for i in range(n):
        DisclosureLog(
            district=world.district,
            user=user or world.principal_a,
            action="viewed",
            record_type="incidents.call",
            record_id=str(i),
            description=f"Call: #{i}",
            rows=1,
        ).save()


def test_access_log_page_lists_filters_and_exports(world, call, client_for):
    client_for(world.principal_a).get(reverse("incidents:call_detail", args=[call.pk]))
    _log(world, 2, user=world.safety_staff)
    DisclosureLog(
        district=world.other_district,
        user=world.outsider,
        action="viewed",
        record_type="incidents.call",
        description="Theirs",
    ).save()
    admin = client_for(world.admin)
    url = reverse("srp:access_log")
    page = admin.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert str(call) in html
    assert "Theirs" not in html  # another district's log
    only_principal = admin.get(url, {"user": world.principal_a.pk}).content.decode()
    assert "Call: #0" not in only_principal and str(call) in only_principal
    rows = _csv(admin.get(url, {"format": "csv"}))
    # The principal's view, two of the SRO's, and the admin's own page views are not logged.
    assert len(rows) == 3
    assert {r["Who"] for r in rows} >= {world.principal_a.get_full_name()}
    today = timezone.localdate()
    future = {"start": today + datetime.timedelta(days=1)}
    assert _csv(admin.get(url, {**future, "format": "csv"})) == []


def test_access_log_is_for_the_program_administrator_only(world, client_for):
    for user in (world.principal_a, world.investigator, world.board, world.safety_staff):
        assert client_for(user).get(reverse("srp:access_log")).status_code == 403


def test_access_log_page_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries
):
    admin = client_for(world.admin)
    admin.get(reverse("srp:access_log"))
    _log(world, 3)
    with django_assert_max_num_queries(12) as few:
        admin.get(reverse("srp:access_log"))
    _log(world, 60, user=world.safety_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin.get(reverse("srp:access_log"))
    assert page.status_code == 200 and "Page 1 of 2" in page.content.decode()
