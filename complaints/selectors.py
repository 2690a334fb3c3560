"""Reads of complaints, scoped to the person asking (SPEC §1, R-09)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from agreements.models import StaffMember
from agreements.selectors import provider_ids_for_user, staff_member_for_user
from complaints.models import Allegation, Complaint, ComplaintQuerySet
from srp.models import Membership, User
from srp.roles import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from srp.models import District
    from srp.scope import Scope

READ_ROLES = (Role.PROGRAM_ADMIN, Role.INVESTIGATOR, Role.AGENCY_LIAISON)
WRITE_ROLES = (Role.PROGRAM_ADMIN, Role.INVESTIGATOR)


def liaison_provider_ids(scope: Scope) -> set[int]:
    return provider_ids_for_user(scope)


def own_staff_employer_ids(user: User, district: District) -> set[int]:
    """The provider employing the user's own staff record in the district, if any."""
    staff = staff_member_for_user(user, district)
    return {staff.employer_id} if staff is not None and staff.employer_id else set()


def complaints_for_scope(scope: Scope) -> ComplaintQuerySet:
    """The complaints this person may open, never one about themselves (R-09).

    Program administrators see the district's; investigators those assigned to them; agency
    liaisons those referred to their provider. Nobody sees a complaint naming their own staff
    record, and staff of the subject's provider see it only as the liaison it was referred to.
    """
    user = scope.user
    if scope.district is None or user is None:
        return Complaint.objects.none()
    qs = Complaint.objects.in_district(scope.district)
    provider_ids = liaison_provider_ids(scope) if scope.has(Role.AGENCY_LIAISON) else set()
    if not scope.is_program_admin:
        visible = Q(pk__in=[])
        if scope.has(Role.INVESTIGATOR):
            visible |= Q(investigator=user)
        if provider_ids:
            visible |= Q(referred_provider_id__in=provider_ids)
        qs = qs.filter(visible)
    # The same rule as `Complaint.objects.about_user(user)`, written per row: a `pk NOT IN
    # (about_user)` subquery read every complaint of the instance on each page (68 ms at
    # 100,000 complaints); the join and NOT EXISTS below only look at this page's candidates.
    qs = qs.exclude(staff_member__user=user).exclude(
        Exists(Allegation.objects.filter(complaint=OuterRef("pk"), staff_member__user=user))
    )
    employers = own_staff_employer_ids(user, scope.district)
    if employers:
        same_provider = Q(staff_member__employer_id__in=employers) | Exists(
            Allegation.objects.filter(
                complaint=OuterRef("pk"), staff_member__employer_id__in=employers
            )
        )
        qs = qs.exclude(same_provider & ~Q(referred_provider_id__in=provider_ids))
    return qs


def get_complaint_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Complaint:
    """The complaint, or 404 when outside the user's scope; 403 when a read-only role writes."""
    scope = request.scope
    scope.require(*READ_ROLES)
    # No ORDER BY and no join on the district: the query's planning, not its execution, was
    # most of its cost, and the district is the scope's own (the queryset is filtered by it).
    found = list(complaints_for_scope(scope).with_list_data().filter(pk=pk).order_by()[:1])
    if not found:
        raise Http404
    complaint = found[0]
    complaint.district = scope.district
    if write and not can_write(scope, complaint):
        raise PermissionDenied
    return complaint


def can_write(scope: Scope, complaint: Complaint) -> bool:
    if scope.is_program_admin:
        return True
    return scope.has(Role.INVESTIGATOR) and complaint.investigator_id == scope.user.pk


def investigator_choices(*, complaint: Complaint) -> QuerySet[User]:
    """People who may investigate: investigators and program administrators of the district,
    minus anyone the complaint is about."""
    subject_users = set(
        StaffMember.objects.filter(
            Q(complaints=complaint) | Q(allegations__complaint=complaint), user__isnull=False
        ).values_list("user_id", flat=True)
    )
    user_ids = (
        Membership.objects.active()
        .filter(district_id=complaint.district_id, role__in=[Role.INVESTIGATOR, Role.PROGRAM_ADMIN])
        .values("user_id")
    )
    return (
        User.objects.filter(pk__in=user_ids)
        .exclude(pk__in=subject_users)
        .order_by("last_name", "first_name")
    )
