"""Demo data: last school year's report is published, so the public page has something to show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.models import PublishedReport
from reports.services import report_publish

if TYPE_CHECKING:
    from srp.demo import DemoContext


def seed_reports(ctx: DemoContext) -> None:
    if len(ctx.years) < 2:
        return
    last_year = ctx.years[-2]
    if PublishedReport.objects.filter(district=ctx.district, school_year=last_year).exists():
        return
    report_publish(district=ctx.district, school_year=last_year, by=ctx.users["admin"])
