"""The scale seeder at a tiny scale produces consistent, valid data (issue #8)."""

from __future__ import annotations

import random
import statistics

import pytest
from django.db.models import Count
from django.urls import reverse

from bench.seed_scale import ScaleOptions, seed_scale, student_counts
from bench.writer import MissingValue, RowWriter

TINY = ScaleOptions(
    schools=6, years=3, calls=400, complaints=120, staff=30, batch=150, quiet=True,
    district_code="99777",
)  # fmt: skip


@pytest.fixture
def seeded(db):
    return seed_scale(TINY)


def test_every_app_gets_rows_in_one_new_district(seeded):
    from agreements.models import StaffAssignment, StaffMember, TrainingRecord
    from complaints.models import Allegation, Complaint, Event
    from incidents.models import (
        Call,
        InterventionRequest,
        LawEnforcementActivity,
        RestraintReport,
        StudentInvolved,
    )
    from notices.models import Delivery
    from srp.models import District, Enrollment, School, SchoolYear

    district = District.objects.get(code="99777")
    assert seeded.district_id == district.pk
    assert School.objects.filter(district=district).count() == 6
    assert SchoolYear.objects.filter(district=district).count() == 3
    assert Enrollment.objects.filter(school__district=district).count() == 18
    assert StaffMember.objects.filter(district=district).count() == 30
    assert StaffAssignment.objects.filter(staff_member__district=district).exists()
    assert TrainingRecord.objects.filter(staff_member__district=district).exists()
    assert Call.objects.filter(district=district).count() == 400
    assert (
        StudentInvolved.objects.filter(call__district=district).count()
        == (seeded.counts["incidents.StudentInvolved"])
    )
    assert Complaint.objects.filter(district=district).count() == 120
    assert Allegation.objects.filter(complaint__district=district).count() >= 120
    assert Event.objects.filter(complaint__district=district).count() >= 120
    assert InterventionRequest.objects.filter(district=district).count() == 40
    assert LawEnforcementActivity.objects.filter(call__district=district).count() == 20
    assert RestraintReport.objects.filter(district=district).count() == 2
    assert Delivery.objects.filter(school__district=district).exists()


def test_records_point_inside_their_own_district_and_year(seeded):
    from agreements.models import StaffAssignment
    from incidents.models import Call, StudentInvolved

    calls = Call.objects.filter(district_id=seeded.district_id).select_related(
        "school", "responding_staff"
    )
    for call in calls:
        assert call.school.district_id == seeded.district_id
        assert call.responding_staff.district_id == seeded.district_id
    for assignment in StaffAssignment.objects.filter(
        staff_member__district_id=seeded.district_id
    ).select_related("school", "school_year"):
        assert assignment.school.district_id == assignment.school_year.district_id
    # any school discipline names the administrator who decided it.
    assert not StudentInvolved.objects.filter(
        call__district_id=seeded.district_id,
        school_discipline=True,
        discipline_decided_by__isnull=True,
    ).exists()


def test_complaint_references_are_unique_and_the_counter_continues_after_them(seeded):
    from complaints.models import Complaint, ComplaintCounter

    references = list(
        Complaint.objects.filter(district_id=seeded.district_id).values_list("reference", flat=True)
    )
    assert len(references) == len(set(references)) == 120
    for counter in ComplaintCounter.objects.filter(district_id=seeded.district_id):
        numbers = [
            int(r.rsplit("-", 1)[1]) for r in references if r.startswith(f"C-{counter.year}-")
        ]
        assert counter.last_number == max(numbers) == len(numbers)


def test_seeded_status_tokens_open_the_public_status_page(seeded, client):
    assert seeded.status_tokens
    url = reverse(
        "complaints_public:status",
        kwargs={"district_code": "99777", "token": seeded.status_tokens[0]},
    )
    response = client.get(url)
    assert response.status_code == 200
    wrong = reverse(
        "complaints_public:status", kwargs={"district_code": "99777", "token": "not-a-token"}
    )
    assert client.get(wrong).status_code == 404


def test_outcomes_are_skewed_to_no_action_and_referrals(seeded):
    from incidents.models import Call

    by_outcome = dict(
        Call.objects.filter(district_id=seeded.district_id)
        .values_list("outcome")
        .annotate(n=Count("pk"))
    )
    common = by_outcome.get("no_action", 0) + by_outcome.get("referred_to_school", 0)
    assert common > 400 * 0.45
    assert by_outcome.get("arrest", 0) < 400 * 0.08


def test_most_calls_have_one_or_two_students_and_the_total_is_near_the_target():
    counts = student_counts(random.Random(1), 20_000, 100_000)  # noqa: S311
    one_or_two = sum(1 for n in counts if n in (1, 2))
    assert one_or_two / len(counts) > 0.5
    assert 4.5 < statistics.mean(counts) < 5.5
    assert min(counts) == 0
    assert student_counts(random.Random(1), 0, 0) == []


def test_the_seeder_refuses_an_existing_district_and_changes_nothing(seeded):
    from incidents.models import Call

    before = Call.objects.count()
    with pytest.raises(SystemExit, match="exists already"):
        seed_scale(TINY)
    assert Call.objects.count() == before


def test_the_writer_fills_defaults_and_names_a_missing_required_value(db, world):
    from srp.models import OutboundEmail, School

    writer = RowWriter()
    written = writer.write(
        OutboundEmail, ["subject", "body", "from_email", "to"], [("Hi", "Body", "a@b.c", ["x@y.z"])]
    )
    assert written == 1
    email = OutboundEmail.objects.get(subject="Hi")
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.to == ["x@y.z"]
    assert email.headers == {}
    with pytest.raises(MissingValue, match="School.name"):
        writer.write(School, ["district", "building_code"], [(world.district.pk, "9999")])
