"""Who may see and change providers, agreements, staff and training: one rule per object.

- program administrator: everything in the district, and the only one who writes;
- agency liaison: its own provider, that provider's agreements and staff (read-only);
- board member: adopted agreements (read-only) with the reviews the board adopted; no draft, no
  agreement in community review, no open review and its engagement records, no history;
- principal: the staff assigned this year to their schools and their training (read-only).

A record outside the user's reach is a 404; a reader asking to write gets a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from agreements.models import Agreement, Provider, StaffMember
from agreements.selectors import provider_ids_for_user
from srp.roles import Role
from srp.scope import Scope

AGREEMENT_READERS = (Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON, Role.BOARD_MEMBER)
PROVIDER_READERS = (Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON)
STAFF_READERS = (Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON, Role.PRINCIPAL)


def providers_for(scope: Scope) -> QuerySet[Provider]:
    qs = Provider.objects.filter(district=scope.district)
    if scope.is_program_admin:
        return qs
    if scope.has(Role.AGENCY_LIAISON):
        return qs.filter(pk__in=provider_ids_for_user(scope))
    return qs.none()


def agreements_for(scope: Scope) -> QuerySet[Agreement]:
    qs = Agreement.objects.filter(district=scope.district)
    if scope.is_program_admin:
        return qs
    condition = Q(pk__in=[])
    if scope.has(Role.AGENCY_LIAISON):
        condition |= Q(provider_id__in=provider_ids_for_user(scope))
    if scope.has(Role.BOARD_MEMBER):
        condition |= Q(status__in=Agreement.IN_FORCE_STATUSES)
    return qs.filter(condition)


def sees_work_in_progress(scope: Scope, agreement: Agreement) -> bool:
    """Whether the reader sees an agreement's open annual reviews and their engagement records.

    The program administrator and the provider's liaisons do; a board member reads only what
    the board adopted.
    """
    return scope.is_program_admin or agreement.provider_id in provider_ids_for_user(scope)


def staff_for(scope: Scope) -> QuerySet[StaffMember]:
    qs = StaffMember.objects.filter(district=scope.district)
    if scope.is_program_admin:
        return qs
    condition = Q(pk__in=[])
    if scope.has(Role.AGENCY_LIAISON):
        condition |= Q(employer_id__in=provider_ids_for_user(scope))
    if scope.has(Role.PRINCIPAL):
        year = scope.district.current_school_year()
        condition |= Q(
            pk__in=StaffMember.objects.filter(
                assignments__school_id__in=scope.school_ids(Role.PRINCIPAL),
                assignments__school_year=year,
            ).values("pk")
        )
    return qs.filter(condition)


def _fetch(queryset: QuerySet, pk: object) -> object:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _check(request: HttpRequest, readers: tuple[str, ...]) -> Scope:
    scope = request.scope
    scope.require(*readers)
    return scope


def require_writer(request: HttpRequest) -> Scope:
    """Only program administrators change agreements, staff and training."""
    scope = request.scope
    scope.require(Role.PROGRAM_ADMIN)
    return scope


def get_provider_for_user(request: HttpRequest, pk: object, *, write: bool = False) -> Provider:
    scope = _check(request, PROVIDER_READERS)
    provider = _fetch(providers_for(scope), pk)
    if write and not scope.is_program_admin:
        raise PermissionDenied
    return provider


def get_agreement_for_user(request: HttpRequest, pk: object, *, write: bool = False) -> Agreement:
    scope = _check(request, AGREEMENT_READERS)
    agreement = _fetch(agreements_for(scope).select_related("provider"), pk)
    if write and not scope.is_program_admin:
        raise PermissionDenied
    return agreement


def get_staff_for_user(request: HttpRequest, pk: object, *, write: bool = False) -> StaffMember:
    scope = _check(request, STAFF_READERS)
    staff = _fetch(staff_for(scope).select_related("employer", "user"), pk)
    if write and not scope.is_program_admin:
        raise PermissionDenied
    return staff
