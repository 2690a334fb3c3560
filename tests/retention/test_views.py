"""The retention pages: program administrators of the district only, bad input answered."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Call
from retention import services
from retention.models import (
    DestructionLogEntry,
    DestructionRun,
    LegalHold,
    RecordType,
    RetentionRule,
)
from tests.retention.test_retention import _old_call, _old_complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["principal_a", "investigator", "board", "safety_staff", "liaison"])
def test_only_program_administrators_open_the_pages(world, client_for, who):
    c = client_for(getattr(world, who))
    for url in [
        reverse("retention:overview"),
        reverse("retention:hold_create"),
        reverse("retention:log"),
        reverse("retention:rule_edit", args=[RecordType.CALL]),
    ]:
        assert c.get(url).status_code == 403
    assert c.post(reverse("retention:run_prepare"), {"as_of": "2026-11-27"}).status_code == 403
    assert not DestructionRun.objects.exists()


def test_another_districts_run_and_hold_are_not_found(world, client_for):
    _old_call(world)
    run = services.run_prepare(district=world.district, as_of=timezone.localdate(), by=world.admin)
    hold = services.hold_place(
        district=world.district,
        record_type=RecordType.COMPLAINT,
        record=_old_complaint(world),
        reason="litigation",
        details="Claim.",
        by=world.admin,
    )
    c = client_for(world.outsider)
    assert c.get(reverse("retention:run_detail", args=[run.pk])).status_code == 404
    assert (
        c.post(
            reverse("retention:run_detail", args=[run.pk]), {"confirm_run": "1", "confirm": "on"}
        ).status_code
        == 404
    )
    assert (
        c.post(
            reverse("retention:hold_release", args=[hold.pk]), {"release_reason": "x"}
        ).status_code
        == 404
    )
    assert Call.objects.count() == 1 and LegalHold.objects.active().count() == 1


def test_administrator_sets_a_period_places_a_hold_and_destroys(
    world, client_for, django_assert_max_num_queries
):
    c = client_for(world.admin)
    with django_assert_max_num_queries(15):
        page = c.get(reverse("retention:overview"))
    assert page.status_code == 200 and "How long records are kept" in page.content.decode()

    response = c.post(
        reverse("retention:rule_edit", args=[RecordType.COMPLAINT]),
        {"years": "7", "disposition_authority": "SD 2026", "notes": ""},
    )
    assert response.status_code == 302
    assert RetentionRule.objects.get(record_type=RecordType.COMPLAINT).years == 7

    complaint = _old_complaint(world)
    call = _old_call(world)
    response = c.post(
        reverse("retention:hold_create"),
        {
            "record_type": RecordType.COMPLAINT,
            "reference": complaint.reference.lower(),
            "reason": "litigation",
            "details": "Notice of claim.",
        },
        follow=True,
    )
    assert "is on hold" in response.content.decode()
    assert LegalHold.objects.active().get().record_id == complaint.pk

    response = c.post(reverse("retention:run_prepare"), {"as_of": timezone.localdate().isoformat()})
    run = DestructionRun.objects.get()
    assert response["Location"] == reverse("retention:run_detail", args=[run.pk])
    listing = c.get(response["Location"]).content.decode()
    assert call.call_ref in listing and complaint.reference not in listing

    # Without the tick nothing happens.
    refused = c.post(reverse("retention:run_detail", args=[run.pk]), {"confirm_run": "1"})
    assert refused.status_code == 200 and "Please correct the errors" in refused.content.decode()
    assert Call.objects.filter(pk=call.pk).exists()

    done = c.post(
        reverse("retention:run_detail", args=[run.pk]),
        {"confirm_run": "1", "confirm": "on", "note": "Yearly."},
        follow=True,
    )
    assert "1 records destroyed" in done.content.decode()
    assert not Call.objects.filter(pk=call.pk).exists()
    log = c.get(reverse("retention:log")).content.decode()
    assert call.call_ref in log
    csv = c.get(reverse("retention:log") + "?format=csv")
    assert csv.status_code == 200 and call.call_ref in b"".join(csv.streaming_content).decode()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"years": "2", "disposition_authority": "", "notes": ""}, "at least 6 years"),
        ({"years": "-1", "disposition_authority": "", "notes": ""}, "greater than or equal to 0"),
        ({"years": "abc", "disposition_authority": "", "notes": ""}, "Enter a whole number"),
        (
            {"years": "9" * 30, "disposition_authority": "", "notes": ""},
            "less than or equal to 100",
        ),
        ({"years": "8", "disposition_authority": "x" * 41, "notes": ""}, "at most 40 characters"),
    ],
)
def test_bad_periods_are_refused_and_nothing_changes(world, client_for, data, message):
    response = client_for(world.admin).post(
        reverse("retention:rule_edit", args=[RecordType.CALL]), data
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not RetentionRule.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"record_type": "call", "reference": "CV-nope", "reason": "audit", "details": "x"},
            "No record of that kind",
        ),
        (
            {"record_type": "spaceship", "reference": "1", "reason": "audit", "details": "x"},
            "Select a valid choice",
        ),
        (
            {"record_type": "call", "reference": "1", "reason": "whim", "details": "x"},
            "Select a valid choice",
        ),
        (
            {
                "record_type": "call",
                "reference": "<script>1</script>",
                "reason": "audit",
                "details": "x",
            },
            "No record of that kind",
        ),
        (
            {"record_type": "call", "reference": "9" * 40, "reason": "audit", "details": "x"},
            "No record of that kind",
        ),
        (
            {"record_type": "call", "reference": "1", "reason": "audit", "details": ""},
            "This field is required",
        ),
    ],
)
def test_bad_holds_are_refused_and_nothing_is_held(world, client_for, data, message):
    response = client_for(world.admin).post(reverse("retention:hold_create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not LegalHold.objects.exists()


def test_unknown_record_type_page_is_not_found(world, client_for):
    assert (
        client_for(world.admin).get(reverse("retention:rule_edit", args=["nope"])).status_code
        == 404
    )


def test_bad_dates_for_a_list_are_refused(world, client_for):
    c = client_for(world.admin)
    for value in ["", "not-a-date", "1800-01-01", "2031-01-01"]:
        response = c.post(reverse("retention:run_prepare"), {"as_of": value}, follow=True)
        assert response.status_code == 200
        assert "alert" in response.content.decode()
    assert not DestructionRun.objects.exists()
    assert not DestructionLogEntry.objects.exists()
