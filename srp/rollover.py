"""Rolling a district's school year over into the next (issue #14 item 4).

The rollover creates the new year from the last one's pattern (the same weekdays, 52 weeks
later, dates editable before confirming), copies its calendar (`srp.schooldays.copy_calendar`)
and runs every registered `srp.registry.RolloverStep` in ONE transaction: the apps carry
forward what they own (staff assignments to confirm, each school's notice with all its
translations, the annual review of every agreement in force; `srp` itself the enrollment).
A failing step undoes everything. A `YearRollover` record, unique per year rolled from and per
year rolled into, makes a second run a clear refusal instead of duplicates.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from srp.history import as_done_by
from srp.models import District, Enrollment, School, SchoolYear, User, YearRollover
from srp.registry import RolloverStep, RolloverSummary, registry
from srp.services import SrpError

logger = logging.getLogger(__name__)

# The new year's days fall on the same weekdays as last year's: 52 weeks later.
PATTERN_SHIFT = datetime.timedelta(days=364)
# From 1 May the dashboard offers the next year's rollover.
OFFER_FROM_MONTH = 5


class RolloverError(SrpError):
    """The rollover cannot run (already done, bad dates, a step failed); nothing was changed."""


@dataclass(frozen=True)
class RolloverPlan:
    """What a rollover would do: from which year into which label, on which days.

    `to_year` is the existing target when the next year was added by hand before its first
    instructional day (the rollover then fills it), else None (the rollover creates it)."""

    district: District
    from_year: SchoolYear
    label: str
    first_instructional_day: datetime.date
    last_instructional_day: datetime.date
    to_year: SchoolYear | None = None


@dataclass(frozen=True)
class StepPreview:
    key: str
    label: str
    summary: RolloverSummary


def next_label(label: str) -> str:
    """`2026-27` -> `2027-28`."""
    first = int(label[:4]) + 1
    return f"{first}-{(first + 1) % 100:02d}"


def previous_label(label: str) -> str:
    first = int(label[:4]) - 1
    return f"{first}-{(first + 1) % 100:02d}"


def shifted(day: datetime.date, to_label: str) -> datetime.date:
    """The same weekday 52 weeks later, kept inside the target year's 1 July - 30 June span."""
    starts_on, ends_on = SchoolYear.span_for_label(to_label)
    new = day + PATTERN_SHIFT
    while new < starts_on:
        new += datetime.timedelta(days=7)
    while new > ends_on:
        new -= datetime.timedelta(days=7)
    return new


def rollover_plan(district: District, on: datetime.date | None = None) -> RolloverPlan | None:
    """The rollover a program administrator may run now, or None (the district has no year).

    Normally the latest year rolls into the next label. When the next year was added by hand
    and has not begun (its first instructional day is still ahead) and nothing was rolled into
    it, the plan fills that year from the one before it."""
    on = on or timezone.localdate()
    years = list(SchoolYear.objects.filter(district=district).order_by("-starts_on")[:2])
    if not years:
        return None
    latest = years[0]
    if (
        len(years) == 2
        and years[1].label == previous_label(latest.label)
        and on < latest.first_instructional_day
        and not YearRollover.objects.filter(to_year=latest).exists()
        and not YearRollover.objects.filter(from_year=years[1]).exists()
    ):
        return RolloverPlan(
            district=district,
            from_year=years[1],
            label=latest.label,
            first_instructional_day=latest.first_instructional_day,
            last_instructional_day=latest.last_instructional_day,
            to_year=latest,
        )
    label = next_label(latest.label)
    return RolloverPlan(
        district=district,
        from_year=latest,
        label=label,
        first_instructional_day=shifted(latest.first_instructional_day, label),
        last_instructional_day=shifted(latest.last_instructional_day, label),
    )


def rollover_due(plan: RolloverPlan | None, on: datetime.date | None = None) -> bool:
    """Whether the dashboard offers the plan: from 1 May of the year being rolled from's spring,
    or at once when the next year was already added by hand."""
    if plan is None:
        return False
    if plan.to_year is not None:
        return True
    on = on or timezone.localdate()
    return on >= datetime.date(plan.from_year.ends_on.year, OFFER_FROM_MONTH, 1)


