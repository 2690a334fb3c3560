"""The demo seeder publishes last year's report and releases its board packet, once."""

from __future__ import annotations

import datetime

import pytest

from reports.demo import seed_reports
from reports.models import BoardPacket, PublishedReport
from srp.demo import seed_base


@pytest.mark.django_db
def test_demo_publishes_last_year_once():
    ctx = seed_base(datetime.date(2026, 11, 27))
    seed_reports(ctx)
    seed_reports(ctx)
    published = PublishedReport.objects.get()
    assert published.school_year == ctx.years[-2]
    assert published.snapshot["public"] is True
    packet = BoardPacket.objects.get()
    assert packet.school_year == ctx.years[-2] and packet.is_released
    assert packet.snapshot["report"]["public"] is True
