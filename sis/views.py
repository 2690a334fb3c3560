"""The roster import pages: program administrators of the district only."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sis import selectors
from sis.forms import RosterUploadForm
from sis.oneroster import import_roster
from srp.http import AuthenticatedHttpRequest


def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    recent = selectors.imports_for(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    wants_json = request.headers.get("x-requested-with") == "fetch"
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            district = request.scope.district
            assert district is not None  # noqa: S101 - imports_for required an admin's district
            result = import_roster(
                upload.file,
                district=district,
                filename=upload.name,
                by=request.user,
            )
            assert result.record is not None  # noqa: S101 - import_roster always records
            url = reverse("sis:import_detail", args=[result.record.pk])
            if result.ok:
                messages.success(
                    request,
                    _(
                        "Imported the roster of %(year)s: %(students)s students at "
                        "%(schools)s schools."
                    )
                    % {
                        "year": result.year_label,
                        "students": result.students,
                        "schools": result.schools,
                    },
                )
            else:
                messages.error(request, _("Nothing was imported: the file has errors."))
            if wants_json:
                return JsonResponse({"ok": result.ok, "redirect": url})
            return redirect(url)
        if wants_json:
            return JsonResponse(
                {"ok": False, "errors": [str(e) for e in form.errors.get("file", [])]},
                status=400,
            )
    return render(request, "sis/import_upload.html", {"form": form, "recent": recent[:5]})


def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.imports_for(request), 25).get_page(request.GET.get("page"))
    return render(request, "sis/import_list.html", {"page": page})


def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_import_for_user(request, pk)
    return render(request, "sis/import_detail.html", {"record": record})
