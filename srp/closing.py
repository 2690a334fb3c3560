"""Closed school years: a change to a record of a closed year says why (issue #13, R-22/R-23).

Once the annual report is published and the administrator has closed the year
(`reports.services.school_year_close`), the year's figures are final: a later change to a
record the report counts is a revision. Services that change such records call
`require_reason_if_closed` in their guard, before anything is saved, and record the reason in
the record's history (`srp.history.as_done_by`), where `reports.revisions` lists it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from srp.models import District, SchoolYear
from srp.rules import RuleError
from srp.sensitive import SensitiveTextMixin

if TYPE_CHECKING:
    from collections.abc import Iterable


def closed_year_for(
    *,
    district: District | int | None = None,
    on_date: datetime.date | None = None,
    school_year: SchoolYear | None = None,
) -> SchoolYear | None:
    """The closed school year a record belongs to (by its year or by its date), or None."""
    if school_year is not None:
        # Read the closing from the database: the caller's copy may predate the closing.
        return SchoolYear.objects.filter(pk=school_year.pk, closed_at__isnull=False).first()
    if district is None or on_date is None:
        return None
    district_id = district.pk if isinstance(district, District) else district
    return (
        SchoolYear.objects.filter(district_id=district_id, closed_at__isnull=False)
        .current(on_date)
        .first()
    )


def require_reason_if_closed(
    *,
    reason: str | None,
    district: District | int | None = None,
    on_date: datetime.date | None = None,
    school_year: SchoolYear | None = None,
    field: str = "reason",
    error: type[RuleError] = RuleError,
) -> str:
    """Refuse a change to a record of a closed school year that gives no reason.

    The year is `school_year`, or the district's year containing `on_date`. Raises `error`
    (the calling app's rule error) on `field` when that year is closed and `reason` is blank;
    returns the reason, stripped (possibly empty when the year is open).
    """
    reason = (reason or "").strip()
    if reason:
        return reason
    year = closed_year_for(district=district, on_date=on_date, school_year=school_year)
    if year is not None:
        refusal = error(
            _(
                "The %(year)s school year is closed: say why this record changes. The reason "
                "is kept in its history and listed as a revision in the year's report."
            )
            % {"year": year.label}
        )
        # Set after construction: the apps' errors take their field in different ways.
        refusal.field = field
        raise refusal
    return reason


def has_closed_year(district: District | int, years: Iterable[SchoolYear] | None = None) -> bool:
    """Whether the district (or one of `years`) has a closed school year."""
    district_id = district.pk if isinstance(district, District) else district
    closed = SchoolYear.objects.filter(district_id=district_id, closed_at__isnull=False)
    if years is not None:
        closed = closed.filter(pk__in=[year.pk for year in years])
    return closed.exists()


def add_reason_field(form: forms.BaseForm, *, required: bool = False, name: str = "reason") -> None:
    """Give a form the "Reason for the change" field a record of a closed year needs.

    Shown only when a closed year is concerned (the caller decides); optional when the form can
    also save records of open years (the service then asks for it on the field when needed).
    `name` is the field's name when the record has a "reason" of its own (an incidents call).
    """
    form.fields[name] = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=required,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Needed for a record of a closed school year: kept in its history and listed as "
            "a revision in the year's report."
        ),
    )
    if isinstance(form, SensitiveTextMixin):  # free text: the R-15 warning covers it too
        form.sensitive_fields = (*form.sensitive_fields, name)
