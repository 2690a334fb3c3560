"""Confirming or ending the assignments the rollover carried forward (program administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.models import StaffAssignment
from agreements.rollover import staff_assignment_confirm, staff_assignment_end_carried
from agreements.services import AgreementError
from srp.http import AuthenticatedHttpRequest
from srp.roles import Role
from srp.rules import show_rule_error


def _back(request: AuthenticatedHttpRequest, assignment: StaffAssignment) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("agreements:staff_detail", pk=assignment.staff_member_id)


def _assignment(request: AuthenticatedHttpRequest, pk: int) -> StaffAssignment:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    return get_object_or_404(
        StaffAssignment.objects.select_related("staff_member", "school", "school_year"),
        pk=pk,
        staff_member__district=district,
        carried_forward_from__isnull=False,
    )


@require_POST
def carried_assignment_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    try:
        staff_assignment_confirm(assignment=assignment, by=request.user)
    except AgreementError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request,
            _("%(name)s at %(school)s is confirmed for %(year)s.")
            % {
                "name": assignment.staff_member.full_name,
                "school": assignment.school.name,
                "year": assignment.school_year.label,
            },
        )
    return _back(request, assignment)


@require_POST
def carried_assignment_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    try:
        ended = staff_assignment_end_carried(assignment=assignment, by=request.user)
    except AgreementError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request,
            _("%(name)s no longer works at %(school)s in %(year)s (ended on %(date)s).")
            % {
                "name": assignment.staff_member.full_name,
                "school": assignment.school.name,
                "year": assignment.school_year.label,
                "date": ended.ended_on.isoformat() if ended.ended_on else "",
            },
        )
    return _back(request, assignment)
