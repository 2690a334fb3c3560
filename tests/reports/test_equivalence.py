"""The report's faster queries give exactly what the earlier, plainer ones gave (issue #8).

Each test keeps the earlier way of counting as a reference, written here, and compares it with
the report's on a varied dataset: every code of every dimension, two schools, voided calls,
calls of other years and districts, and a principal's scope. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from django.db.models import Count, Prefetch, Q

from agreements.models import (
    EsdDocumentation,
    StaffAssignment,
    StaffMember,
    TrainingRecord,
    TrainingTopic,
)
from agreements.training import training_status
from complaints.models import Complaint
from incidents.models import (
    Call,
    Disability,
    EnglishLearner,
    Grade,
    RaceEthnicity,
    Sex,
    StudentInvolved,
    StudentOutcome,
)
from reports.selectors import (
    GRADE_BANDS,
    STUDENT_DIMENSIONS,
    complaints_received_in,
    students_queryset,
    students_section,
    training_section,
    zeros,
)
from tests.reports import dataset


def wide_students_section(school_year, school_ids, school_codes) -> dict:
    """The earlier students section: one query grouped by outcome with a conditional count per
    demographic code and per school (about 50 `COUNT(*) FILTER` columns)."""
    outcomes = list(StudentOutcome.values)
    section = {
        "total": 0,
        "by_outcome": zeros(outcomes),
        "by_outcome_and": {
            dimension: {outcome: zeros(codes) for outcome in outcomes}
            for dimension, codes in STUDENT_DIMENSIONS.items()
        },
        "by_school": zeros(school_codes.values()),
    }
    aggregates = {"n": Count("pk")}
    columns = []
    for dimension, codes in STUDENT_DIMENSIONS.items():
        for i, code in enumerate(codes):
            name = f"{dimension}__{i}"
            if dimension == "grade_band":
                condition = Q(grade__in=GRADE_BANDS[code])
            else:
                condition = Q(**{dimension: code})
            aggregates[name] = Count("pk", filter=condition)
            columns.append((name, dimension, code))
    for school_id in school_codes:
        aggregates[f"school__{school_id}"] = Count("pk", filter=Q(call__school_id=school_id))
    rows = (
        students_queryset(school_year, school_ids)
        .values("outcome")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        outcome = row["outcome"]
        section["total"] += row["n"]
        section["by_outcome"][outcome] += row["n"]
        for name, dimension, code in columns:
            section["by_outcome_and"][dimension][outcome][code] += row[name]
        for school_id, code in school_codes.items():
            section["by_school"][code] += row[f"school__{school_id}"]
    return section


def every_combination_of_students(world, known) -> None:
    """One call per grade, each with students covering every code of every dimension."""
    staff = StaffMember.objects.filter(district=world.district).first()
    codes = itertools.cycle(
        itertools.product(
            RaceEthnicity.values,
            Sex.values,
            Disability.values,
            EnglishLearner.values,
            StudentOutcome.values,
        )
    )
    for i, grade in enumerate(Grade.values):
        call = Call.objects.create(
            district=world.district,
            school=[world.school_a, world.school_b][i % 2],
            call_ref=f"ALL-{i}",
            occurred_at=dataset.at(datetime.date(2025, 7, 1) + datetime.timedelta(days=20 * i)),
            requested_by="teacher",
            reason="fight",
            outcome="no_action",
            responding_staff=staff,
        )
        for _ in range(9):
            race, sex, disability, english_learner, outcome = next(codes)
            StudentInvolved.objects.create(
                call=call,
                grade=grade,
                race_ethnicity=race,
                sex=sex,
                disability=disability,
                english_learner=english_learner,
                outcome=outcome,
            )


@pytest.fixture
def known(world):
    known = dataset.build(world, calls=120, seed=23)
    every_combination_of_students(world, known)
    return known


@pytest.mark.parametrize("scope", ["district", "school_a", "school_b"])
def test_students_section_equals_the_wide_query(world, known, scope):
    school_ids = {
        "district": None,
        "school_a": frozenset({world.school_a.pk}),
        "school_b": frozenset({world.school_b.pk}),
    }[scope]
    schools = [world.school_a, world.school_b]
    codes = {s.pk: s.building_code for s in schools if school_ids is None or s.pk in school_ids}
    grouped = students_section(school_year=known.year, school_ids=school_ids, school_codes=codes)
    wide = wide_students_section(known.year, school_ids, codes)
    assert grouped == wide
    assert grouped["total"] > 100  # the comparison is not between two empty tables
    nonzero = [
        n
        for by_outcome in grouped["by_outcome_and"].values()
        for counts in by_outcome.values()
        for n in counts.values()
        if n
    ]
    assert len(nonzero) > 100


def test_complaints_received_in_equals_the_local_date_filter(world, known):
    """Local midnight boundaries: the last minute of 30 June and the first of 1 July, on both
    ends of the year (America/Los_Angeles is UTC-7 in summer)."""
    year = known.year
    boundaries = [
        datetime.datetime(2025, 7, 1, 6, 59, tzinfo=datetime.UTC),  # 30 June, 23:59 local
        datetime.datetime(2025, 7, 1, 7, 0, tzinfo=datetime.UTC),  # 1 July, 00:00 local
        datetime.datetime(2025, 7, 1, 2, 0, tzinfo=datetime.UTC),  # 30 June local, 1 July UTC
        datetime.datetime(2026, 7, 1, 6, 59, tzinfo=datetime.UTC),  # 30 June 2026, 23:59 local
        datetime.datetime(2026, 7, 1, 7, 0, tzinfo=datetime.UTC),  # 1 July 2026, 00:00 local
        datetime.datetime(2026, 1, 15, 8, 0, tzinfo=datetime.UTC),  # winter, UTC-8
    ]
    for i, received in enumerate(boundaries):
        Complaint.objects.create(
            district=world.district,
            reference=f"B-{i:05d}",
            token_hash=f"b{i:063d}",
            school=world.school_a,
            occurred_at=received,
            location="Hallway",
            description="At a boundary.",
            relationship="parent",
            received_at=received,
            acknowledge_due=received.date(),
            respond_due=received.date(),
            investigation_due=received.date(),
        )
    for school_ids in (None, frozenset({world.school_a.pk})):
        reference = Complaint.objects.received_in(year)
        if school_ids is not None:
            reference = reference.filter(school_id__in=school_ids)
        assert set(complaints_received_in(year, school_ids).values_list("pk", flat=True)) == set(
            reference.values_list("pk", flat=True)
        )
    inside = complaints_received_in(year, None).filter(reference__startswith="B-")
    assert sorted(inside.values_list("reference", flat=True)) == ["B-00001", "B-00003", "B-00005"]


def varied_staff(world, year, rng: random.Random) -> None:
    """Staff of every kind, with and without a first day, partial and complete training,
    a repeated on-the-job day, check-ins and ESD documentation issued before and after."""
    topics = list(TrainingTopic.values)
    kinds = list(StaffMember.Kind.values)
    for i in range(40):
        first_day = rng.choice(
            [None, datetime.date(2024, 9, 4), datetime.date(2025, 9, 3), datetime.date(2026, 3, 1)]
        )
        member = StaffMember.objects.create(
            district=world.district,
            first_name=f"Varied{i}",
            last_name="Staff",
            kind=kinds[i % len(kinds)],
            badge_number=f"V-{i}",
            active_from=datetime.date(2024, 8, 1),
            first_day_on_campus=first_day,
        )
        StaffAssignment.objects.create(
            staff_member=member,
            school=rng.choice([world.school_a, world.school_b]),
            school_year=year,
            days_per_week=1,
        )
        done_topics = topics if i % 4 == 0 else rng.sample(topics, rng.randrange(len(topics)))
        for topic in done_topics:
            completed_on = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(600))
            TrainingRecord.objects.create(
                staff_member=member, kind="classroom", topic=topic, completed_on=completed_on
            )
        for _ in range(rng.choice([0, 1, 2, 3])):
            TrainingRecord.objects.create(
                staff_member=member, kind="on_the_job", completed_on=datetime.date(2025, 10, 1)
            )
        for _ in range(rng.choice([0, 3, 6, 7])):
            TrainingRecord.objects.create(
                staff_member=member, kind="check_in", completed_on=datetime.date(2025, 11, 1)
            )
        if i % 5 == 1:
            EsdDocumentation.objects.create(
                staff_member=member,
                issuer="ESD 112",
                issued_on=rng.choice([datetime.date(2025, 1, 10), datetime.date(2026, 5, 1)]),
                original_name="esd.pdf",
            )


@pytest.mark.parametrize(
    "today",
    [datetime.date(2025, 8, 1), datetime.date(2026, 2, 10), datetime.date(2026, 6, 30)],
)
def test_training_section_equals_each_staff_members_status(world, known, today):
    """Counting training in the database gives the state `training_status` gives from the
    loaded records, for every staff member, on several days."""
    varied_staff(world, known.year, random.Random(5))
    for school_ids in (None, frozenset({world.school_b.pk})):
        assigned = StaffAssignment.objects.filter(school_year=known.year)
        if school_ids is not None:
            assigned = assigned.filter(school_id__in=school_ids)
        staff = StaffMember.objects.filter(
            pk__in=assigned.values("staff_member_id")
        ).prefetch_related(
            Prefetch("training_records", TrainingRecord.objects.all()), "esd_documents"
        )
        # Training done late is a state of its own (issue #13), counted apart from on time.
        expected = zeros(["done", "done_late", "esd", "due", "overdue", "not_started"])
        for member in staff:
            expected[training_status(member, today).overall] += 1
        section = training_section(
            district=world.district, school_year=known.year, school_ids=school_ids, today=today
        )
        assert section["by_state"] == expected
        assert section["staff"] == sum(expected.values()) > 10
    # The comparison covers several states, not one.
    assert sum(1 for n in expected.values() if n) >= 3