def _target(plan: RolloverPlan, first: datetime.date, last: datetime.date) -> SchoolYear:
    """The new year as it will be saved (unsaved when the rollover creates it)."""
    year = plan.to_year or SchoolYear(district=plan.district, label=plan.label)
    year.first_instructional_day = first
    year.last_instructional_day = last
    year.starts_on, year.ends_on = SchoolYear.span_for_label(plan.label)
    return year


def check_dates(label: str, first: datetime.date, last: datetime.date) -> None:
    """The year's dates lie in its 1 July - 30 June span and the last comes after the first."""
    starts_on, ends_on = SchoolYear.span_for_label(label)
    errors: dict[str, Any] = {}
    span = {"year": label, "start": starts_on.isoformat(), "end": ends_on.isoformat()}
    message = _("This day is outside the %(year)s school year (%(start)s to %(end)s).") % span
    if not starts_on <= first <= ends_on:
        errors["first_instructional_day"] = message
    if not starts_on <= last <= ends_on:
        errors["last_instructional_day"] = message
    if not errors and last <= first:
        errors["last_instructional_day"] = _("The last day must come after the first.")
    if errors:
        raise RolloverError(next(iter(errors.values())), field_errors=errors)


def steps() -> list[RolloverStep]:
    return sorted(registry.rollover_steps, key=lambda step: step.order)


