"""What each kind of record is, when its retention period starts, and what its case holds.

The retention periods below are the defaults a district starts from; its records officer sets
its own (never shorter than `minimum_years`) with the disposition authority number (DAN) of the
series of the Washington State Archives' schedules it applies: the Public Schools (K-12) Records
Retention Schedule and the Local Government Common Records Retention Schedule (CORE). Those
schedules forbid destroying a record subject to ongoing or reasonably anticipated litigation or
to an open public records request (chapter 42.56 RCW): that is a legal hold here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.models import Status as ComplaintStatus
from incidents.models import (
    AgencyInformationRequest,
    Call,
    InterventionRequest,
    RestraintReport,
)
from retention.models import RecordType
from srp.models import District

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def school_year_cutoff(as_of: datetime.date, years: int) -> datetime.date:
    """Records of a school year (1 July to 30 June) ending more than `years` years before
    `as_of` are due: the first day of the earliest school year still kept."""
    back = _years_before(as_of, years)
    return datetime.date(
        back.year if back > datetime.date(back.year, 6, 30) else back.year - 1, 7, 1
    )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class RecordKind:
    key: str
    model: type[models.Model]
    default_years: int
    minimum_years: int
    starts: StrOrPromise  # what the period is counted from, for people
    # (district, as_of, years) -> the records past their period, annotated `trigger`.
    due: Callable[[District, datetime.date, int], QuerySet[Any]]
    label: Callable[[models.Model], str]

    @property
    def title(self) -> str:
        return str(RecordType(self.key).label)


def _by_school_year(model: type[models.Model], field: str) -> Callable[..., QuerySet[Any]]:
    def due(district: District, as_of: datetime.date, years: int) -> QuerySet[Any]:
        cutoff = school_year_cutoff(as_of, years)
        lookup = f"{field}__date__lt" if _is_datetime(model, field) else f"{field}__lt"
        trigger = TruncDate(field) if _is_datetime(model, field) else models.F(field)
        records: QuerySet[Any] = (
            model._default_manager.filter(district=district, **{lookup: cutoff})
            .annotate(trigger=trigger)
            .order_by(field, "pk")
        )
        return records

    return due


def _is_datetime(model: type[models.Model], field: str) -> bool:
    return isinstance(model._meta.get_field(field), models.DateTimeField)


def _complaints_due(district: District, as_of: datetime.date, years: int) -> QuerySet[Any]:
    # Counted from the day the complaint was closed (or withdrawn); an open one is never due.
    back = _years_before(as_of, years)
    return (
        Complaint.objects.filter(
            district=district, status__in=[ComplaintStatus.CLOSED, ComplaintStatus.WITHDRAWN]
        )
        .annotate(trigger=TruncDate(Coalesce("closed_at", "withdrawn_at")))
        .filter(trigger__isnull=False, trigger__lt=back)
        .order_by("trigger", "pk")
    )


# Six years: the span the state schedules give the nearest series (investigations and
# complaints, student incident and discipline records). A district lengthens it, never shortens.
KINDS: dict[str, RecordKind] = {
    kind.key: kind
    for kind in [
        RecordKind(
            RecordType.COMPLAINT,
            Complaint,
            default_years=6,
            minimum_years=6,
            starts=_("the day it was closed or withdrawn"),
            due=_complaints_due,
            label=lambda c: c.reference,  # type: ignore[attr-defined]
        ),
        RecordKind(
            RecordType.CALL,
            Call,
            default_years=6,
            minimum_years=6,
            starts=_("the end of the school year of the call"),
            due=_by_school_year(Call, "occurred_at"),
            label=lambda c: c.call_ref or f"#{c.pk}",  # type: ignore[attr-defined]
        ),
        RecordKind(
            RecordType.INTERVENTION,
            InterventionRequest,
            default_years=6,
            minimum_years=6,
            starts=_("the end of the school year of the request"),
            due=_by_school_year(InterventionRequest, "requested_at"),
            label=lambda r: str(r),
        ),
        RecordKind(
            RecordType.RESTRAINT,
            RestraintReport,
            default_years=6,
            minimum_years=6,
            starts=_("the end of the school year of the restraint or isolation"),
            due=_by_school_year(RestraintReport, "occurred_at"),
            label=lambda r: str(r),
        ),
        RecordKind(
            RecordType.AGENCY_REQUEST,
            AgencyInformationRequest,
            default_years=6,
            minimum_years=6,
            starts=_("the end of the school year it was received"),
            due=_by_school_year(AgencyInformationRequest, "received_on"),
            label=lambda r: str(r),
        ),
    ]
}

# Destroyed first: a call's own records come after the requests and reports that point at it.
DESTRUCTION_ORDER = [
    RecordType.INTERVENTION,
    RecordType.RESTRAINT,
    RecordType.AGENCY_REQUEST,
    RecordType.COMPLAINT,
    RecordType.CALL,
]
