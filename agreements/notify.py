"""Who is told when training or an agreement waits on them (issue #14 item 5), through
`notifications`: training due within 30 days or overdue, an agreement ending within 60 days,
an annual review due or late. Daily reminders; each notice once per recipient and due date."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, StaffAssignment, StaffMember
from agreements.training import COMPLETE_STATES, State, status_from_counts
from notifications import kinds
from notifications.services import notify
from srp.models import District, Membership, User
from srp.roles import Role

if TYPE_CHECKING:
    from srp.scope import Scope

TRAINING_DUE_DAYS = 30
AGREEMENT_ENDING_DAYS = 60


def program_admins(district_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(
                district_id=district_id, role=Role.PROGRAM_ADMIN
            ),
        ).distinct()
    )


def training_recipients(staff: StaffMember, today: datetime.date) -> list[User]:
    """The staff member's supervisors: principals of the schools they work at this year, their
    employer's liaisons (contract staff), and the program administrators."""
    year = staff.district.current_school_year(today)
    schools = (
        StaffAssignment.objects.filter(staff_member=staff, school_year=year)
        .active_on(today)
        .values("school_id")
        if year is not None
        else StaffAssignment.objects.none().values("school_id")
    )
    memberships = Membership.objects.active().filter(district_id=staff.district_id)
    principals = memberships.filter(role=Role.PRINCIPAL, schools__in=schools)
    people = set(User.objects.filter(is_active=True, memberships__in=principals))
    if staff.employer_id is not None:
        liaisons = memberships.filter(
            role=Role.AGENCY_LIAISON, liaison_link__provider_id=staff.employer_id
        )
        people |= set(User.objects.filter(is_active=True, memberships__in=liaisons))
    people |= set(program_admins(staff.district_id))
    # Never the staff member themselves (an account linked to the roster entry).
    return sorted((u for u in people if u.pk != staff.user_id), key=lambda u: u.pk)


def training_remind(*, now: datetime.datetime | None = None) -> int:
    """Daily: training due within 30 days, and overdue, by the one rule of
    `agreements.training` (each component's due date from the first day on campus)."""
    today = timezone.localdate(now or timezone.now())
    created = 0
    staff_members = (
        StaffMember.objects.active_on(today)
        .filter(first_day_on_campus__isnull=False)
        .select_related("district", "employer")
        .with_training_counts(today)
        .order_by("district_id", "pk")
    )
    for staff in staff_members:
        status = status_from_counts(staff, today)
        due_dates: dict[str, set[datetime.date]] = {"due": set(), "overdue": set()}
        for component in status.components:
            if component.state in COMPLETE_STATES or component.due_on is None:
                continue
            if component.state == State.OVERDUE:
                due_dates["overdue"].add(component.due_on)
            elif (
                component.state == State.DUE
                and (component.due_on - today).days <= TRAINING_DUE_DAYS
            ):
                due_dates["due"].add(component.due_on)
        if not (due_dates["due"] or due_dates["overdue"]):
            continue
        recipients = training_recipients(staff, today)
        url = reverse("agreements:staff_detail", args=[staff.pk])
        for due_on in sorted(due_dates["overdue"]):
            created += len(
                notify(
                    recipients,
                    kinds.TRAINING_OVERDUE,
                    staff.district,
                    _("Training of %(name)s overdue since %(date)s"),
                    url,
                    obj=staff,
                    dedupe=f"{kinds.TRAINING_OVERDUE}:{staff.pk}:{due_on.isoformat()}",
                    params={"name": staff.full_name, "date": due_on.isoformat()},
                )
            )
        for due_on in sorted(due_dates["due"]):
            created += len(
                notify(
                    recipients,
                    kinds.TRAINING_DUE,
                    staff.district,
                    _("Training of %(name)s due on %(date)s"),
                    url,
                    obj=staff,
                    dedupe=f"{kinds.TRAINING_DUE}:{staff.pk}:{due_on.isoformat()}",
                    params={"name": staff.full_name, "date": due_on.isoformat()},
                )
            )
    return created


