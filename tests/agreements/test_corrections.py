"""Issue #13: every agreements record is correctable with a reason or voided, never erased;
training finished after its deadline shows "done late"."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import services
from agreements.models import (
    EngagementAttachment,
    EngagementEvent,
    EsdDocumentation,
    HiringRecord,
    PerformanceEvaluation,
    StaffAssignment,
    StaffMember,
    TrainingRecord,
    TrainingTopic,
)
from agreements.services import AgreementError
from agreements.training import State, status_from_counts, training_status
from tests.agreements.factories import (
    PDF_BYTES,
    AnnualReviewFactory,
    EngagementEventFactory,
    StaffAssignmentFactory,
    StaffMemberFactory,
)
from tests.factories import SchoolYearFactory


def _pdf(name="esd.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


@pytest.fixture
def records(world, roster):
    """One record of every kind for staff A (an SRO of provider A, first day 2026-09-02)."""
    staff = roster["staff_a"]
    training = TrainingRecord.objects.create(
        staff_member=staff,
        kind=TrainingRecord.Kind.CLASSROOM,
        topic=TrainingTopic.FERPA,
        completed_on=datetime.date(2026, 10, 1),
    )
    esd = services.esd_documentation_add(
        staff_member=staff, issuer="ESD 113", issued_on=datetime.date(2026, 10, 2), upload=_pdf()
    )
    hiring = services.hiring_record_add(
        staff_member=staff,
        kind=HiringRecord.Kind.PLACEMENT,
        decided_on=datetime.date(2026, 8, 20),
        school=world.school_a,
        agreement=roster["adopted"],
        district_participants="Principal Ames",
        provider_participants="Sgt. Cole",
        notes="",
    )
    evaluation = services.evaluation_add(
        staff_member=staff,
        evaluated_on=datetime.date(2026, 11, 2),
        agreement=roster["adopted"],
        district_evaluator="Dr. Lee",
        provider_evaluator="Lt. Park",
        summary="Meets expectations.",
    )
    return {
        "staff": staff,
        "assignment": staff.assignments.get(),
        "training": training,
        "esd": esd,
        "hiring": hiring,
        "evaluation": evaluation,
    }


def _urls(r, roster):
    s = r["staff"].pk
    agreement = roster["ready_b"]
    event = roster["review_b"].events.get()
    return {
        "assignment_correct": reverse(
            "agreements:assignment_correct", args=[s, r["assignment"].pk]
        ),
        "assignment_end": reverse("agreements:assignment_end", args=[s, r["assignment"].pk]),
        "training_correct": reverse("agreements:training_correct", args=[s, r["training"].pk]),
        "training_void": reverse("agreements:training_void", args=[s, r["training"].pk]),
        "esd_correct": reverse("agreements:esd_correct", args=[s, r["esd"].pk]),
        "esd_void": reverse("agreements:esd_void", args=[s, r["esd"].pk]),
        "hiring_correct": reverse("agreements:hiring_correct", args=[s, r["hiring"].pk]),
        "hiring_void": reverse("agreements:hiring_void", args=[s, r["hiring"].pk]),
        "evaluation_correct": reverse(
            "agreements:evaluation_correct", args=[s, r["evaluation"].pk]
        ),
        "evaluation_void": reverse("agreements:evaluation_void", args=[s, r["evaluation"].pk]),
        "record_history": reverse(
            "agreements:staff_record_history", args=[s, "training", r["training"].pk]
        ),
        "event_correct": reverse("agreements:event_correct", args=[agreement.pk, event.pk]),
        "event_void": reverse("agreements:event_void", args=[agreement.pk, event.pk]),
        "event_history": reverse("agreements:event_history", args=[agreement.pk, event.pk]),
    }


CORRECTION_VIEWS = [
    "assignment_correct",
    "assignment_end",
    "training_correct",
    "training_void",
    "esd_correct",
    "esd_void",
    "hiring_correct",
    "hiring_void",
    "evaluation_correct",
    "evaluation_void",
    "record_history",
    "event_correct",
    "event_void",
    "event_history",
]


@pytest.mark.parametrize("name", CORRECTION_VIEWS)
def test_correction_view_access(world, roster, records, client_for, client, name):
    url = _urls(records, roster)[name]
    assert client_for(world.admin).get(url).status_code == 200
    # Another district's administrator: the record does not exist for them.
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.outsider).post(url, {"reason": "x"}).status_code == 404
    # Read-only roles (the board, the provider's liaison, a principal): 403, nothing changes.
    for reader in (world.board, world.liaison, world.principal_a, world.teacher_a):
        assert client_for(reader).post(url, {"reason": "x"}).status_code == 403, reader
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not TrainingRecord.objects.filter(voided_at__isnull=False).exists()
    assert StaffAssignment.objects.filter(ended_on__isnull=False).count() == 0


def test_record_of_another_staff_member_is_404(world, roster, records, client_for):
    """A record id under another staff member's URL is not found (no cross-record edit)."""
    other = roster["staff_b"]
    url = reverse("agreements:training_correct", args=[other.pk, records["training"].pk])
    assert client_for(world.admin).get(url).status_code == 404


