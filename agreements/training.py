"""Training compliance (R-04): each component's state for a staff member on a given day.

Computed from records already fetched (prefetch `training_records` and `esd_documents`), so a
page listing many staff members runs a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

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
    ESD = "esd"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    NOT_REQUIRED = "not_required"


STATE_LABELS = {
    State.DONE: _("Done"),
    State.ESD: _("Documented by ESD"),
    State.DUE: _("Due"),
    State.OVERDUE: _("Overdue"),
    State.NOT_STARTED: _("No first day yet"),
    State.NOT_REQUIRED: _("Not required"),
}
STATE_TONES = {
    State.DONE: "success",
    State.ESD: "success",
    State.DUE: "info",
    State.OVERDUE: "danger",
    State.NOT_STARTED: "secondary",
    State.NOT_REQUIRED: "secondary",
}


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
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def tone(self) -> str:
        return STATE_TONES[self.state]


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
        return all(c.state in (State.DONE, State.ESD, State.NOT_REQUIRED) for c in self.components)

    @property
    def overall(self) -> str:
        if self.overdue:
            return State.OVERDUE
        if self.esd_documented:
            return State.ESD
        if self.complete:
            return State.DONE
        if all(c.state in (State.NOT_STARTED, State.NOT_REQUIRED) for c in self.components):
            return State.NOT_STARTED
        return State.DUE

    @property
    def overall_label(self) -> str:
        return str(STATE_LABELS[self.overall])

    @property
    def overall_tone(self) -> str:
        return STATE_TONES[self.overall]


def _state(
    done: int, required: int, due_on: datetime.date | None, esd: bool, today: datetime.date
) -> str:
    """The one rule for a component's state, from how many are done and when they are due."""
    if done >= required:
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
    state = _state(done, required, due_on, esd, today)
    return Component(key, label, state, min(done, required), required, due_on, completed_on)


def status_from_counts(staff_member: StaffMember, today: datetime.date) -> TrainingStatus:
    """`training_status(...)` with states only (no dates or counts shown) for a staff member
    annotated by `StaffMember.objects.with_training_counts(today)`, without loading training
    records: the same rule (`_state` per component), for dashboards and reports over many staff."""
    first_day = staff_member.first_day_on_campus
    classroom_due = add_months(first_day, CLASSROOM_DUE_MONTHS) if first_day else None
    year_due = add_months(first_day, ON_THE_JOB_DUE_MONTHS) if first_day else None
    esd = staff_member.esd_documented
    counts = [
        ("classroom", staff_member.classroom_topics, len(TrainingTopic.values), classroom_due),
        ("on_the_job", staff_member.on_the_job_days, ON_THE_JOB_DAYS_REQUIRED, year_due),
    ]
    if not staff_member.is_sro:
        counts.append(("check_ins", staff_member.check_ins, CHECK_INS_REQUIRED, year_due))
    components = [
        Component(key, key, _state(done, required, due_on, esd, today), 0, 0, None, None)
        for key, done, required, due_on in counts
    ]
    if staff_member.is_sro:
        components.append(Component("check_ins", "check_ins", State.NOT_REQUIRED, 0, 0, None, None))
    return TrainingStatus(tuple(components), esd, ())


def overdue_from_counts(staff_member: StaffMember, today: datetime.date) -> bool:
    """`training_status(...).overdue` from the counts (see `status_from_counts`)."""
    return status_from_counts(staff_member, today).overdue


def training_status(staff_member: StaffMember, today: datetime.date) -> TrainingStatus:
    """Uses `staff_member.training_records.all()` and `esd_documents.all()` (prefetch them)."""
    records = list(staff_member.training_records.all())
    esd = any(d.issued_on <= today for d in staff_member.esd_documents.all())
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
