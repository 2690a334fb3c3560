"""Who is told of a new intervention request (issue #14 item 5), through `notifications`."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import StaffAssignment
from incidents.models import InterventionRequest
from notifications import kinds
from notifications.services import notify, resolve
from srp.models import User
from srp.roles import Role

if TYPE_CHECKING:
    from srp.models import District, School
    from srp.scope import Scope


def request_recipients(*, district: District, school: School) -> list[User]:
    """Safety staff assigned to the school this year (their roster entry linked to their account,
    the assignment not ended: the schools their role reaches) and the school's principals."""
    today = timezone.localdate()
    year = district.current_school_year(today)
    safety = Q(pk__in=[])
    if year is not None:
        safety = Q(
            memberships__district=district,
            memberships__role=Role.SAFETY_STAFF,
            memberships__active=True,
            pk__in=StaffAssignment.objects.filter(
                school=school, school_year=year, staff_member__district=district
            )
            .active_on(today)
            .values("staff_member__user_id"),
        )
    principals = Q(
        memberships__district=district,
        memberships__role=Role.PRINCIPAL,
        memberships__active=True,
        memberships__schools=school,
    )
    return list(User.objects.filter(is_active=True).filter(safety | principals).distinct())


def request_created(request: InterventionRequest) -> None:
    """A new request waits on the school's safety staff and principals (not on whoever filed it)."""
    recipients = [
        u
        for u in request_recipients(district=request.district, school=request.school)
        if u.pk != request.requested_by_id
    ]
    notify(
        recipients,
        kinds.INTERVENTION_REQUEST_NEW,
        request.district,
        _("New intervention request at %(school)s"),
        reverse("incidents:intervention_detail", args=[request.pk]),
        obj=request,
        params={"school": request.school.name},
    )


def request_answered(request: InterventionRequest) -> None:
    """Responded to or withdrawn: nothing waits any more."""
    resolve(kinds=[kinds.INTERVENTION_REQUEST_NEW], obj=request)


def openable_requests(scope: Scope, ids: Collection[int]) -> set[int]:
    from incidents.selectors import REQUEST_ROLES, interventions_for_scope

    if scope.district is None or not scope.has(*REQUEST_ROLES):
        return set()
    return set(interventions_for_scope(scope).filter(pk__in=list(ids)).values_list("pk", flat=True))


def register() -> None:
    """From `IncidentsConfig.ready()`."""
    kinds.register_link_check("incidents.interventionrequest", openable_requests)
