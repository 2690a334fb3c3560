"""The agreements app's part of the school-year rollover (`srp.rollover`, issue #14 item 4).

Two steps: the assignments of active staff are carried forward into the new year, each marked
"carried forward — to confirm" (it counts at once, so the staff member keeps their schools, and
waits for a program administrator to confirm it or end it); and the annual review of every
agreement in force is opened for the new year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import MAX_DAYS_PER_WEEK, Agreement, AnnualReview, StaffAssignment
from agreements.services import AgreementError, staff_assignment_end
from srp.history import as_done_by
from srp.models import SchoolYear, User
from srp.registry import RolloverStep, RolloverSummary, registry


# Staff assignments ------------------------------------------------------------------------------
def _assignment_plan(
    from_year: SchoolYear, to_year: SchoolYear
) -> tuple[list[StaffAssignment], dict[str, int]]:
    """The assignments to carry forward, and how many are left behind and why."""
    rows = list(
        StaffAssignment.objects.filter(
            school_year=from_year, staff_member__district_id=from_year.district_id
        )
        .select_related("staff_member", "school")
        .order_by("staff_member__last_name", "staff_member__first_name", "school__name", "pk")
    )
    taken: set[tuple[int, int]] = set()
    week: dict[int, Decimal] = defaultdict(Decimal)
    if to_year.pk is not None:
        for staff_id, school_id, ended_on, days in StaffAssignment.objects.filter(
            school_year=to_year
        ).values_list("staff_member_id", "school_id", "ended_on", "days_per_week"):
            taken.add((staff_id, school_id))
            if ended_on is None:
                week[staff_id] += days
    counts = {"carried": 0, "already": 0, "ended": 0, "inactive": 0, "school_closed": 0, "week": 0}
    carry: list[StaffAssignment] = []
    for row in rows:
        member = row.staff_member
        if row.ended_on is not None:
            counts["ended"] += 1
        elif member.active_until is not None and member.active_until < to_year.starts_on:
            counts["inactive"] += 1
        elif not row.school.active:
            counts["school_closed"] += 1
        elif (member.pk, row.school_id) in taken:
            counts["already"] += 1
        elif week[member.pk] + row.days_per_week > MAX_DAYS_PER_WEEK:
            counts["week"] += 1
        else:
            week[member.pk] += row.days_per_week
            taken.add((member.pk, row.school_id))
            carry.append(row)
            counts["carried"] += 1
    return carry, counts


def _assignment_summary(counts: dict[str, int], to_label: str) -> RolloverSummary:
    lines = [
        _(
            "%(count)s assignments of active staff carried forward into %(year)s, marked "
            "“carried forward — to confirm”: they count at once, and you confirm or end each."
        )
        % {"count": counts["carried"], "year": to_label}
    ]
    more = (
        ("already", _("%(count)s already assigned in the new year (kept as they are).")),
        ("ended", _("%(count)s ended during the year (not carried forward).")),
        ("inactive", _("%(count)s of staff no longer active by then (not carried forward).")),
        ("school_closed", _("%(count)s at schools no longer active (not carried forward).")),
        ("week", _("%(count)s would make more than 5 days a week (not carried forward).")),
    )
    for key, text in more:
        if counts[key]:
            lines.append(text % {"count": counts[key]})
    return {"counts": counts, "lines": lines}


def assignments_preview(from_year: SchoolYear, to_year: SchoolYear) -> RolloverSummary:
    _carry, counts = _assignment_plan(from_year, to_year)
    return _assignment_summary(counts, to_year.label)


def assignments_run(from_year: SchoolYear, to_year: SchoolYear, by: User) -> RolloverSummary:
    carry, counts = _assignment_plan(from_year, to_year)
    for row in carry:
        new = StaffAssignment(
            staff_member=row.staff_member,
            school=row.school,
            school_year=to_year,
            days_per_week=row.days_per_week,
            carried_forward_from=row,
        )
        as_done_by(new, by, f"carried forward from {from_year.label}").save()
    return _assignment_summary(counts, to_year.label)


def staff_assignment_confirm(*, assignment: StaffAssignment, by: User) -> StaffAssignment:
    """A program administrator confirms an assignment the rollover carried forward."""
    with transaction.atomic():
        locked = StaffAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.carried_forward_from_id is None:
            raise AgreementError(_("This assignment was not carried forward: nothing to confirm."))
        if locked.ended_on is not None:
            raise AgreementError(
                _("This assignment ended on %(date)s: it cannot be confirmed.")
                % {"date": locked.ended_on.isoformat()}
            )
        if locked.confirmed_at is not None:
            raise AgreementError(_("This assignment is confirmed already."))
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = by
        as_done_by(locked, by, "carried forward: confirmed").save()
    return locked


def staff_assignment_end_carried(*, assignment: StaffAssignment, by: User) -> StaffAssignment:
    """End an assignment the rollover carried forward that will not go on: through the usual
    end service, on the later of today and the first day of its year."""
    if assignment.carried_forward_from_id is None:
        raise AgreementError(
            _("This assignment was not carried forward: end it on the staff page.")
        )
    year = assignment.school_year
    ended_on: datetime.date = min(max(timezone.localdate(), year.starts_on), year.ends_on)
    return staff_assignment_end(
        assignment=assignment, by=by, ended_on=ended_on, reason="carried forward: not confirmed"
    )


def assignments_to_confirm(to_year: SchoolYear) -> dict[str, Any]:
    """For the rollover's result page: what waits for confirmation, and how many are done."""
    carried = StaffAssignment.objects.filter(
        school_year=to_year, carried_forward_from__isnull=False
    )
    waiting = list(
        carried.to_confirm()
        .select_related("staff_member", "staff_member__employer", "school")
        .order_by("staff_member__last_name", "staff_member__first_name", "school__name")
    )
    done = carried.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        ended=Count("pk", filter=Q(ended_on__isnull=False)),
    )
    return {
        "year": to_year,
        "waiting": waiting,
        "confirmed": done["confirmed"] or 0,
        "ended": done["ended"] or 0,
    }


