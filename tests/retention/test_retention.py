"""Retention periods, legal holds and confirmed destruction runs (issue #15 item 7)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from complaints.models import Attachment, Complaint, Event
from complaints.models import Status as ComplaintStatus
from incidents.models import Call, InterventionRequest, LawEnforcementActivity, StudentInvolved
from retention import services
from retention.models import (
    DestructionLogEntry,
    DestructionRun,
    RecordType,
    RetentionRule,
)
from retention.record_types import school_year_cutoff
from tests.complaints.factories import png, submit
from tests.incidents.factories import CallFactory, InterventionFactory, StudentFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2019, 3, 4, 10, 0))  # school year 2018-19
RECENT = timezone.make_aware(datetime.datetime(2021, 3, 4, 10, 0))  # 2020-21: kept to mid-2027


def _old_complaint(world, *, closed=LONG_AGO):
    c = submit(world, files=[(png(), "image/png")]).complaint
    Complaint.objects.filter(pk=c.pk).update(
        status=ComplaintStatus.CLOSED, received_at=closed, closed_at=closed
    )
    return Complaint.objects.get(pk=c.pk)


def _old_call(world, when=LONG_AGO):
    call = CallFactory(school=world.school_a, occurred_at=when)
    student = StudentFactory(call=call)
    LawEnforcementActivity.objects.create(
        call=call, student=student, kind="interview", occurred_at=when, narrative="Asked about it."
    )
    return call


def test_the_cutoff_keeps_whole_school_years():
    # On 27 November 2026, six years back is 27 November 2020: 2019-20 ended more than six
    # years before only if it ended before that day — it did (30 June 2020).
    assert school_year_cutoff(datetime.date(2026, 11, 27), 6) == datetime.date(2020, 7, 1)
    assert school_year_cutoff(datetime.date(2026, 6, 30), 6) == datetime.date(2019, 7, 1)
    assert school_year_cutoff(datetime.date(2028, 2, 29), 6) == datetime.date(2021, 7, 1)


def test_only_records_past_their_period_are_listed(world):
    old_complaint = _old_complaint(world)
    _old_complaint(world, closed=RECENT)
    open_complaint = submit(world).complaint
    Complaint.objects.filter(pk=open_complaint.pk).update(received_at=LONG_AGO)
    old_call = _old_call(world)
    _old_call(world, when=RECENT)
    items, kept = services.due_records(world.district, timezone.localdate())
    listed = {(i["type"], i["id"]) for i in items}
    assert listed == {(RecordType.COMPLAINT, old_complaint.pk), (RecordType.CALL, old_call.pk)}
    assert kept == 0


def test_a_longer_period_keeps_more_and_a_shorter_one_is_refused(world):
    _old_call(world)
    services.rule_set(
        district=world.district,
        record_type=RecordType.CALL,
        years=10,
        disposition_authority="SD 51-05A-04",
        notes="Board resolution 2026-14.",
        by=world.admin,
    )
    assert services.due_records(world.district, timezone.localdate())[0] == []
    with pytest.raises(services.RetentionError, match="at least 6 years"):
        services.rule_set(
            district=world.district,
            record_type=RecordType.CALL,
            years=3,
            disposition_authority="",
            notes="",
            by=world.admin,
        )
    rule = RetentionRule.objects.get(district=world.district, record_type=RecordType.CALL)
    assert rule.years == 10 and rule.history.count() == 1
    assert rule.history.first().history_user == world.admin


def test_a_hold_keeps_the_record_and_its_case_until_released(world):
    old_call = _old_call(world)
    request = InterventionFactory(school=world.school_a, requested_at=LONG_AGO, call=old_call)
    hold = services.hold_place(
        district=world.district,
        record_type=RecordType.CALL,
        record=old_call,
        reason="litigation",
        details="Tort claim notice received 2026-10-02.",
        by=world.admin,
    )
    items, kept = services.due_records(world.district, timezone.localdate())
    assert items == [] and kept == 2  # the call and the request pointing at it
    services.hold_release(hold=hold, reason="Claim settled.", by=world.admin)
    items, _kept = services.due_records(world.district, timezone.localdate())
    assert {(i["type"], i["id"]) for i in items} == {
        (RecordType.INTERVENTION, request.pk),
        (RecordType.CALL, old_call.pk),
    }
    hold.refresh_from_db()
    assert hold.history.count() == 2 and not hold.is_active


def test_confirmed_run_destroys_case_files_and_history_and_logs_it(
    world, django_capture_on_commit_callbacks
):
    complaint = _old_complaint(world)
    attachment = Attachment.objects.get(complaint=complaint)
    stored = attachment.file.name
    assert default_storage.exists(stored)
    call = _old_call(world)
    kept_call = _old_call(world, when=RECENT)
    run = services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    assert len(run.items) == 2
    with django_capture_on_commit_callbacks(execute=True):
        run, skipped = services.run_confirm(run=run, note="Annual purge.", by=world.admin)
    assert skipped == []
    assert run.status == DestructionRun.Status.DONE
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert not Complaint.history.filter(id=complaint.pk).exists()
    assert not Event.objects.filter(complaint_id=complaint.pk).exists()
    assert not Attachment.history.filter(id=attachment.pk).exists()
    assert not default_storage.exists(stored)
    assert not Call.objects.filter(pk=call.pk).exists()
    assert not StudentInvolved.objects.filter(call_id=call.pk).exists()
    assert not LawEnforcementActivity.objects.filter(call_id=call.pk).exists()
    assert not StudentInvolved.history.filter(call_id=call.pk).exists()
    assert Call.objects.filter(pk=kept_call.pk).exists()
    assert StudentInvolved.objects.filter(call=kept_call).count() == 1
    log = {e.record_type: e for e in DestructionLogEntry.objects.filter(run=run)}
    assert set(log) == {RecordType.COMPLAINT, RecordType.CALL}
    assert log[RecordType.COMPLAINT].label == complaint.reference
    assert log[RecordType.COMPLAINT].files_removed == 1
    assert log[RecordType.CALL].rows_removed >= 3
    assert log[RecordType.CALL].destroyed_by == world.admin
    # Confirming again destroys nothing more and writes no second log.
    with pytest.raises(services.RetentionError):
        services.run_confirm(run=run, note="", by=world.admin)
    assert DestructionLogEntry.objects.count() == 2


def test_a_hold_placed_after_the_list_was_made_still_keeps_the_record(world):
    complaint = _old_complaint(world)
    run = services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    services.hold_place(
        district=world.district,
        record_type=RecordType.COMPLAINT,
        record=complaint,
        reason="records_request",
        details="PRR 2026-118.",
        by=world.admin,
    )
    run, skipped = services.run_confirm(run=run, note="", by=world.admin)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert len(skipped) == 1 and complaint.reference in skipped[0]
    assert not DestructionLogEntry.objects.exists()


def test_a_record_another_kept_record_points_at_is_kept_and_says_why(world):
    call = _old_call(world)
    request = InterventionFactory(school=world.school_a, requested_at=LONG_AGO, call=call)
    services.hold_place(
        district=world.district,
        record_type=RecordType.INTERVENTION,
        record=request,
        reason="audit",
        details="State audit of 2018-19.",
        by=world.admin,
    )
    run = services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    assert [i["type"] for i in run.items] == [RecordType.CALL]
    run, skipped = services.run_confirm(run=run, note="", by=world.admin)
    assert Call.objects.filter(pk=call.pk).exists()
    assert InterventionRequest.objects.filter(pk=request.pk).exists()
    assert StudentInvolved.objects.filter(call=call).count() == 1
    assert "kept, other records point at it" in skipped[0]


def test_nothing_due_in_the_future_or_twice_waiting(world):
    _old_call(world)
    with pytest.raises(services.RetentionError, match="today or an earlier day"):
        services.run_prepare(
            district=world.district,
            as_of=timezone.localdate() + datetime.timedelta(days=1),
            by=world.admin,
        )
    services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    with pytest.raises(services.RetentionError, match="already waiting"):
        services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    assert DestructionRun.objects.count() == 1


def test_other_districts_records_are_never_listed_or_held(world):
    from tests.factories import SchoolFactory

    other_school = SchoolFactory(district=world.other_district)
    other_call = CallFactory(school=other_school, occurred_at=LONG_AGO)
    assert services.due_records(world.district, timezone.localdate())[0] == []
    assert services.find_record(world.district, RecordType.CALL, other_call.call_ref) is None
    assert services.find_record(world.district, RecordType.CALL, str(other_call.pk)) is None
    with pytest.raises(services.RetentionError):
        services.hold_place(
            district=world.district,
            record_type=RecordType.CALL,
            record=other_call,
            reason="litigation",
            details="x",
            by=world.admin,
        )


def test_the_destruction_log_is_never_changed(world):
    _old_call(world)
    run = services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    services.run_confirm(run=run, note="", by=world.admin)
    entry = DestructionLogEntry.objects.get()
    entry.label = "changed"
    with pytest.raises(Exception, match="never changed"):
        entry.save()