def preview(
    plan: RolloverPlan,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[StepPreview]:
    """Every step's summary of what it would do; nothing is written."""
    target = _target(
        plan, first or plan.first_instructional_day, last or plan.last_instructional_day
    )
    return [
        StepPreview(step.key, str(step.label), step.preview(plan.from_year, target))
        for step in steps()
    ]


def already_done_error(done: YearRollover) -> RolloverError:
    return RolloverError(
        _(
            "%(from)s was already rolled over into %(to)s on %(day)s: nothing was changed. "
            "Open the result to confirm what was carried forward."
        )
        % {
            "from": done.from_year.label,
            "to": done.to_year.label,
            "day": timezone.localtime(done.at).date().isoformat(),
        }
    )


def done_rollover(from_year: SchoolYear) -> YearRollover | None:
    return (
        YearRollover.objects.filter(from_year=from_year)
        .select_related("from_year", "to_year", "by")
        .first()
    )


def run_rollover(
    *,
    plan: RolloverPlan,
    first_instructional_day: datetime.date,
    last_instructional_day: datetime.date,
    by: User,
) -> YearRollover:
    """Create (or fill) the new year, copy its calendar and run every step, all in one
    transaction. Refused with a message when the year was already rolled over (also when two
    administrators confirm at once: the database's unique record decides), when the dates do
    not fit the year, or when a step fails (nothing is kept)."""
    from srp.schooldays import copy_calendar

    check_dates(plan.label, first_instructional_day, last_instructional_day)
    with transaction.atomic():
        # Serialise rollovers of the same year: the second waits, then finds the record.
        from_year = SchoolYear.objects.select_for_update().get(pk=plan.from_year.pk)
        done = done_rollover(from_year)
        if done is not None:
            raise already_done_error(done)
        target = plan.to_year
        if target is None:
            if SchoolYear.objects.filter(district=plan.district, label=plan.label).exists():
                raise RolloverError(
                    _("The %(year)s school year exists already: open the rollover page again.")
                    % {"year": plan.label}
                )
            target = SchoolYear(district=plan.district, label=plan.label)
        else:
            target = SchoolYear.objects.select_for_update().get(pk=target.pk)
            if YearRollover.objects.filter(to_year=target).exists():
                raise RolloverError(
                    _("Something was already rolled over into %(year)s: nothing was changed.")
                    % {"year": target.label}
                )
        target.first_instructional_day = first_instructional_day
        target.last_instructional_day = last_instructional_day
        as_done_by(target, by, f"rollover from {from_year.label}").save()
        try:
            with transaction.atomic():
                record = YearRollover.objects.create(
                    district=plan.district, from_year=from_year, to_year=target, by=by
                )
        except IntegrityError:
            raise RolloverError(
                _("This school year was already rolled over: nothing was changed.")
            ) from None
        days = copy_calendar(from_year, target, by=by)
        summary: list[dict[str, Any]] = [
            {
                "key": "srp.calendar",
                "label": str(gettext_lazy("School calendar")),
                "counts": {"days": days},
                "lines": [
                    _("%(count)s non-instructional days or breaks copied from %(year)s.")
                    % {"count": days, "year": from_year.label}
                ],
            }
        ]
        for step in steps():
            try:
                result = step.run(from_year, target, by)
            except RolloverError:
                raise
            except Exception as exc:
                logger.exception("rollover step %s failed", step.key)
                raise RolloverError(
                    _("The step “%(step)s” failed, so nothing was changed: %(error)s")
                    % {"step": step.label, "error": getattr(exc, "text", None) or str(exc)}
                ) from exc
            summary.append(
                {
                    "key": step.key,
                    "label": str(step.label),
                    "counts": dict(result["counts"]),
                    "lines": list(result["lines"]),
                }
            )
        record.summary = summary
        as_done_by(record, by, "rollover run").save()
    return record


# The enrollment step (srp's own records) --------------------------------------------------------
def _enrollment_rows(
    from_year: SchoolYear, to_year: SchoolYear
) -> tuple[list[Enrollment], set[int]]:
    last = list(
        Enrollment.objects.filter(
            school_year=from_year, school__district_id=from_year.district_id, school__active=True
        )
        .select_related("school")
        .order_by("school__name")
    )
    recorded: set[int] = set()
    if to_year.pk is not None:
        recorded = set(
            Enrollment.objects.filter(school_year=to_year).values_list("school_id", flat=True)
        )
    return last, recorded


def _enrollment_summary(copied: int, kept: int, missing: int, year: str) -> RolloverSummary:
    lines = [
        _(
            "%(count)s schools get last year's count as a draft, marked “draft — confirm” "
            "until the %(year)s count is recorded or imported from the SIS."
        )
        % {"count": copied, "year": year}
    ]
    if kept:
        lines.append(
            _("%(count)s schools keep the %(year)s count already recorded (from the SIS or typed).")
            % {"count": kept, "year": year}
        )
    if missing:
        lines.append(
            _("%(count)s active schools had no count last year: record theirs on the school page.")
            % {"count": missing}
        )
    return {"counts": {"copied": copied, "kept": kept, "missing": missing}, "lines": lines}


def _missing_schools(from_year: SchoolYear, counted: set[int]) -> int:
    return (
        School.objects.filter(district_id=from_year.district_id)
        .active()
        .exclude(pk__in=counted)
        .count()
    )


def enrollment_preview(from_year: SchoolYear, to_year: SchoolYear) -> RolloverSummary:
    last, recorded = _enrollment_rows(from_year, to_year)
    copied = sum(1 for row in last if row.school_id not in recorded)
    counted = {row.school_id for row in last} | recorded
    return _enrollment_summary(
        copied, len(recorded), _missing_schools(from_year, counted), to_year.label
    )


def enrollment_run(from_year: SchoolYear, to_year: SchoolYear, by: User) -> RolloverSummary:
    """Last year's count of each active school as the new year's draft, unless the new year
    already has a count (imported from the SIS or typed), which is kept."""
    last, recorded = _enrollment_rows(from_year, to_year)
    copied = 0
    for row in last:
        if row.school_id in recorded:
            continue
        draft = Enrollment(
            school=row.school, school_year=to_year, students=row.students, draft=True
        )
        as_done_by(draft, by, f"draft copied from {from_year.label}").save()
        copied += 1
    counted = {row.school_id for row in last} | recorded
    return _enrollment_summary(
        copied, len(recorded), _missing_schools(from_year, counted), to_year.label
    )


def register() -> None:
    """Called from `SrpConfig.ready()`."""
    registry.add_rollover_step(
        RolloverStep(
            key="srp.enrollment",
            label=gettext_lazy("Enrollment"),
            preview=enrollment_preview,
            run=enrollment_run,
            order=10,
        )
    )
