"""Revisions to a closed school year: every change, kept by django-simple-history, made after the
year was closed to a record the year's report counts (calls and their students and activities,
interventions, restraint reports, complaints and their allegations, staff assignments and
training, notice deliveries, enrollment). The annual report lists them (who, when, what, why),
so a figure that moved after closing is never silent (issue #13).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from agreements.models import StaffAssignment, TrainingRecord
from complaints.models import Allegation, Complaint
from incidents.models import (
    Call,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintReport,
    StudentInvolved,
)
from notices.models import Delivery
from srp.models import Enrollment, SchoolYear

# How many revisions the report lists at most (the history page and its CSV keep them all).
LIMIT = 500
# Bookkeeping no reader needs in a revision.
SKIPPED_FIELDS = {"id", "created_at", "updated_at", "token_hash", "status_token"}


def _sources(
    school_year: SchoolYear, school_ids: frozenset[int] | None
) -> list[tuple[type[models.Model], models.QuerySet]]:
    """Each counted model with the ids of its records that belong to the year's report."""
    from reports.selectors import year_bounds

    start, end = year_bounds(school_year)
    district_id = school_year.district_id

    def schools(queryset: models.QuerySet, field: str = "school_id") -> models.QuerySet:
        return queryset if school_ids is None else queryset.filter(**{f"{field}__in": school_ids})

    calls = schools(
        Call.objects.filter(district_id=district_id, occurred_at__gte=start, occurred_at__lt=end)
    )
    complaints = schools(
        Complaint.objects.filter(
            district_id=district_id, received_at__gte=start, received_at__lt=end
        )
    )
    assignments = schools(StaffAssignment.objects.filter(school_year=school_year))
    return [
        (Call, calls),
        (StudentInvolved, StudentInvolved.objects.filter(call__in=calls.values("pk"))),
        (
            LawEnforcementActivity,
            LawEnforcementActivity.objects.filter(call__in=calls.values("pk")),
        ),
        (
            InterventionRequest,
            schools(
                InterventionRequest.objects.filter(
                    district_id=district_id, requested_at__gte=start, requested_at__lt=end
                )
            ),
        ),
        (
            RestraintReport,
            schools(
                RestraintReport.objects.filter(
                    district_id=district_id, occurred_at__gte=start, occurred_at__lt=end
                )
            ),
        ),
        (Complaint, complaints),
        (Allegation, Allegation.objects.filter(complaint__in=complaints.values("pk"))),
        (StaffAssignment, assignments),
        (
            TrainingRecord,
            TrainingRecord.objects.filter(
                staff_member__in=assignments.values("staff_member_id"),
                completed_on__lte=school_year.ends_on,
            ),
        ),
        (Delivery, schools(Delivery.objects.filter(school_year=school_year))),
        (Enrollment, schools(Enrollment.objects.filter(school_year=school_year))),
    ]


def _who(user: Any) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.email or user.get_username()


def _shown(field: models.Field, value: Any) -> str:
    """A stored value as a reader sees it: a choice's label, Yes/No, a date."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _record_name(model: type[models.Model], record: Any) -> str:
    reference = getattr(record, "call_ref", "") or getattr(record, "reference", "")
    name = str(capfirst(model._meta.verbose_name))
    return f"{name} {reference}" if reference else f"{name} #{record.id}"


def _changes(model: type[models.Model], record: Any) -> list[dict[str, str]]:
    previous = record.prev_record
    if record.history_type == "+" or previous is None:
        return []
    fields = {f.name: f for f in model._meta.concrete_fields}
    changes = []
    for change in record.diff_against(previous).changes:
        field = fields.get(change.field)
        if field is None or change.field in SKIPPED_FIELDS:
            continue
        label = str(capfirst(field.verbose_name))
        if field.is_relation:
            # A related record's id means nothing to a reader: name the field only.
            changes.append({"field": label, "old": "", "new": ""})
        else:
            changes.append(
                {"field": label, "old": _shown(field, change.old), "new": _shown(field, change.new)}
            )
    return changes


def revisions_since_close(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None = None
) -> list[dict[str, Any]]:
    """Every change made after the year was closed to a record its report counts, oldest first
    (empty for a year that is not closed). Each: when, who, record, action, the fields changed
    with their old and new values, and the reason given."""
    closed_at = school_year.closed_at
    if closed_at is None:
        return []
    actions = {"+": _("Added"), "~": _("Corrected"), "-": _("Deleted")}
    found: list[tuple[datetime.datetime, int, type[models.Model], Any]] = []
    for model, records in _sources(school_year, school_ids):
        history = model.history.filter(  # type: ignore[attr-defined]
            history_date__gte=closed_at, id__in=records.values("pk")
        ).select_related("history_user")
        found.extend(
            (r.history_date, r.history_id, model, r)
            for r in history.order_by("history_date")[:LIMIT]
        )
    found.sort(key=lambda item: (item[0], str(item[2]), item[1]))
    revisions = []
    for when, _history_id, model, record in found[:LIMIT]:
        changes = _changes(model, record)
        if record.history_type == "~" and not changes and not record.history_change_reason:
            continue  # saved without a change a reader would see
        revisions.append(
            {
                "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
                "who": _who(record.history_user),
                "record_type": str(capfirst(model._meta.verbose_name)),
                "record": _record_name(model, record),
                "action": actions.get(record.history_type, record.history_type),
                "changes": changes,
                "reason": record.history_change_reason or "",
            }
        )
    return revisions