# Annual reviews ----------------------------------------------------------------------------------
def _agreements_to_review(
    from_year: SchoolYear, to_year: SchoolYear
) -> tuple[list[Agreement], int]:
    """The agreements in force on the new year's first instructional day, and how many of them
    already have the new year's review."""
    agreements = list(
        Agreement.objects.filter(district_id=from_year.district_id)
        .in_force(to_year.first_instructional_day)
        .select_related("provider")
        .order_by("provider__name", "title", "pk")
    )
    reviewed: set[int] = set()
    if to_year.pk is not None:
        reviewed = set(
            AnnualReview.objects.filter(school_year=to_year).values_list("agreement_id", flat=True)
        )
    return [a for a in agreements if a.pk not in reviewed], len(reviewed)


def _review_summary(opened: list[Agreement], already: int, to_label: str) -> RolloverSummary:
    lines = [
        _("The %(year)s annual review opens for %(count)s agreements in force.")
        % {"year": to_label, "count": len(opened)}
    ]
    lines += [f"{a.provider.name}: {a.title}" for a in opened]
    if already:
        lines.append(_("%(count)s already have their review for this year.") % {"count": already})
    return {"counts": {"opened": len(opened), "already": already}, "lines": lines}


def reviews_preview(from_year: SchoolYear, to_year: SchoolYear) -> RolloverSummary:
    agreements, already = _agreements_to_review(from_year, to_year)
    return _review_summary(agreements, already, to_year.label)


def reviews_run(from_year: SchoolYear, to_year: SchoolYear, by: User) -> RolloverSummary:
    agreements, already = _agreements_to_review(from_year, to_year)
    for agreement in agreements:
        review = AnnualReview(agreement=agreement, school_year=to_year)
        as_done_by(review, by, f"opened by the rollover from {from_year.label}").save()
    return _review_summary(agreements, already, to_year.label)


def register() -> None:
    """Called from `AgreementsConfig.ready()`."""
    registry.add_rollover_step(
        RolloverStep(
            key="agreements.assignments",
            label=gettext_lazy("Staff assignments"),
            preview=assignments_preview,
            run=assignments_run,
            order=20,
            result_template="agreements/rollover_assignments.html",
            result_context=assignments_to_confirm,
        )
    )
    registry.add_rollover_step(
        RolloverStep(
            key="agreements.reviews",
            label=gettext_lazy("Annual reviews of agreements"),
            preview=reviews_preview,
            run=reviews_run,
            order=40,
        )
    )
