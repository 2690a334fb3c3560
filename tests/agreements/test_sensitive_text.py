"""R-15 on the roster and agreements: hiring notes, evaluations, engagement summaries and
training notes warn before saving words that seem to record immigration or citizenship status,
a visa or a place of birth; ticking the confirmation saves (issue #11, item 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import EngagementEvent, HiringRecord, PerformanceEvaluation, TrainingRecord

pytestmark = pytest.mark.django_db

WARNING = "seems to mention immigration or citizenship status"
TEXT = "Officer said the student was born in Mexico."


def _warns_then_saves(client, url, data, model, **saved) -> None:  # noqa: ANN001
    count = model.objects.count()
    first = client.post(url, data)
    page = first.content.decode()
    assert first.status_code in (200, 400)
    assert WARNING in page and "born in" in page
    assert 'type="checkbox" name="confirm_sensitive"' in page
    assert model.objects.count() == count
    assert client.post(url, {**data, "confirm_sensitive": "on"}).status_code == 302
    assert model.objects.filter(**saved).count() == 1


def test_hiring_notes(world, roster, client_for):
    staff = roster["staff_a"]
    data = {
        "kind": "placement",
        "decided_on": "2026-08-20",
        "school": str(world.school_a.pk),
        "agreement": str(roster["adopted"].pk),
        "district_participants": "Principal Nguyen",
        "provider_participants": "Lt. Park",
        "notes": TEXT,
    }
    url = reverse("agreements:hiring_add", args=[staff.pk])
    _warns_then_saves(client_for(world.admin), url, data, HiringRecord, notes=TEXT)


def test_evaluation_summary(world, roster, client_for):
    staff = roster["staff_a"]
    data = {
        "evaluated_on": "2026-11-01",
        "agreement": str(roster["adopted"].pk),
        "district_evaluator": "Director Rivera",
        "provider_evaluator": "Lt. Park",
        "summary": TEXT,
    }
    url = reverse("agreements:evaluation_add", args=[staff.pk])
    _warns_then_saves(client_for(world.admin), url, data, PerformanceEvaluation, summary=TEXT)


def test_engagement_summary(world, roster, client_for):
    review = roster["review_b"]
    data = {
        "held_on": "2026-11-02",
        "kind": "listening_session",
        "parents": "4",
        "students": "0",
        "community_members": "0",
        "summary": TEXT,
    }
    url = reverse("agreements:event_create", args=[roster["ready_b"].pk, review.pk])
    _warns_then_saves(client_for(world.admin), url, data, EngagementEvent, summary=TEXT)


def test_training_notes(world, roster, client_for):
    staff = roster["staff_b"]
    data = {"kind": "classroom", "topic": "ferpa", "completed_on": "2026-10-01", "notes": TEXT}
    url = reverse("agreements:training_add", args=[staff.pk])
    _warns_then_saves(client_for(world.admin), url, data, TrainingRecord, notes=TEXT)
