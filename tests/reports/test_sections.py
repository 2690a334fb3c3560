"""R-19: every section of the annual report against counts computed here, from the dataset's
plain lists (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal

import pytest

from incidents.models import (
    ActivityKind,
    CallOutcome,
    Disability,
    EnglishLearner,
    RaceEthnicity,
    Reason,
    RequestedBy,
    Sex,
    StudentOutcome,
)
from reports.selectors import GRADE_BAND_OF, annual_report
from tests.reports import dataset


@pytest.fixture
def known(world):
    return dataset.build(world)


@pytest.fixture
def report(world, known):
    return annual_report(district=world.district, school_year=known.year)


def full(counter: Counter, codes) -> dict:
    return {code: counter.get(code, 0) for code in codes}


def test_header_and_year_state(report, world):
    assert report["district"] == world.district.name
    assert report["school_year"] == dataset.YEAR
    assert report["public"] is False
    assert report["threshold"] == 10
    assert report["partial"] is False  # 2025-26 ended before 2026-11-27


def test_staff_by_school_with_days_per_week(report, known):
    by_code = {s["code"]: s for s in report["schools"]}
    for code, (count, days) in known.staff.items():
        assert by_code[code]["staff"] == count
        assert Decimal(by_code[code]["days_per_week"]) == days
        assert by_code[code]["enrollment"] == known.enrollment[code]


def test_providers_and_agreement_status(report):
    providers = {p["name"]: p for p in report["providers"]}
    assert providers["Cascade County Sheriff"]["agreement_status"] == "adopted"
    assert providers["Cascade County Sheriff"]["board_action"] == "Resolution 2025-14"
    assert providers["Cascade County Sheriff"]["in_force"] is True
    # A provider with only a draft has no agreement in force; the draft is under review
    # (this test used to expect the draft's status as the provider's agreement status).
    assert providers["Northwest Security"]["agreement_status"] == "none"
    assert providers["Northwest Security"]["agreement"] == ""
    assert providers["Northwest Security"]["in_force"] is False
    assert providers["Northwest Security"]["under_review"]["status"] == "draft"


def test_providers_report_the_agreement_in_force_not_a_newer_draft(world, known):
    """Issue #13: a newer draft beside the adopted agreement is reported only as under review;
    an agreement ended after the year still is the one in force on that year's dates."""
    import datetime

    from agreements.models import Agreement, Provider
    from reports.presentation import build_sections

    sheriff = Provider.objects.get(name="Cascade County Sheriff")
    Agreement.objects.create(
        district=world.district,
        provider=sheriff,
        title="SRO agreement 2026 (draft)",
        effective_from=datetime.date(2026, 3, 1),
    )
    adopted = Agreement.objects.get(title="SRO agreement 2025")
    adopted.status = Agreement.Status.ENDED
    adopted.ended_on = datetime.date(2026, 8, 31)  # after the 2025-26 year closed
    adopted.save()
    report = annual_report(district=world.district, school_year=known.year)
    row = {p["name"]: p for p in report["providers"]}["Cascade County Sheriff"]
    assert row["agreement"] == "SRO agreement 2025"
    assert row["in_force"] is True
    assert row["agreement_status_label"] == "Adopted"
    assert row["under_review"]["title"] == "SRO agreement 2026 (draft)"
    table = next(s for s in build_sections(report) if s.key == "providers").tables[0]
    cells = {r[0]: r for r in table.rows}["Cascade County Sheriff"]
    assert cells[2] == "SRO agreement 2025"
    assert cells[3] == "Adopted"
    assert cells[6] == "SRO agreement 2026 (draft) (under review: draft)"
    assert "Draft" not in cells[:6]


def test_calls_by_school_reason_requester_outcome(report, known):
    calls = report["calls"]
    assert calls["total"] == len(known.calls)
    assert calls["by_school"] == dict(Counter(c["school"] for c in known.calls))
    assert calls["by_reason"] == full(Counter(c["reason"] for c in known.calls), Reason.values)
    assert calls["by_requested_by"] == full(
        Counter(c["requested_by"] for c in known.calls), RequestedBy.values
    )
    assert calls["by_outcome"] == full(
        Counter(c["outcome"] for c in known.calls), CallOutcome.values
    )
    assert calls["emergency"] == sum(c["emergency"] for c in known.calls)


