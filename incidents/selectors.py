"""Reads of the incidents app, always through the user's scope (district, then school).

One access rule per kind of record, in one place:

* calls, activities, restraint reports and incidents: the program administrator sees the whole
  district; principals and safety staff see their schools (safety staff: this year's
  assignments). Those three roles may also write.
* intervention requests: as above, plus school staff, who see the requests they filed.
* outside-agency information requests: the program administrator sees all; principals and
  safety staff see those they logged.
* imports: the program administrator only.

A record of another district or another school is a 404; a role that may not write gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from agreements.models import StaffMember
from incidents.models import (
    ActivityQuerySet,
    AgencyInformationRequest,
    AgencyRequestQuerySet,
    Call,
    CallQuerySet,
    ImportBatch,
    InterventionQuerySet,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintQuerySet,
    RestraintReport,
    StudentInvolved,
)
from srp.http import AuthenticatedHttpRequest
from srp.models import School
from srp.roles import Role

if TYPE_CHECKING:
    from srp.scope import Scope

CALL_ROLES = (Role.PROGRAM_ADMIN, Role.PRINCIPAL, Role.SAFETY_STAFF)
REQUEST_ROLES = (Role.PROGRAM_ADMIN, Role.PRINCIPAL, Role.SAFETY_STAFF, Role.SCHOOL_STAFF)
REQUEST_FILERS = (Role.PROGRAM_ADMIN, Role.PRINCIPAL, Role.SCHOOL_STAFF)
RESPONDERS = (Role.PROGRAM_ADMIN, Role.PRINCIPAL, Role.SAFETY_STAFF)
AGENCY_ROLES = (Role.PROGRAM_ADMIN, Role.PRINCIPAL, Role.SAFETY_STAFF)


_QS = TypeVar("_QS", bound=QuerySet)


def call_school_ids(scope: Scope) -> frozenset[int] | None:
    """The schools whose calls the user sees; None means the whole district."""
    if scope.is_program_admin:
        return None
    return scope.school_ids(Role.PRINCIPAL, Role.SAFETY_STAFF)


def schools_for_writing(scope: Scope) -> QuerySet[School]:
    schools = School.objects.filter(district=scope.district, active=True)
    ids = call_school_ids(scope)
    return schools if ids is None else schools.filter(pk__in=ids)


def request_schools_for_filing(scope: Scope) -> QuerySet[School]:
    schools = School.objects.filter(district=scope.district, active=True)
    if scope.is_program_admin:
        return schools
    return schools.filter(pk__in=scope.school_ids(Role.PRINCIPAL, Role.SCHOOL_STAFF))


def _limit_to_schools(qs: _QS, scope: Scope, field: str = "school_id") -> _QS:
    ids = call_school_ids(scope)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def calls_for_scope(scope: Scope) -> CallQuerySet:
    scope.require(*CALL_ROLES)
    return _limit_to_schools(Call.objects.filter(district=scope.district), scope)


def openable_call_ids(scope: Scope, call_ids: Iterable[int | None]) -> frozenset[int]:
    """Which of these calls the reader may open (`calls_for_scope`), in one query at most: a
    page links to a call only when it is among them, and shows its reference as text
    otherwise (a teacher reads which call answered their request, without a dead link)."""
    wanted = sorted({pk for pk in call_ids if pk is not None})
    if not wanted or not scope.has(*CALL_ROLES):
        return frozenset()
    return frozenset(calls_for_scope(scope).filter(pk__in=wanted).values_list("pk", flat=True))


def activities_for_scope(scope: Scope) -> ActivityQuerySet:
    scope.require(*CALL_ROLES)
    return _limit_to_schools(
        LawEnforcementActivity.objects.filter(call__district=scope.district),
        scope,
        "call__school_id",
    )


def restraint_reports_for_scope(scope: Scope) -> RestraintQuerySet:
    scope.require(*CALL_ROLES)
    return _limit_to_schools(RestraintReport.objects.filter(district=scope.district), scope)


def interventions_for_scope(scope: Scope) -> InterventionQuerySet:
    scope.require(*REQUEST_ROLES)
    qs = InterventionRequest.objects.filter(district=scope.district)
    if scope.is_program_admin:
        return qs
    visible = Q(school_id__in=scope.school_ids(Role.PRINCIPAL, Role.SAFETY_STAFF))
    if scope.has(Role.SCHOOL_STAFF):
        visible |= Q(requested_by=scope.user)
    return qs.filter(visible)


def agency_requests_for_scope(scope: Scope) -> AgencyRequestQuerySet:
    scope.require(*AGENCY_ROLES)
    qs = AgencyInformationRequest.objects.filter(district=scope.district)
    return qs if scope.is_program_admin else qs.filter(logged_by=scope.user)


def _get(qs: QuerySet, pk: int):  # noqa: ANN202
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_call_for_user(request: AuthenticatedHttpRequest, pk: int) -> Call:
    return _get(
        calls_for_scope(request.scope).select_related("school", "responding_staff", "created_by"),
        pk,
    )


def get_student_of_call(call: Call, pk: int) -> StudentInvolved:
    """A student of `call` (already scope-checked); any other id is a 404."""
    return _get(call.students.all(), pk)


def get_activity_for_user(request: AuthenticatedHttpRequest, pk: int) -> LawEnforcementActivity:
    return _get(activities_for_scope(request.scope).select_related("call", "student"), pk)


def get_restraint_report_for_user(request: AuthenticatedHttpRequest, pk: int) -> RestraintReport:
    return _get(restraint_reports_for_scope(request.scope).for_list(), pk)


def get_intervention_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, respond: bool = False
) -> InterventionRequest:
    scope = request.scope
    intervention = _get(interventions_for_scope(scope).for_list(), pk)
    if respond and not (
        scope.is_program_admin
        or intervention.school_id in scope.school_ids(Role.PRINCIPAL, Role.SAFETY_STAFF)
    ):
        # A teacher sees their own request but does not record the response.
        raise PermissionDenied
    return intervention


def get_agency_request_for_user(
    request: AuthenticatedHttpRequest, pk: int
) -> AgencyInformationRequest:
    return _get(agency_requests_for_scope(request.scope).select_related("school", "logged_by"), pk)


def get_import_for_user(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    request.scope.require(Role.PROGRAM_ADMIN)
    return _get(ImportBatch.objects.filter(district=request.scope.district), pk)


def staff_for_district(scope: Scope) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(district=scope.district).order_by("last_name", "first_name")


def staff_member_for_user(scope: Scope) -> StaffMember | None:
    if scope.user is None or scope.district is None:
        return None
    return StaffMember.objects.filter(user=scope.user, district=scope.district).first()
