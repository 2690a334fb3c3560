"""Reads of complaints, scoped to the person asking (SPEC §1, R-09)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from agreements.models import StaffMember
from agreements.selectors import provider_ids_for_user
from complaints.models import Complaint, ComplaintQuerySet, ProviderResponse
from srp.models import Membership, User
from srp.roles import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from srp.scope import Scope

READ_ROLES = (Role.PROGRAM_ADMIN, Role.INVESTIGATOR, Role.AGENCY_LIAISON)
WRITE_ROLES = (Role.PROGRAM_ADMIN, Role.INVESTIGATOR)


def liaison_provider_ids(scope: Scope) -> set[int]:
    return provider_ids_for_user(scope)


def complaints_for_scope(scope: Scope) -> ComplaintQuerySet:
    """The complaints this person may open, never one about themselves (R-09).

    Program administrators see the district's; investigators those assigned to them; agency
    liaisons those referred to their provider. Then `ComplaintQuerySet.not_about` removes every
    complaint naming one of the person's roster entries, and those of their provider's staff
    unless referred to the provider they speak for.
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
    return qs.not_about(user, referred_to=provider_ids)


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
    minus anyone who may not open the complaint (R-09). This is the inverse of
    `ComplaintQuerySet.not_about`: the accounts of its roster entries (linked, or with their
    email until linked) and of their provider's other staff."""
    subjects = StaffMember.objects.filter(
        Q(complaints=complaint) | Q(allegations__complaint=complaint)
    ).distinct()
    employers = set(subjects.exclude(employer=None).values_list("employer_id", flat=True))
    excluded = subjects.account_ids()
    if employers:
        excluded |= StaffMember.objects.filter(employer_id__in=employers).account_ids()
    user_ids = (
        Membership.objects.active()
        .filter(district_id=complaint.district_id, role__in=[Role.INVESTIGATOR, Role.PROGRAM_ADMIN])
        .values("user_id")
    )
    return (
        User.objects.filter(pk__in=user_ids)
        .exclude(pk__in=excluded)
        .order_by("last_name", "first_name")
    )


def is_about(complaint: Complaint, user: User) -> bool:
    """True when the person may not open this complaint (R-09), by the one rule."""
    return not Complaint.objects.filter(pk=complaint.pk).not_about(user).exists()


def can_record_provider_outcome(scope: Scope, complaint: Complaint) -> bool:
    """Whether this reader is a liaison of the provider the complaint is referred to: the one
    person who records the provider's case number, outcome and documents (issue #14 item 5).
    The complaint itself was already read through `complaints_for_scope`."""
    if complaint.referred_provider_id is None or not scope.has(Role.AGENCY_LIAISON):
        return False
    return complaint.referred_provider_id in liaison_provider_ids(scope)


def provider_responses_for(scope: Scope, complaint: Complaint) -> list[ProviderResponse]:
    """The providers' responses on this complaint this reader may see, with their documents:
    all of them for the district's readers, a liaison only their own provider's (a complaint
    referred to another provider before keeps that provider's answer from them). A complaint
    never referred has none (a referral is never undone), so it costs no query."""
    if complaint.referred_provider_id is None:
        return []
    qs = complaint.provider_responses.select_related("provider", "recorded_by").prefetch_related(
        "documents"
    )
    if not scope.is_program_admin and not (
        scope.has(Role.INVESTIGATOR) and complaint.investigator_id == scope.user.pk
    ):
        qs = qs.filter(provider_id__in=sorted(liaison_provider_ids(scope)))
    return list(qs)