def test_students_by_outcome_and_every_demographic(report, known):
    students = report["students"]
    assert students["total"] == len(known.students)
    assert students["by_outcome"] == full(
        Counter(s["outcome"] for s in known.students), StudentOutcome.values
    )
    for dimension, codes in (
        ("race_ethnicity", RaceEthnicity.values),
        ("sex", Sex.values),
        ("disability", Disability.values),
        ("english_learner", EnglishLearner.values),
    ):
        for outcome in StudentOutcome.values:
            expected = Counter(s[dimension] for s in known.students if s["outcome"] == outcome)
            assert students["by_outcome_and"][dimension][outcome] == full(expected, codes)
    for outcome in StudentOutcome.values:
        expected = Counter(
            GRADE_BAND_OF[s["grade"]] for s in known.students if s["outcome"] == outcome
        )
        assert students["by_outcome_and"]["grade_band"][outcome] == full(
            expected, ["pk_5", "6_8", "9_12"]
        )


def test_rates_per_1000_students(report, known):
    calls = Counter(c["school"] for c in known.calls)
    students = Counter(s["school"] for s in known.students)
    for code, enrolled in known.enrollment.items():
        rates = report["rates"]["by_school"][code]
        assert Decimal(rates["calls_per_1000"]) == (
            Decimal(calls[code] * 1000) / enrolled
        ).quantize(Decimal("0.1"))
        assert Decimal(rates["students_per_1000"]) == (
            Decimal(students[code] * 1000) / enrolled
        ).quantize(Decimal("0.1"))
    total = sum(known.enrollment.values())
    assert Decimal(report["rates"]["calls_per_1000"]) == (
        Decimal(len(known.calls) * 1000) / total
    ).quantize(Decimal("0.1"))


def test_interventions_by_basis_kind_and_response_time(report, known):
    section = report["interventions"]
    assert section["total"] == len(known.interventions)
    assert section["by_basis"] == full(
        Counter(i["basis"] for i in known.interventions), ["danger", "disruption", "emergency"]
    )
    assert section["by_kind"] == full(
        Counter(i["kind"] for i in known.interventions), ["request", "self_initiated"]
    )
    minutes = [i["minutes"] for i in known.interventions if i["minutes"] is not None]
    assert section["median_response_minutes"] == round(statistics.median(minutes), 1)
    bands = section["by_response_time"]
    assert bands["under_5_minutes"] == sum(m < 5 for m in minutes)
    assert bands["5_to_15_minutes"] == sum(5 <= m < 15 for m in minutes)
    assert bands["15_to_60_minutes"] == sum(15 <= m < 60 for m in minutes)
    assert bands["over_60_minutes"] == sum(m >= 60 for m in minutes)
    assert section["by_outcome"]["pending"] == sum(
        m is None for m in (i["minutes"] for i in known.interventions)
    )


def test_law_enforcement_activities_and_attorney_access(report, known):
    section = report["activities"]
    assert section["total"] == len(known.activities)
    assert section["by_kind"] == full(
        Counter(a["kind"] for a in known.activities), ActivityKind.values
    )
    assert section["on_premises"] == sum(a["on_premises"] for a in known.activities)
    required = [a for a in known.activities if a["required"]]
    attorney = report["attorney_access"]
    assert attorney["required"] == len(required)
    assert attorney["access_given"] == sum(a["mode"] == "access" for a in required)
    assert attorney["exception"] == sum(a["mode"] == "exception" for a in required)
    assert attorney["compliant"] == len(required)  # the database refuses anything else
    if required:
        assert attorney["compliance_rate"] == "100.0"
    assert attorney["parent_notified"] == sum(a["notified"] for a in required)


