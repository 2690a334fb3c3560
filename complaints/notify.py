"""Who is told when a complaint waits on them (issue #14 item 5), through `notifications`.

Each recipient list is filtered by the one R-09 rule (`ComplaintQuerySet.not_about`): nobody is
ever told of a complaint about them or, unless it was referred to the provider they speak for,
about a colleague at their provider.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from notifications import kinds
from notifications.services import notify, resolve
from srp.models import Membership, User
from srp.roles import Role

if TYPE_CHECKING:
    from agreements.models import Provider
    from srp.models import District
    from srp.scope import Scope


def one_school_day_after(district: District, day: datetime.date) -> datetime.date:
    """The school day after `day`, by the district's calendar (issue #14 item 3)."""
    try:
        from srp.schooldays import add_school_days
    except ImportError:  # pragma: no cover - until srp.schooldays lands: weekdays
        from complaints import services

        weekdays: Callable[[datetime.date, int], datetime.date] = services.__dict__[
            "add_school_days"
        ]
        return weekdays(day, 1)
    return add_school_days(district, day, 1)


def _url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def not_about(
    complaint: Complaint, users: Iterable[User], *, referred_to: Collection[int] = ()
) -> list[User]:
    """The users who may be told of this complaint (R-09): one small query per user."""
    return [
        user
        for user in users
        if Complaint.objects.filter(pk=complaint.pk)
        .not_about(user, referred_to=referred_to)
        .exists()
    ]


def _members(district_id: int, role: str) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__district_id=district_id,
            memberships__role=role,
            memberships__active=True,
        ).distinct()
    )


def liaisons_of(provider: Provider) -> list[User]:
    """The provider's liaisons: active liaison memberships linked to it, in its district."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(
                role=Role.AGENCY_LIAISON,
                district_id=provider.district_id,
                liaison_link__provider=provider,
            ),
        ).distinct()
    )


def complaint_referred(complaint: Complaint, provider: Provider) -> None:
    """The provider's liaisons: the complaint now waits on their agency."""
    recipients = not_about(complaint, liaisons_of(provider), referred_to=[provider.pk])
    notify(
        recipients,
        kinds.COMPLAINT_REFERRED,
        complaint.district,
        _("Complaint %(reference)s referred to %(provider)s"),
        _url(complaint),
        obj=complaint,
        dedupe=f"{kinds.COMPLAINT_REFERRED}:{complaint.pk}:{provider.pk}",
        params={"reference": complaint.reference, "provider": provider.name},
    )


def complaint_assigned(complaint: Complaint, investigator: User) -> None:
    """The investigator named; the notices asking for an investigator are done, and so is a
    previous investigator's."""
    resolve(kinds=[kinds.COMPLAINT_UNASSIGNED], obj=complaint)
    resolve(kinds=[kinds.COMPLAINT_ASSIGNED], obj=complaint, except_recipients=[investigator.pk])
    # `complaint_assign` has already refused an investigator the complaint is about.
    notify(
        not_about(complaint, [investigator]),
        kinds.COMPLAINT_ASSIGNED,
        complaint.district,
        _("Complaint %(reference)s assigned to you"),
        _url(complaint),
        obj=complaint,
        params={"reference": complaint.reference},
    )


def unassigned_remind(*, now: datetime.datetime | None = None) -> int:
    """Daily: the program administrators of a complaint still open with no investigator one
    school day (the district's calendar) after it was received. Once per complaint and
    administrator; returns how many notices were created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created = 0
    waiting = (
        Complaint.objects.open()
        .filter(investigator__isnull=True, received_at__lte=now)
        .select_related("district")
        .order_by("district_id", "received_at", "pk")
    )
    admins: dict[int, list[User]] = {}
    for complaint in waiting:
        received = timezone.localdate(complaint.received_at)
        if one_school_day_after(complaint.district, received) > today:
            continue
        if complaint.district_id not in admins:
            admins[complaint.district_id] = _members(complaint.district_id, Role.PROGRAM_ADMIN)
        created += len(
            notify(
                not_about(complaint, admins[complaint.district_id]),
                kinds.COMPLAINT_UNASSIGNED,
                complaint.district,
                _("Complaint %(reference)s has no investigator"),
                _url(complaint),
                obj=complaint,
                params={"reference": complaint.reference},
            )
        )
    return created


def openable_complaints(scope: Scope, ids: Collection[int]) -> set[int]:
    """The complaints among `ids` this reader may open (`complaints_for_scope`)."""
    from complaints.selectors import READ_ROLES, complaints_for_scope

    if not scope.has(*READ_ROLES):
        return set()
    return set(complaints_for_scope(scope).filter(pk__in=list(ids)).values_list("pk", flat=True))


def register() -> None:
    """From `ComplaintsConfig.ready()`."""
    from srp.registry import Reminder, registry

    kinds.register_link_check("complaints.complaint", openable_complaints)
    registry.add_reminder(Reminder("complaints.unassigned", unassigned_remind, order=31))
