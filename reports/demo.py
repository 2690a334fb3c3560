"""Demo data: last school year's report is published, so the public page has something to show,
and its board packet released, so the demo board member has one to read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.models import BoardPacket, PublishedReport
from reports.services import board_packet_release, report_publish

if TYPE_CHECKING:
    from srp.demo import DemoContext


def seed_reports(ctx: DemoContext) -> None:
    if len(ctx.years) < 2:
        return
    last_year = ctx.years[-2]
    admin = ctx.users["admin"]
    if not PublishedReport.objects.filter(district=ctx.district, school_year=last_year).exists():
        report_publish(district=ctx.district, school_year=last_year, by=admin)
    if not BoardPacket.objects.filter(district=ctx.district, school_year=last_year).exists():
        board_packet_release(district=ctx.district, school_year=last_year, by=admin)
