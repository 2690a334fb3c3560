"""Demo: the district's records officer has set the complaint series and put one complaint on
hold for a records request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaints.models import Complaint
from retention.models import HoldReason, LegalHold, RecordType, RetentionRule
from retention.services import hold_place, rule_set

if TYPE_CHECKING:
    from srp.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    district, admin = ctx.district, ctx.users["admin"]
    if not RetentionRule.objects.filter(district=district).exists():
        rule_set(
            district=district,
            record_type=RecordType.COMPLAINT,
            years=6,
            disposition_authority="(set by the records officer)",
            notes="Confirm the series with the records officer before the first destruction run.",
            by=admin,
        )
    if LegalHold.objects.filter(district=district).exists():
        return
    complaint = Complaint.objects.filter(district=district).order_by("received_at").first()
    if complaint is not None:
        hold_place(
            district=district,
            record_type=RecordType.COMPLAINT,
            record=complaint,
            reason=HoldReason.RECORDS_REQUEST,
            details="Public records request PRR-2026-031: every record of this complaint.",
            by=admin,
        )