def agreement_ending_remind(*, now: datetime.datetime | None = None) -> int:
    """Daily: agreements in force whose end date falls within 60 days (program administrators),
    once per agreement and end date."""
    today = timezone.localdate(now or timezone.now())
    created = 0
    ending = (
        Agreement.objects.in_force(today)
        .filter(
            effective_until__isnull=False,
            effective_until__lte=today + datetime.timedelta(days=AGREEMENT_ENDING_DAYS),
        )
        .select_related("district", "provider")
        .order_by("district_id", "effective_until", "pk")
    )
    admins: dict[int, list[User]] = {}
    for agreement in ending:
        if agreement.district_id not in admins:
            admins[agreement.district_id] = program_admins(agreement.district_id)
        assert agreement.effective_until is not None  # noqa: S101 - filtered above
        created += len(
            notify(
                admins[agreement.district_id],
                kinds.AGREEMENT_ENDING,
                agreement.district,
                _("Agreement “%(title)s” with %(provider)s ends on %(date)s"),
                reverse("agreements:agreement_detail", args=[agreement.pk]),
                obj=agreement,
                dedupe=f"{kinds.AGREEMENT_ENDING}:{agreement.pk}:{agreement.effective_until.isoformat()}",
                params={
                    "title": agreement.title,
                    "provider": agreement.provider.name,
                    "date": agreement.effective_until.isoformat(),
                },
            )
        )
    return created


def review_late(agreement: Agreement, district: District) -> int:
    """The program administrators: the agreement's annual review is due (or past due) and not
    done. Once per agreement and due date; returns how many notices were created."""
    if agreement.review_due_on is None:
        return 0
    return len(
        notify(
            program_admins(agreement.district_id),
            kinds.REVIEW_LATE,
            district,
            _("Annual review of “%(title)s” due since %(date)s"),
            reverse("agreements:agreement_detail", args=[agreement.pk]),
            obj=agreement,
            dedupe=f"{kinds.REVIEW_LATE}:{agreement.pk}:{agreement.review_due_on.isoformat()}",
            params={"title": agreement.title, "date": agreement.review_due_on.isoformat()},
        )
    )


def review_late_remind(*, now: datetime.datetime | None = None) -> int:
    """Daily, after `agreement_reviews_remind` (which tells of the review on its due day):
    every agreement in force whose review is past due and not re-adopted is on the program
    administrators' lists (a missed run or a review due before this reminder existed)."""
    today = timezone.localdate(now or timezone.now())
    created = 0
    late = (
        Agreement.objects.adopted()
        .filter(review_due_on__isnull=False, review_due_on__lte=today)
        .select_related("district")
        .order_by("district_id", "pk")
    )
    for agreement in late:
        created += review_late(agreement, agreement.district)
    return created


def openable_staff(scope: Scope, ids: Collection[int]) -> set[int]:
    from agreements.access import STAFF_READERS, staff_for

    if scope.district is None or not scope.has(*STAFF_READERS):
        return set()
    return set(staff_for(scope).filter(pk__in=list(ids)).values_list("pk", flat=True))


def openable_agreements(scope: Scope, ids: Collection[int]) -> set[int]:
    from agreements.access import AGREEMENT_READERS, agreements_for

    if scope.district is None or not scope.has(*AGREEMENT_READERS):
        return set()
    return set(agreements_for(scope).filter(pk__in=list(ids)).values_list("pk", flat=True))


def register() -> None:
    """From `AgreementsConfig.ready()`."""
    from srp.registry import Reminder, registry

    kinds.register_link_check("agreements.staffmember", openable_staff)
    kinds.register_link_check("agreements.agreement", openable_agreements)
    registry.add_reminder(Reminder("agreements.review_late", review_late_remind, order=21))
    registry.add_reminder(Reminder("agreements.ending", agreement_ending_remind, order=22))
    registry.add_reminder(Reminder("agreements.training", training_remind, order=23))