def test_restraint_and_isolation_summary(report, known):
    section = report["restraint"]
    assert section["reports"] == len(known.restraints)
    assert section["students"] == sum(r["students"] for r in known.restraints)
    assert section["student_injuries"] == sum(r["student_injured"] for r in known.restraints)
    assert section["staff_injuries"] == sum(r["staff_injured"] for r in known.restraints)
    assert section["by_kind"] == full(
        Counter(r["kind"] for r in known.restraints), ["restraint", "isolation", "both"]
    )


def test_complaints_by_category_finding_and_median_days(report, known):
    section = report["complaints"]
    assert section["total"] == len(known.complaints)
    days = [c["days"] for c in known.complaints if c["days"] is not None]
    assert section["responded"] == len(days)
    assert section["median_days_to_respond"] == statistics.median(days)
    assert section["by_category"] == full(
        Counter(a["category"] for a in known.allegations),
        ["job_duties", "student_interaction", "other"],
    )
    assert section["by_finding"]["pending"] == sum(
        a["finding"] == "pending" for a in known.allegations
    )
    assert section["by_finding"]["sustained"] == 1


def test_training_compliance(report):
    # Officer 0 finished both parts; officer 1's year passed without on-the-job days (overdue);
    # officer 2 started in March 2026 and is still due.
    training = report["training"]
    assert training["staff"] == 3
    assert training["complete"] == 1
    assert training["by_state"]["overdue"] == 1
    assert training["by_state"]["due"] == 1


def test_training_separates_on_time_from_late(world, known):
    """Issue #13: officer 1 finishes both parts, each after its due date: done late, counted
    as complete but shown apart from the training done on time."""
    import datetime

    from agreements.models import StaffMember, TrainingRecord
    from reports.presentation import build_sections

    officer = StaffMember.objects.get(badge_number="B-1")
    for topic in TrainingRecord._meta.get_field("topic").choices:
        TrainingRecord.objects.create(
            staff_member=officer,
            kind="classroom",
            topic=topic[0],
            completed_on=datetime.date(2025, 5, 1),  # due 2025-03-04
        )
    for day in (1, 2):
        TrainingRecord.objects.create(
            staff_member=officer,
            kind="on_the_job",
            completed_on=datetime.date(2025, 10, day),  # due 2025-09-04
        )
    report = annual_report(district=world.district, school_year=known.year)
    training = report["training"]
    assert training["by_state"]["done"] == 1
    assert training["by_state"]["done_late"] == 1
    assert training["complete"] == 2
    facts = dict(next(s for s in build_sections(report) if s.key == "training").facts)
    assert facts["Completed on time"] == 1
    assert facts["Completed late"] == 1


def test_notice_delivery(report):
    notices = report["notices"]
    assert notices["schools_with_staff"] == 2
    states = {s["code"]: s["state"] for s in notices["schools"]}
    assert states == {"3401": "done", "3201": "late"}


def test_change_from_previous_year(report, known):
    rows = report["change"]["rows"]
    assert report["change"]["previous_year"] == dataset.PREVIOUS
    assert rows["calls"]["previous"] == known.previous_calls
    assert rows["calls"]["change"] == len(known.calls) - known.previous_calls
    assert rows["students"]["previous"] == known.previous_students


def test_principal_sees_only_their_schools(world, known):
    report = annual_report(
        district=world.district,
        school_year=known.year,
        school_ids=frozenset({world.school_a.pk}),
    )
    code = world.school_a.building_code
    assert [s["code"] for s in report["schools"]] == [code]
    assert report["calls"]["total"] == sum(c["school"] == code for c in known.calls)
    assert report["students"]["total"] == sum(s["school"] == code for s in known.students)


def test_report_runs_a_fixed_number_of_queries(world, known, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        annual_report(district=world.district, school_year=known.year)
    # Twice the calls, students, activities: the same number of queries.
    dataset.more_calls(world, known, calls=60, seed=11, prefix="M")
    with django_assert_max_num_queries(len(before.captured_queries)):
        again = annual_report(district=world.district, school_year=known.year)
    assert again["calls"]["total"] == len(known.calls)
    assert len(before.captured_queries) <= 30
