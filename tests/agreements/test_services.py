"""Service-level rules of agreements, reviews, staff and training (R-01 … R-05)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import (
    Agreement,
    AnnualReview,
    BoardAdoption,
    EngagementEvent,
    EsdDocumentation,
    HiringRecord,
    PerformanceEvaluation,
    ReviewReminder,
    StaffAssignment,
    TrainingRecord,
    TrainingTopic,
)
from agreements.selectors import (
    agreement_in_force,
    provider_ids_for_user,
    staff_member_for_user,
)
from agreements.services import AgreementError
from agreements.training import State, training_status
from srp.models import Membership, OutboundEmail
from srp.roles import Role
from srp.scope import build_scope
from tests.agreements.factories import (
    PDF_BYTES,
    AgreementFactory,
    AnnualReviewFactory,
    EngagementEventFactory,
    LiaisonLinkFactory,
    ProviderFactory,
    StaffMemberFactory,
    in_force_agreement,
)
from tests.factories import SchoolFactory, SchoolYearFactory

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def provider(world):
    return ProviderFactory(district=world.district, name="Cascade County Sheriff")


@pytest.fixture
def ready(world, provider):
    """A ready agreement whose 2026-27 review involved parents, students and community."""
    agreement = AgreementFactory(provider=provider, elements=True, status=Agreement.Status.READY)
    review = AnnualReviewFactory(agreement=agreement, school_year=world.year)
    EngagementEventFactory(review=review, held_on=datetime.date(2026, 10, 1))
    return agreement, review


# R-01 -------------------------------------------------------------------------------------------
def test_create_makes_ten_unchecked_elements(world, provider):
    agreement = services.agreement_create(
        district=world.district,
        provider=provider,
        title="SRO agreement",
        effective_from=datetime.date(2026, 9, 1),
    )
    assert agreement.status == Agreement.Status.DRAFT
    codes = list(agreement.elements.values_list("code", "present"))
    assert [c for c, _ in codes] == ["A1", "A2", "A3", "A4", "A5", "B1", "B2", "C", "D", "E"]
    assert not any(p for _, p in codes)


def test_adoption_refused_naming_each_missing_element(world, provider):
    agreement = AgreementFactory(
        provider=provider,
        elements=["A1", "A2", "A3", "A4", "A5", "B1", "C", "D"],
        status=Agreement.Status.READY,
    )
    review = AnnualReviewFactory(agreement=agreement, school_year=world.year)
    EngagementEventFactory(review=review)
    with pytest.raises(AgreementError) as error:
        services.agreement_adopt(
            agreement=agreement,
            review=review,
            adopted_on=TODAY,
            board_action="R-1",
            by=world.admin,
        )
    assert "B2 – Performance evaluation process" in error.value.message
    assert "E – Duties and limits" in error.value.message
    assert "A1" not in error.value.message
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.READY
    assert not BoardAdoption.objects.exists()


def test_present_element_needs_section_and_page(world, provider):
    agreement = AgreementFactory(provider=provider)
    with pytest.raises(AgreementError, match="A1 is marked present"):
        services.agreement_elements_save(
            agreement=agreement,
            elements=[
                {"code": "A2", "present": True, "section": "4", "page": 2, "excerpt": ""},
                {"code": "A1", "present": True, "section": "", "page": None, "excerpt": ""},
            ],
        )
    # All or nothing: A2 was not saved either.
    assert not agreement.elements.filter(present=True).exists()


# R-02 -------------------------------------------------------------------------------------------
def test_review_adoption_refused_without_students(world, ready):
    agreement, review = ready
    review.events.all().delete()
    EngagementEventFactory(review=review, parents=4, students=0, community_members=3)
    with pytest.raises(AgreementError, match="no engagement event involved students"):
        services.agreement_adopt(
            agreement=agreement, review=review, adopted_on=TODAY, board_action="R", by=world.admin
        )
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.OPEN


def test_engagement_with_no_participants_refused(world, ready):
    _, review = ready
    with pytest.raises(AgreementError, match="at least one parent"):
        services.engagement_event_add(
            review=review,
            held_on=TODAY,
            kind=EngagementEvent.Kind.SURVEY,
            parents=0,
            students=0,
            community_members=0,
            summary="Nobody came",
        )
    assert review.events.count() == 1


def test_engagement_attachment_must_be_pdf_or_image_by_its_bytes(world, ready):
    _, review = ready
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(AgreementError, match="not a file type we accept"):
        services.engagement_event_add(
            review=review,
            held_on=TODAY,
            kind=EngagementEvent.Kind.MEETING,
            parents=1,
            students=1,
            community_members=1,
            summary="x",
            attachments=[fake],
        )
    assert review.events.count() == 1


def test_one_review_per_school_year(world, ready):
    agreement, _ = ready
    with pytest.raises(AgreementError, match="already has a review for 2026-27"):
        services.annual_review_open(agreement=agreement, school_year=world.year)


# R-03 -------------------------------------------------------------------------------------------
def test_adoption_records_board_action_and_review_due_in_12_months(world, ready):
    agreement, review = ready
    adoption = services.agreement_adopt(
        agreement=agreement,
        review=review,
        adopted_on=datetime.date(2026, 11, 10),
        board_action="Resolution 2026-31",
        by=world.admin,
    )
    agreement.refresh_from_db()
    review.refresh_from_db()
    assert agreement.status == Agreement.Status.ADOPTED
    assert agreement.review_due_on == datetime.date(2027, 11, 10)
    assert agreement.review_warning_on == datetime.date(2027, 9, 11)
    assert adoption.board_action == "Resolution 2026-31"
    assert review.status == AnnualReview.Status.ADOPTED
    assert review.adopted_on == datetime.date(2026, 11, 10)
    assert agreement.history.first().history_change_reason.startswith("adopted 2026-11-10")


def test_adoption_date_before_the_review_refused(world, ready):
    agreement, review = ready
    with pytest.raises(AgreementError, match="before the review's last engagement") as error:
        services.agreement_adopt(
            agreement=agreement,
            review=review,
            adopted_on=datetime.date(2026, 9, 15),
            board_action="R-1",
            by=world.admin,
        )
    assert error.value.field == "adopted_on"
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.READY and agreement.adopted_on is None


def test_adoption_in_future_or_without_motion_refused(world, ready):
    agreement, review = ready
    with pytest.raises(AgreementError, match="future"):
        services.agreement_adopt(
            agreement=agreement,
            review=review,
            adopted_on=TODAY + datetime.timedelta(days=1),
            board_action="R",
            by=world.admin,
        )
    with pytest.raises(AgreementError, match="motion or resolution"):
        services.agreement_adopt(
            agreement=agreement, review=review, adopted_on=TODAY, board_action="  ", by=world.admin
        )


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Agreement.Status.DRAFT, Agreement.Status.READY),
        (Agreement.Status.DRAFT, Agreement.Status.REVIEW_DUE),
        (Agreement.Status.ADOPTED, Agreement.Status.DRAFT),
        (Agreement.Status.ENDED, Agreement.Status.COMMUNITY_REVIEW),
    ],
)
def test_illegal_transitions_refused(world, provider, start, target):
    agreement = AgreementFactory(provider=provider, status=start)
    with pytest.raises(AgreementError, match="cannot become"):
        services.agreement_transition(agreement=agreement, to=target, by=world.admin)
    agreement.refresh_from_db()
    assert agreement.status == start


def test_draft_cannot_be_adopted_directly(world, provider):
    agreement = AgreementFactory(provider=provider, elements=True)
    review = AnnualReviewFactory(agreement=agreement, school_year=world.year)
    EngagementEventFactory(review=review)
    with pytest.raises(AgreementError, match="mark it ready first"):
        services.agreement_adopt(
            agreement=agreement, review=review, adopted_on=TODAY, board_action="R", by=world.admin
        )


def test_lifecycle_walk_and_end(world, provider):
    agreement = AgreementFactory(provider=provider)
    for target in (
        Agreement.Status.COMMUNITY_REVIEW,
        Agreement.Status.READY,
        Agreement.Status.ENDED,
    ):
        agreement = services.agreement_transition(agreement=agreement, to=target, by=world.admin)
    assert agreement.status == Agreement.Status.ENDED
    assert agreement.ended_on == TODAY


def test_review_warning_sent_once_60_days_before(world, provider):
    agreement = in_force_agreement(provider, world.year, adopted_on=datetime.date(2025, 12, 20))
    # Due 2026-12-20: within 60 days of 2026-11-27.
    assert services.agreement_reviews_remind() == 1
    assert services.agreement_reviews_remind() == 0
    email = OutboundEmail.objects.get()
    assert email.to == ["admin@a.example.org"]
    assert agreement.title in email.subject
    reminder = ReviewReminder.objects.get()
    assert reminder.kind == ReviewReminder.Kind.WARNING
    assert reminder.review_due_on == datetime.date(2026, 12, 20)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ADOPTED


def test_review_not_warned_early(world, provider):
    in_force_agreement(provider, world.year, adopted_on=datetime.date(2026, 2, 1))
    assert services.agreement_reviews_remind() == 0
    assert not OutboundEmail.objects.exists()


def test_review_becomes_due_after_12_months_then_readoption(world, provider):
    agreement = in_force_agreement(provider, world.year, adopted_on=datetime.date(2025, 11, 1))
    last_year = SchoolYearFactory(
        district=world.district,
        label="2025-26",
        first_instructional_day=datetime.date(2025, 9, 3),
        last_instructional_day=datetime.date(2026, 6, 16),
    )
    agreement.reviews.update(school_year=last_year)
    assert services.agreement_reviews_remind() == 1
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.REVIEW_DUE
    assert ReviewReminder.objects.get().kind == ReviewReminder.Kind.DUE
    # Still in force while the review is carried out.
    assert agreement_in_force(provider) == agreement
    review = services.annual_review_open(agreement=agreement, school_year=world.year)
    EngagementEventFactory(review=review, held_on=datetime.date(2026, 11, 20))
    services.agreement_adopt(
        agreement=agreement,
        review=review,
        adopted_on=datetime.date(2026, 11, 24),
        board_action="R-2026-40",
        by=world.admin,
    )
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.READOPTED
    assert agreement.review_due_on == datetime.date(2027, 11, 24)
    assert agreement.adoptions.filter(readoption=True).count() == 1


# Signed document ----------------------------------------------------------------------------------
def test_document_must_be_a_pdf_by_its_bytes(world, provider, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory(provider=provider)
    disguised = SimpleUploadedFile(
        "signed.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "application/pdf"
    )
    with pytest.raises(AgreementError, match="not a file type we accept"):
        services.agreement_document_upload(agreement=agreement, upload=disguised)
    services.agreement_document_upload(
        agreement=agreement, upload=SimpleUploadedFile("signed.pdf", PDF_BYTES, "application/pdf")
    )
    agreement.refresh_from_db()
    assert agreement.document_name == "signed.pdf"
    assert agreement.document.name.startswith("agreements/documents/")
    assert "signed" not in agreement.document.name


def test_document_of_50_mb_refused(world, provider, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory(provider=provider)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (50 * 1024 * 1024), "application/pdf")
    with pytest.raises(AgreementError, match="largest file accepted is 20"):
        services.agreement_document_upload(agreement=agreement, upload=big)
    agreement.refresh_from_db()
    assert not agreement.document
    assert not list(tmp_path.iterdir())


# Staff assignments -----------------------------------------------------------------------------
@pytest.mark.parametrize("days", [Decimal("-1"), Decimal("0"), Decimal("5.5")])
def test_assignment_days_out_of_range_refused(world, days):
    staff = StaffMemberFactory(district=world.district)
    with pytest.raises(AgreementError) as error:
        services.staff_assignment_save(
            staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=days
        )
    assert error.value.field == "days_per_week"
    assert not StaffAssignment.objects.exists()


def test_assignment_more_than_5_days_in_total_refused(world):
    staff = StaffMemberFactory(district=world.district)
    services.staff_assignment_save(
        staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=Decimal(3)
    )
    with pytest.raises(AgreementError, match="5.5 days a week across schools"):
        services.staff_assignment_save(
            staff_member=staff,
            school=world.school_b,
            school_year=world.year,
            days_per_week=Decimal("2.5"),
        )
    # Changing the days at the same school replaces them.
    services.staff_assignment_save(
        staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=Decimal(1)
    )
    services.staff_assignment_save(
        staff_member=staff, school=world.school_b, school_year=world.year, days_per_week=Decimal(4)
    )
    assert sorted(StaffAssignment.objects.values_list("days_per_week", flat=True)) == [1, 4]


def test_assignment_to_another_districts_school_refused(world):
    staff = StaffMemberFactory(district=world.district)
    with pytest.raises(AgreementError, match="share a district"):
        services.staff_assignment_save(
            staff_member=staff,
            school=world.other_school,
            school_year=world.year,
            days_per_week=Decimal(1),
        )


# R-04 training ---------------------------------------------------------------------------------
def test_training_date_before_first_day_refused(world):
    staff = StaffMemberFactory(
        district=world.district, first_day_on_campus=datetime.date(2026, 9, 2)
    )
    with pytest.raises(AgreementError, match="before the staff member's first day") as error:
        services.training_record_add(
            staff_member=staff,
            kind=TrainingRecord.Kind.CLASSROOM,
            topic=TrainingTopic.FERPA,
            completed_on=datetime.date(2026, 8, 30),
        )
    assert error.value.field == "completed_on"
    assert not TrainingRecord.objects.exists()


def test_classroom_topic_recorded_once(world):
    staff = StaffMemberFactory(district=world.district)
    services.training_record_add(
        staff_member=staff, kind="classroom", topic="ferpa", completed_on=TODAY
    )
    with pytest.raises(AgreementError, match="already recorded"):
        services.training_record_add(
            staff_member=staff, kind="classroom", topic="ferpa", completed_on=TODAY
        )


def _status(staff, today=TODAY):
    staff = (
        type(staff).objects.prefetch_related("training_records", "esd_documents").get(pk=staff.pk)
    )
    return training_status(staff, today)


def test_training_components_due_dates_and_states(world):
    staff = StaffMemberFactory(
        district=world.district, first_day_on_campus=datetime.date(2026, 3, 2)
    )
    for topic in list(TrainingTopic.values)[:12]:
        services.training_record_add(
            staff_member=staff,
            kind="classroom",
            topic=topic,
            completed_on=datetime.date(2026, 4, 1),
        )
    services.training_record_add(staff_member=staff, kind="on_the_job", completed_on=TODAY)
    services.training_record_add(staff_member=staff, kind="on_the_job", completed_on=TODAY)
    status = _status(staff)
    classroom, on_the_job, check_ins = status.components
    # Classroom due 6 months after 2026-03-02 and one topic is missing: overdue.
    assert classroom.due_on == datetime.date(2026, 9, 2)
    assert classroom.state == State.OVERDUE and classroom.done == 12
    assert status.missing_topics == ("Restorative justice",)
    assert on_the_job.state == State.DONE
    assert check_ins.due_on == datetime.date(2027, 3, 2) and check_ins.state == State.DUE
    assert status.overall == State.OVERDUE


def test_sro_has_no_check_ins(world, provider):
    sro = StaffMemberFactory(
        district=world.district, kind="sro", commissioned=True, employer=provider
    )
    status = _status(sro)
    assert status.components[2].state == State.NOT_REQUIRED
    with pytest.raises(AgreementError, match="not school resource officers"):
        services.training_record_add(staff_member=sro, kind="check_in", completed_on=TODAY)


def test_esd_documentation_confirms_the_series(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffMemberFactory(
        district=world.district, first_day_on_campus=datetime.date(2025, 1, 6)
    )
    assert _status(staff).overall == State.OVERDUE
    services.esd_documentation_add(
        staff_member=staff,
        issuer="ESD 113",
        issued_on=datetime.date(2026, 1, 10),
        upload=SimpleUploadedFile("esd.pdf", PDF_BYTES, "application/pdf"),
    )
    status = _status(staff)
    assert status.overall == State.ESD
    assert {c.state for c in status.components} == {State.ESD}
    assert EsdDocumentation.objects.count() == 1


def test_no_first_day_means_not_started(world):
    staff = StaffMemberFactory(district=world.district, first_day_on_campus=None)
    assert _status(staff).overall == State.NOT_STARTED


# R-05 ------------------------------------------------------------------------------------------
def test_hiring_and_evaluation_follow_the_providers_agreement(world, provider):
    agreement = in_force_agreement(provider, world.year)
    other = in_force_agreement(ProviderFactory(district=world.district), world.year)
    staff = StaffMemberFactory(
        district=world.district, kind="sro", commissioned=True, employer=provider
    )
    services.hiring_record_add(
        staff_member=staff,
        kind="placement",
        decided_on=datetime.date(2026, 8, 20),
        school=world.school_a,
        agreement=agreement,
        district_participants="Principal Nguyen",
        provider_participants="Lt. Park",
        notes="",
    )
    services.evaluation_add(
        staff_member=staff,
        evaluated_on=datetime.date(2026, 11, 1),
        agreement=agreement,
        district_evaluator="Director Rivera",
        provider_evaluator="Lt. Park",
        summary="Meets expectations.",
    )
    with pytest.raises(AgreementError, match="another provider"):
        services.evaluation_add(
            staff_member=staff,
            evaluated_on=datetime.date(2026, 11, 1),
            agreement=other,
            district_evaluator="x",
            provider_evaluator="y",
            summary="z",
        )
    assert HiringRecord.objects.count() == 1
    assert PerformanceEvaluation.objects.count() == 1


# Selectors for the other apps --------------------------------------------------------------------
def test_provider_ids_for_liaison(world, provider):
    ProviderFactory(district=world.district, name="Other")
    membership = Membership.objects.get(user=world.liaison, role=Role.AGENCY_LIAISON)
    LiaisonLinkFactory(membership=membership, provider=provider)
    scope = build_scope(world.liaison)
    assert provider_ids_for_user(scope) == {provider.pk}
    assert provider_ids_for_user(build_scope(world.admin)) == set()


def test_staff_member_for_user(world):
    staff = StaffMemberFactory(district=world.district, user=world.safety_staff)
    assert staff_member_for_user(world.safety_staff, world.district) == staff
    assert staff_member_for_user(world.safety_staff, world.other_district) is None
    assert staff_member_for_user(world.admin, world.district) is None


def test_agreement_in_force(world, provider):
    assert agreement_in_force(provider) is None
    AgreementFactory(provider=provider, status=Agreement.Status.READY)
    assert agreement_in_force(provider) is None
    agreement = in_force_agreement(provider, world.year)
    assert agreement_in_force(provider) == agreement
    assert agreement_in_force(provider, on=datetime.date(2026, 6, 1)) is None
    agreement.effective_until = datetime.date(2026, 11, 1)
    agreement.save()
    assert agreement_in_force(provider) is None


def test_safety_staff_schools_come_from_assignments(world):
    staff = StaffMemberFactory(district=world.district, user=world.safety_staff)
    services.staff_assignment_save(
        staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=Decimal(3)
    )
    SchoolFactory(district=world.district)
    assert build_scope(world.safety_staff).school_ids(Role.SAFETY_STAFF) == {world.school_a.pk}


def test_training_counts_in_the_database_agree_with_the_full_status(world):
    """The dashboard's database-counted rule gives the same answer as the detailed one."""
    import datetime as dt

    from agreements.models import EsdDocumentation, StaffMember, TrainingRecord, TrainingTopic
    from agreements.training import overdue_from_counts, training_status
    from tests.agreements.factories import StaffMemberFactory

    today = dt.date(2026, 11, 27)
    cases = []
    for index, (kind, first_day) in enumerate(
        [
            ("sro", dt.date(2025, 1, 6)),
            ("sro", dt.date(2026, 9, 1)),
            ("school_security_officer", dt.date(2025, 3, 1)),
            ("campus_security_officer", None),
            ("other", dt.date(2024, 9, 1)),
        ]
    ):
        staff = StaffMemberFactory(
            district=world.district, kind=kind, first_day_on_campus=first_day
        )
        topics = list(TrainingTopic.values)[: (index * 4) % 14]
        for topic in topics:
            TrainingRecord.objects.create(
                staff_member=staff, kind="classroom", topic=topic, completed_on=dt.date(2026, 1, 5)
            )
        for day in range(index % 3):
            TrainingRecord.objects.create(
                staff_member=staff, kind="on_the_job", completed_on=dt.date(2026, 2, 1 + day)
            )
        if index == 4:
            EsdDocumentation.objects.create(
                staff_member=staff, issuer="Puget Sound ESD", issued_on=dt.date(2025, 6, 1)
            )
        cases.append(staff.pk)
    annotated = {
        s.pk: s for s in StaffMember.objects.filter(pk__in=cases).with_training_counts(today)
    }
    full = StaffMember.objects.filter(pk__in=cases).prefetch_related(
        "training_records", "esd_documents"
    )
    answers = []
    for staff in full:
        expected = training_status(staff, today).overdue
        assert overdue_from_counts(annotated[staff.pk], today) == expected, staff.kind
        answers.append(expected)
    assert True in answers and False in answers
