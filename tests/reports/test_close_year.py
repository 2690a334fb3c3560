"""Closing a school year (issue #13, item 6): after its report is published the program
administrator closes the year; later corrections are listed in the report as revisions (who,
when, what, why) and publishing again makes the next revision of the public snapshot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Call
from incidents.services import call_void
from reports.models import PublishedReport
from reports.presentation import build_sections
from reports.public import public_report
from reports.selectors import annual_report
from reports.services import ReportError, report_publish, school_year_close
from tests.reports import dataset

YEAR = dataset.YEAR


@pytest.fixture
def known(world):
    return dataset.build(world, calls=30)


def url(name, label=YEAR):
    return reverse(f"reports:{name}", kwargs={"label": label})


def public_url(world, name="report", label=YEAR):
    return reverse(
        f"reports_public:{name}", kwargs={"district_code": world.district.code, "label": label}
    )


def test_a_year_closes_only_after_its_report_is_published(world, known):
    with pytest.raises(ReportError, match="Publish the 2025-26 annual report"):
        school_year_close(school_year=known.year, by=world.admin)
    # The current year has not ended.
    report_publish(district=world.district, school_year=world.year, by=world.admin)
    with pytest.raises(ReportError, match="has not ended yet"):
        school_year_close(school_year=world.year, by=world.admin)
    report_publish(district=world.district, school_year=known.year, by=world.admin)
    year = school_year_close(school_year=known.year, by=world.admin)
    assert year.closed_at is not None and year.closed_by == world.admin
    assert year.history.first().history_user == world.admin
    with pytest.raises(ReportError, match="already closed"):
        school_year_close(school_year=known.year, by=world.admin)


def test_close_button_for_the_program_administrator_only(client, client_for, world, known):
    admin = client_for(world.admin)
    page = admin.get(url("detail")).content.decode()
    assert url("close") not in page  # not published yet
    response = admin.post(url("close"), follow=True)
    assert "Publish the 2025-26 annual report before closing the year." in response.content.decode()
    admin.post(url("publish"))
    page = admin.get(url("detail")).content.decode()
    assert f'action="{url("close")}"' in page and "data-confirm=" in page
    for user in (world.principal_a, world.board):
        assert client_for(user).post(url("close")).status_code in (403, 404)
    assert client_for(world.outsider).post(url("close")).status_code == 404
    assert client.post(url("close")).status_code == 302  # to the login page
    assert admin.get(url("close")).status_code == 405
    response = admin.post(url("close"), follow=True)
    html = response.content.decode()
    assert "The 2025-26 school year is closed." in html
    assert "Revisions since the year was closed" in html
    assert "No record of this year has changed since it was closed." in html
    known.year.refresh_from_db()
    assert known.year.is_closed


def test_corrections_after_closing_are_revisions_and_republishing_makes_revision_2(
    client, client_for, world, known
):
    admin = client_for(world.admin)
    admin.post(url("publish"))
    school_year_close(school_year=known.year, by=world.admin)
    call = (
        Call.objects.filter(district=world.district, school=world.school_a)
        .recorded()
        .in_school_year(known.year)
        .first()
    )
    call_void(call=call, reason="Entered twice: the same call as another", by=world.admin)

    report = annual_report(district=world.district, school_year=known.year)
    [revision] = [r for r in report["revisions"] if r["record_type"] == "Call"]
    assert revision["who"] == world.admin.get_full_name()
    assert revision["reason"] == "Entered twice: the same call as another"
    assert revision["action"] == "Corrected"
    assert any(c["field"] == "Status" for c in revision["changes"])
    section = next(s for s in build_sections(report) if s.key == "revisions")
    row = section.tables[0].rows[0]
    assert row[1] == world.admin.get_full_name() and row[4] == revision["reason"]
    assert "Status: Recorded → Voided" in row[3] or "Status:" in row[3]
    # The public version says when and what kind of record, not who, why or the values.
    public = public_report(report)
    public_section = next(s for s in build_sections(public) if s.key == "revisions")
    public_row = public_section.tables[0].rows[0]
    assert len(public_row) == 3 and revision["reason"] not in " ".join(public_row)
    assert world.admin.get_full_name() not in " ".join(public_row)

    # The internal page lists it; the public page still shows revision 1 until published again.
    page = admin.get(url("detail")).content.decode()
    assert "Entered twice: the same call as another" in page
    assert "Revision 2" not in client.get(public_url(world)).content.decode()
    admin.post(url("publish"))
    published = PublishedReport.objects.get()
    assert published.snapshot["revision"] == 2
    public_page = client.get(public_url(world)).content.decode()
    assert "Revision 2, published 2026-11-27." in public_page
    assert "Revisions since the year was closed" in public_page
    assert "Entered twice" not in public_page
    assert published.history.count() == 2  # both publications are kept


def test_publishing_before_closing_stays_revision_1(world, known):
    report_publish(district=world.district, school_year=known.year, by=world.admin)
    report = report_publish(district=world.district, school_year=known.year, by=world.admin)
    assert report.snapshot["revision"] == 1