def _changes(record):
    """The record's last history row (simple-history: who, why) and its changes by field name,
    old -> new, against the row before."""
    latest, previous = list(record.history.order_by("-history_date", "-pk")[:2])
    delta = latest.diff_against(previous)
    return latest, {c.field: (c.old, c.new) for c in delta.changes}


def test_training_record_corrected_with_reason_in_history(world, records, client_for):
    record, staff = records["training"], records["staff"]
    url = reverse("agreements:training_correct", args=[staff.pk, record.pk])
    data = {
        "kind": "classroom",
        "topic": TrainingTopic.DE_ESCALATION,
        "completed_on": "2026-10-03",
        "provided_by": "ESD 113",
        "notes": "",
    }
    # No reason: a field error, nothing saved.
    response = client_for(world.admin).post(url, data)
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    record.refresh_from_db()
    assert record.topic == TrainingTopic.FERPA
    response = client_for(world.admin).post(url, {**data, "reason": "Typed the wrong topic"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.topic, record.completed_on) == ("de_escalation", datetime.date(2026, 10, 3))
    entry, changes = _changes(record)
    assert entry.history_change_reason == "Typed the wrong topic"
    assert entry.history_user == world.admin
    assert changes["topic"] == ("ferpa", "de_escalation")
    assert changes["completed_on"] == (datetime.date(2026, 10, 1), datetime.date(2026, 10, 3))
    # The record's own history page shows it.
    history = client_for(world.admin).get(
        reverse("agreements:staff_record_history", args=[staff.pk, "training", record.pk])
    )
    assert b"Typed the wrong topic" in history.content


def test_correcting_to_a_topic_already_recorded_is_a_field_error(world, records):
    staff = records["staff"]
    TrainingRecord.objects.create(
        staff_member=staff,
        kind="classroom",
        topic="trauma",
        completed_on=datetime.date(2026, 10, 5),
    )
    with pytest.raises(AgreementError) as error:
        services.training_record_correct(
            record=records["training"], by=world.admin, reason="x", topic="trauma"
        )
    assert error.value.field == "topic"
    records["training"].refresh_from_db()
    assert records["training"].topic == "ferpa"
    # Correcting only the date of a topic is not blocked by its own row.
    services.training_record_correct(
        record=records["training"],
        by=world.admin,
        reason="date",
        completed_on=datetime.date(2026, 9, 30),
    )


def test_voided_training_record_struck_through_and_its_topic_entered_again(
    world, records, client_for
):
    record, staff = records["training"], records["staff"]
    admin = client_for(world.admin)
    url = reverse("agreements:training_void", args=[staff.pk, record.pk])
    assert admin.post(url, {"reason": ""}).status_code == 200  # the reason is required
    assert admin.post(url, {"reason": "Entered for the wrong officer"}).status_code == 302
    record.refresh_from_db()
    assert record.is_voided and record.void_reason == "Entered for the wrong officer"
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    page = admin.get(reverse("agreements:staff_detail", args=[staff.pk])).content.decode()
    assert "<del>" in page and "Entered for the wrong officer" in page
    # The topic counts for nothing and may be recorded again (the constraint skips voided rows).
    assert training_status(StaffMember.objects.get(pk=staff.pk), datetime.date(2026, 11, 27))
    response = admin.post(
        reverse("agreements:training_add", args=[staff.pk]),
        {"kind": "classroom", "topic": "ferpa", "completed_on": "2026-10-04"},
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.filter(staff_member=staff, topic="ferpa").count() == 2
    assert TrainingRecord.objects.live().filter(staff_member=staff, topic="ferpa").count() == 1
    # A voided record is not corrected.
    with pytest.raises(AgreementError, match="voided"):
        services.training_record_correct(record=record, by=world.admin, reason="x", notes="n")


def test_voided_records_do_not_count_for_compliance(world, records):
    staff = records["staff"]
    on = datetime.date(2026, 11, 27)
    counted = StaffMember.objects.with_training_counts(on).get(pk=staff.pk)
    assert counted.classroom_topics == 1 and counted.esd_documented
    services.training_record_void(record=records["training"], by=world.admin, reason="dup")
    services.esd_documentation_void(record=records["esd"], by=world.admin, reason="wrong person")
    counted = StaffMember.objects.with_training_counts(on).get(pk=staff.pk)
    assert counted.classroom_topics == 0 and not counted.esd_documented
    full = StaffMember.objects.prefetch_related("training_records", "esd_documents").get(
        pk=staff.pk
    )
    assert not training_status(full, on).esd_documented
    assert EsdDocumentation.objects.filter(pk=records["esd"].pk).exists()


def test_esd_documentation_corrected_and_file_replaced(world, records, client_for):
    document, staff = records["esd"], records["staff"]
    response = client_for(world.admin).post(
        reverse("agreements:esd_correct", args=[staff.pk, document.pk]),
        {
            "issuer": "ESD 112",
            "issued_on": "2026-10-02",
            "file": _pdf("signed.pdf"),
            "reason": "Issued by 112, not 113",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.issuer, document.original_name) == ("ESD 112", "signed.pdf")
    entry, changes = _changes(document)
    assert changes["issuer"] == ("ESD 113", "ESD 112")
    assert entry.history_change_reason == "Issued by 112, not 113"


def test_hiring_record_corrected(world, records, client_for):
    record, staff = records["hiring"], records["staff"]
    response = client_for(world.admin).post(
        reverse("agreements:hiring_correct", args=[staff.pk, record.pk]),
        {
            "kind": "placement",
            "decided_on": "2026-08-21",
            "school": world.school_b.pk,
            "agreement": "",
            "district_participants": "Principal Ames",
            "provider_participants": "Sgt. Cole",
            "notes": "",
            "reason": "Placed at Birch, not Alder",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.school == world.school_b
    _entry, changes = _changes(record)
    assert changes["decided_on"] == (
        datetime.date(2026, 8, 20),
        datetime.date(2026, 8, 21),
    )


def test_evaluation_correction_without_both_evaluators_is_refused(world, records, client_for):
    evaluation, staff = records["evaluation"], records["staff"]
    url = reverse("agreements:evaluation_correct", args=[staff.pk, evaluation.pk])
    data = {
        "evaluated_on": "2026-11-03",
        "agreement": "",
        "district_evaluator": "Dr. Lee",
        "provider_evaluator": "",
        "summary": "Meets expectations.",
        "reason": "Wrong date",
    }
    response = client_for(world.admin).post(url, data)
    assert response.status_code == 200
    assert "provider_evaluator" in response.context["form"].errors
    evaluation.refresh_from_db()
    assert evaluation.evaluated_on == datetime.date(2026, 11, 2)
    assert evaluation.provider_evaluator == "Lt. Park"
    assert evaluation.history.count() == 1
    response = client_for(world.admin).post(url, {**data, "provider_evaluator": "Lt. Park"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.evaluated_on == datetime.date(2026, 11, 3)
    entry, changes = _changes(evaluation)
    assert entry.history_change_reason == "Wrong date" and "evaluated_on" in changes


def test_new_evaluation_needs_the_providers_evaluator(world, roster):
    with pytest.raises(AgreementError) as error:
        services.evaluation_add(
            staff_member=roster["staff_a"],
            evaluated_on=datetime.date(2026, 11, 2),
            agreement=None,
            district_evaluator="Dr. Lee",
            provider_evaluator=" ",
            summary="s",
        )
    assert error.value.field == "provider_evaluator"
    assert not PerformanceEvaluation.objects.exists()


def test_voided_evaluation_shown_struck_through(world, records, client_for):
    services.evaluation_void(record=records["evaluation"], by=world.admin, reason="Duplicate")
    page = client_for(world.admin).get(
        reverse("agreements:staff_detail", args=[records["staff"].pk])
    )
    assert "Duplicate" in page.content.decode()
    assert PerformanceEvaluation.objects.filter(pk=records["evaluation"].pk).exists()


# Assignments -----------------------------------------------------------------------------------
def test_assignment_correction_over_5_days_a_week_is_a_field_error(world, records, client_for):
    staff, assignment = records["staff"], records["assignment"]
    StaffAssignmentFactory(
        staff_member=staff, school=world.school_b, school_year=world.year, days_per_week=2
    )
    url = reverse("agreements:assignment_correct", args=[staff.pk, assignment.pk])
    response = client_for(world.admin).post(
        url, {"school": world.school_a.pk, "days_per_week": "3.5", "reason": "More days"}
    )
    assert response.status_code == 200
    assert "5.5 days a week" in str(response.context["form"].errors["days_per_week"])
    assignment.refresh_from_db()
    assert assignment.days_per_week == Decimal("2")
    response = client_for(world.admin).post(
        url, {"school": world.school_a.pk, "days_per_week": "3", "reason": "More days"}
    )
    assert response.status_code == 302
    entry, changes = _changes(StaffAssignment.objects.get(pk=assignment.pk))
    assert changes["days_per_week"] == (Decimal("2.0"), Decimal("3.0"))
    assert entry.history_change_reason == "More days"


def test_ended_assignment_is_kept_and_its_past_years_report_is_unchanged(world, client_for):
    from reports.selectors import schools_section, staff_detail

    past = SchoolYearFactory(district=world.district, label="2025-26")
    staff = StaffMemberFactory(district=world.district, first_day_on_campus=None)
    assignment = StaffAssignmentFactory(
        staff_member=staff, school=world.school_a, school_year=past, days_per_week=3
    )

    def figures():
        return (
            schools_section(district=world.district, school_year=past, school_ids=None),
            staff_detail(district=world.district, school_year=past, school_ids=None),
        )

    before = figures()
    url = reverse("agreements:assignment_end", args=[staff.pk, assignment.pk])
    admin = client_for(world.admin)
    # A year that is over: ending its assignment needs a reason; the date lies in that year.
    response = admin.post(url, {"ended_on": "2026-05-29", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = admin.post(url, {"ended_on": "2026-09-01", "reason": "Left in May"})
    assert "ended_on" in response.context["form"].errors
    response = admin.post(url, {"ended_on": "2026-05-29", "reason": "Left in May"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == datetime.date(2026, 5, 29)
    assert figures() == before
    entry, changes = _changes(assignment)
    assert changes["ended_on"] == (None, datetime.date(2026, 5, 29))
    assert entry.history_change_reason == "Left in May" and entry.history_user == world.admin


def test_ending_this_years_assignment_frees_its_days(world, records, client_for):
    staff, assignment = records["staff"], records["assignment"]
    response = client_for(world.admin).post(
        reverse("agreements:assignment_end", args=[staff.pk, assignment.pk]),
        {"ended_on": "2026-11-20", "reason": ""},
    )
    assert response.status_code == 302
    assert StaffAssignment.objects.filter(pk=assignment.pk, ended_on="2026-11-20").exists()
    page = client_for(world.admin).get(reverse("agreements:staff_detail", args=[staff.pk]))
    assert "ended 2026-11-20" in page.content.decode()
    # Its days no longer count towards the 5 a week; the school is no longer the staff's.
    services.staff_assignment_save(
        staff_member=staff, school=world.school_b, school_year=world.year, days_per_week=Decimal(5)
    )
    assert list(
        StaffAssignment.objects.filter(staff_member=staff)
        .active_on()
        .values_list("school", flat=True)
    ) == [world.school_b.pk]


# Engagement events ------------------------------------------------------------------------------
def test_engagement_event_corrected_and_attachment_voided(world, roster, client_for):
    agreement, review = roster["ready_b"], roster["review_b"]
    event = review.events.get()
    admin = client_for(world.admin)
    url = reverse("agreements:event_correct", args=[agreement.pk, event.pk])
    response = admin.post(
        url,
        {
            "held_on": "2026-10-16",
            "kind": "meeting",
            "parents": 12,
            "students": 8,
            "community_members": 5,
            "summary": "Listening session in the library.",
            "attachments": [SimpleUploadedFile("notes.pdf", PDF_BYTES, "application/pdf")],
            "reason": "Held on the 16th",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.held_on == datetime.date(2026, 10, 16)
    attachment = event.attachments.get()
    response = admin.post(
        reverse("agreements:attachment_void", args=[agreement.pk, attachment.pk]),
        {"reason": "Wrong file"},
    )
    assert response.status_code == 302
    assert EngagementAttachment.objects.get(pk=attachment.pk).void_reason == "Wrong file"
    page = admin.get(reverse("agreements:agreement_detail", args=[agreement.pk])).content.decode()
    assert "<del>notes.pdf</del>" in page
    # The liaison no longer gets the voided file.
    download = reverse("agreements:attachment_download", args=[agreement.pk, attachment.pk])
    assert client_for(world.liaison).get(download).status_code == 404


def test_adopted_reviews_engagement_stays_true(world, roster):
    """A correction of an adopted review must leave every group involved and each event before
    the board's action; otherwise nothing changes."""
    review = roster["adopted"].reviews.get()
    review.adopted_on = datetime.date(2026, 10, 20)
    review.save()
    event = review.events.get()
    fields = {
        "held_on": event.held_on,
        "kind": event.kind,
        "parents": 0,
        "students": event.students,
        "community_members": event.community_members,
        "summary": event.summary,
    }
    with pytest.raises(AgreementError, match="parents"):
        services.engagement_event_correct(event=event, by=world.admin, reason="x", **fields)
    with pytest.raises(AgreementError) as error:
        services.engagement_event_correct(
            event=event,
            by=world.admin,
            reason="x",
            **{**fields, "parents": 3, "held_on": datetime.date(2026, 10, 25)},
        )
    assert error.value.field == "held_on"
    with pytest.raises(AgreementError):
        services.engagement_event_void(event=event, by=world.admin, reason="x")
    event.refresh_from_db()
    assert (event.parents, event.voided_at) == (12, None)
    # A second event that still covers everyone lets the first be voided.
    EngagementEventFactory(review=review, held_on=datetime.date(2026, 10, 1))
    services.engagement_event_void(event=event, by=world.admin, reason="Duplicate")
    assert EngagementEvent.objects.filter(pk=event.pk, voided_at__isnull=False).exists()


def test_voided_event_no_longer_counts_for_adoption(world, roster):
    review = AnnualReviewFactory(agreement=roster["draft_b"], school_year=world.year)
    event = EngagementEventFactory(review=review)
    assert services.engagement_gaps(review) == []
    services.engagement_event_void(event=event, by=world.admin, reason="Never held")
    assert len(services.engagement_gaps(review)) == 3


# Done late --------------------------------------------------------------------------------------
def _late_staff(world):
    """First day 2026-01-05: classroom series due 2026-07-05, finished 2026-07-15 (10 days
    late); on-the-job days done on time."""
    staff = StaffMemberFactory(
        district=world.district,
        kind="sro",
        commissioned=True,
        active_from=datetime.date(2026, 1, 1),
        first_day_on_campus=datetime.date(2026, 1, 5),
        last_name="Late",
    )
    for index, topic in enumerate(TrainingTopic.values):
        day = datetime.date(2026, 7, 15) if index == 0 else datetime.date(2026, 3, 1)
        TrainingRecord.objects.create(
            staff_member=staff, kind="classroom", topic=topic, completed_on=day
        )
    for day in (datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)):
        TrainingRecord.objects.create(staff_member=staff, kind="on_the_job", completed_on=day)
    StaffAssignmentFactory(staff_member=staff, school=world.school_a, school_year=world.year)
    return staff


def test_training_done_after_its_deadline_shows_done_late(world, client_for):
    staff = _late_staff(world)
    on_time = StaffMemberFactory(
        district=world.district, kind="sro", commissioned=True, last_name="OnTime"
    )
    today = datetime.date(2026, 11, 27)
    full = StaffMember.objects.prefetch_related("training_records", "esd_documents").get(
        pk=staff.pk
    )
    status = training_status(full, today)
    classroom = status.components[0]
    assert (classroom.state, classroom.days_late) == (State.DONE_LATE, 10)
    assert status.components[1].state == State.DONE
    assert status.complete and status.overall == State.DONE_LATE
    # The database-counted rule (dashboard, annual report) agrees.
    counted = StaffMember.objects.with_training_counts(today).get(pk=staff.pk)
    assert status_from_counts(counted, today).overall == State.DONE_LATE
    page = client_for(world.admin).get(reverse("agreements:staff_detail", args=[staff.pk]))
    assert "Done late (10 days)" in page.content.decode()
    staff_list = client_for(world.admin).get(reverse("agreements:staff_list"))
    assert "Done late (10 days)" in staff_list.content.decode()
    roster = client_for(world.admin).get(reverse("agreements:training_compliance"))
    text = roster.content.decode()
    assert "Done late (10 days)" in text
    summary = dict((value, count) for value, _label, count in roster.context["summary"])
    assert summary[State.DONE_LATE] == 1 and summary[State.DONE] == 0
    assert on_time.pk  # not assigned: not on the roster's figures of the year
    # Correcting the late topic's date to before the deadline makes it on time.
    late = TrainingRecord.objects.get(staff_member=staff, completed_on=datetime.date(2026, 7, 15))
    services.training_record_correct(
        record=late,
        by=world.admin,
        reason="Finished in June",
        completed_on=datetime.date(2026, 6, 30),
    )
    counted = StaffMember.objects.with_training_counts(today).get(pk=staff.pk)
    assert status_from_counts(counted, today).overall == State.DONE


def test_dashboard_separates_on_time_and_late(world, client_for):
    from agreements.dashboard import agreements_overview

    _late_staff(world)

    class Request:
        pass

    request = Request()
    request.scope = type("S", (), {"district": world.district})()
    section = agreements_overview(request)
    assert (section["training_on_time"], section["training_late"]) == (0, 1)


def test_an_ended_assignment_no_longer_gives_the_safety_staff_its_school(world):
    from srp.roles import Role
    from srp.scope import build_scope

    staff = StaffMemberFactory(district=world.district, user=world.safety_staff)
    assignment = services.staff_assignment_save(
        staff_member=staff, school=world.school_a, school_year=world.year, days_per_week=Decimal(3)
    )
    assert build_scope(world.safety_staff).school_ids(Role.SAFETY_STAFF) == {world.school_a.pk}
    services.staff_assignment_end(
        assignment=assignment, by=world.admin, ended_on=datetime.date(2026, 11, 26)
    )
    assert build_scope(world.safety_staff).school_ids(Role.SAFETY_STAFF) == set()
