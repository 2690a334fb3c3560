from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sis.models import RosterImport
from srp.http import AuthenticatedHttpRequest
from srp.roles import Role


def imports_for(request: AuthenticatedHttpRequest) -> QuerySet[RosterImport]:
    """The roster imports of the reader's district (program administrators only: 403)."""
    request.scope.require(Role.PROGRAM_ADMIN)
    return RosterImport.objects.filter(district=request.scope.district).select_related(
        "uploaded_by", "school_year"
    )


def get_import_for_user(request: AuthenticatedHttpRequest, pk: int) -> RosterImport:
    try:
        return imports_for(request).get(pk=pk)
    except RosterImport.DoesNotExist:
        raise Http404 from None
