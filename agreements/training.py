"""Training compliance (R-04): each component's state for a staff member on a given day.

Computed from records already fetched (prefetch `training_records` and `esd_documents`), so a
page listing many staff members runs a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.models import (
    CHECK_INS_REQUIRED,
    CLASSROOM_DUE_MONTHS,
    ON_THE_JOB_DAYS_REQUIRED,
    ON_THE_JOB_DUE_MONTHS,
    StaffMember,
    TrainingRecord,
    TrainingTopic,
    add_months,
)


class State:
    DONE = "done"
    # Complete, but its last required record came after the component's due date.
    DONE_LATE = "done_late"
    ESD = "esd"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    NOT_REQUIRED = "not_required"


STATE_LABELS = {
    State.DONE: _("Done"),
    State.DONE_LATE: _("Done late"),
    State.ESD: _("Documented by ESD"),
    State.DUE: _("Due"),
    State.OVERDUE: _("Overdue"),
    State.NOT_STARTED: _("No first day yet"),
    State.NOT_REQUIRED: _("Not required"),
}
STATE_TONES = {
    State.DONE: "success",
    State.DONE_LATE: "warning",
    State.ESD: "success",
    State.DUE: "info",
    State.OVERDUE: "danger",
    State.NOT_STARTED: "secondary",
    State.NOT_REQUIRED: "secondary",
}


COMPLETE_STATES = frozenset({State.DONE, State.DONE_LATE, State.ESD, State.NOT_REQUIRED})


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    state: str
    done: int
    required: int
    due_on: datetime.date | None
    completed_on: datetime.date | None

    @property
    def days_late(self) -> int:
        """How many days after its due date the component was completed (0 when on time)."""
        if self.state != State.DONE_LATE or self.completed_on is None or self.due_on is None:
            return 0
        return (self.completed_on - self.due_on).days

    @property
    def state_label(self) -> str:
        if self.state == State.DONE_LATE:
            return done_late_label(self.days_late)
        return str(STATE_LABELS[self.state])

    @property
    def tone(self) -> str:
        return STATE_TONES[self.state]


def done_late_label(days: int) -> str:
    """ "Done late (N days)": what a late component or staff member shows."""
    return ngettext("Done late (%(days)s day)", "Done late (%(days)s days)", days) % {"days": days}


@dataclass(frozen=True)
class TrainingStatus:
    components: tuple[Component, ...]
    esd_documented: bool
    missing_topics: tuple[str, ...]

    @property
    def overdue(self) -> bool:
        return any(c.state == State.OVERDUE for c in self.components)

    @property
    def complete(self) -> bool:
        """Every component done (on time or late), documented by the ESD or not required."""
        return all(c.state in COMPLETE_STATES for c in self.components)

    @property
    def late(self) -> bool:
        return any(c.state == State.DONE_LATE for c in self.components)

    @property
    def days_late(self) -> int:
        """The most days any component was completed after its due date."""
        return max((c.days_late for c in self.components), default=0)

    @property
    def overall(self) -> str:
        if self.overdue:
            return State.OVERDUE
        if self.esd_documented:
            return State.ESD
        if self.complete:
            return State.DONE_LATE if self.late else State.DONE
        if all(c.state in (State.NOT_STARTED, State.NOT_REQUIRED) for c in self.components):
            return State.NOT_STARTED
        return State.DUE

    @property
    def overall_label(self) -> str:
        if self.overall == State.DONE_LATE:
            return done_late_label(self.days_late)
        return str(STATE_LABELS[self.overall])

    @property
    def overall_tone(self) -> str:
        return STATE_TONES[self.overall]


def _state(
    done: int,
    required: int,
    due_on: datetime.date | None,
    esd: bool,
    today: datetime.date,
    completed_on: datetime.date | None = None,
) -> str:
    """The one rule for a component's state, from how many are done, when they are due and
    when the last required one was done (after the due date: done late)."""
    if done >= required:
        if due_on is not None and completed_on is not None and completed_on > due_on:
            return State.DONE_LATE
        return State.DONE
    if esd:
        return State.ESD
    if due_on is None:
        return State.NOT_STARTED
    if today > due_on:
        return State.OVERDUE
    return State.DUE


def _component(
    key: str,
    label: str,
    dates: list[datetime.date],
    required: int,
    due_on: datetime.date | None,
    esd: bool,
    today: datetime.date,
) -> Component:
    dates = sorted(dates)
    done = len(dates)
    completed_on = dates[required - 1] if done >= required else None
    state = _state(done, required, due_on, esd, today, completed_on)
    return Component(key, label, state, min(done, required), required, due_on, completed_on)


def status_from_counts(staff_member: StaffMember, today: datetime.date) -> TrainingStatus:
    """`training_status(...)` without loading training records, for a staff member annotated by
    `StaffMember.objects.with_training_counts(today)`: the same rule (`_state` per component,
    done late included, with each component's due and completion dates), for dashboards and
    reports over many staff. The annual report's training section calls this per staff member
    and counts `overall` (State.DONE on time, State.DONE_LATE late)."""
    first_day = staff_member.first_day_on_campus
    classroom_due = add_months(first_day, CLASSROOM_DUE_MONTHS) if first_day else None
    year_due = add_months(first_day, ON_THE_JOB_DUE_MONTHS) if first_day else None
    esd = staff_member.esd_documented
    counts = [
        (
            "classroom",
            staff_member.classroom_topics,
            len(TrainingTopic.values),
            classroom_due,
            getattr(staff_member, "classroom_completed_on", None),
        ),
        (
            "on_the_job",
            staff_member.on_the_job_days,
            ON_THE_JOB_DAYS_REQUIRED,
            year_due,
            getattr(staff_member, "on_the_job_completed_on", None),
        ),
    ]
    if not staff_member.is_sro:
        counts.append(
            (
                "check_ins",
                staff_member.check_ins,
                CHECK_INS_REQUIRED,
                year_due,
                getattr(staff_member, "check_ins_completed_on", None),
            )
        )
    components = [
        Component(
            key,
            key,
            _state(done, required, due_on, esd, today, completed_on),
            min(done, required),
            required,
            due_on,
            completed_on if done >= required else None,
        )
        for key, done, required, due_on, completed_on in counts
    ]
    if staff_member.is_sro:
        components.append(Component("check_ins", "check_ins", State.NOT_REQUIRED, 0, 0, None, None))
    return TrainingStatus(tuple(components), esd, ())


def overdue_from_counts(staff_member: StaffMember, today: datetime.date) -> bool:
    """`training_status(...).overdue` from the counts (see `status_from_counts`)."""
    return status_from_counts(staff_member, today).overdue


def training_status(staff_member: StaffMember, today: datetime.date) -> TrainingStatus:
    """Uses `staff_member.training_records.all()` and `esd_documents.all()` (prefetch them).
    Voided records count for nothing."""
    records = [r for r in staff_member.training_records.all() if r.voided_at is None]
    esd = any(
        d.issued_on <= today and d.voided_at is None for d in staff_member.esd_documents.all()
    )
    first_day = staff_member.first_day_on_campus
    classroom_due = add_months(first_day, CLASSROOM_DUE_MONTHS) if first_day else None
    year_due = add_months(first_day, ON_THE_JOB_DUE_MONTHS) if first_day else None
    topics = {r.topic: r.completed_on for r in records if r.kind == TrainingRecord.Kind.CLASSROOM}
    components = [
        _component(
            "classroom",
            str(_("Classroom series (13 topics)")),
            list(topics.values()),
            len(TrainingTopic.values),
            classroom_due,
            esd,
            today,
        ),
        _component(
            "on_the_job",
            str(_("On-the-job training days")),
            [r.completed_on for r in records if r.kind == TrainingRecord.Kind.ON_THE_JOB],
            ON_THE_JOB_DAYS_REQUIRED,
            year_due,
            esd,
            today,
        ),
    ]
    if staff_member.is_sro:
        components.append(
            Component(
                "check_ins",
                str(_("Check-ins")),
                State.NOT_REQUIRED,
                0,
                0,
                None,
                None,
            )
        )
    else:
        components.append(
            _component(
                "check_ins",
                str(_("Check-ins")),
                [r.completed_on for r in records if r.kind == TrainingRecord.Kind.CHECK_IN],
                CHECK_INS_REQUIRED,
                year_due,
                esd,
                today,
            )
        )
    missing = tuple(
        str(label) for code, label in TrainingTopic.choices if code not in topics and not esd
    )
    return TrainingStatus(tuple(components), esd, missing)
