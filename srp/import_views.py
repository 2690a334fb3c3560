"""Pages of the bulk CSV imports (issue #14): one upload page per kind, the history of imports
and each import's result. Program administrators only, of their own district.

The staff roster's upload page lives in `agreements.import_views` (the roster is that app's)
and uses `upload_page` and `template_download` from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from srp.csv_export import csv_response
from srp.csv_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MB,
    Importer,
    ImportFileForm,
    run_import,
)
from srp.http import AuthenticatedHttpRequest
from srp.imports import PeopleImporter, SchoolImporter
from srp.models import BulkImport, District
from srp.roles import Role

# Where each kind's records and upload page are (the staff pages are the agreements app's).
LIST_URLS: dict[str, str] = {
    BulkImport.Kind.SCHOOLS: "srp:school_list",
    BulkImport.Kind.PEOPLE: "srp:people_list",
    BulkImport.Kind.STAFF: "agreements:staff_list",
}
UPLOAD_URLS: dict[str, str] = {
    BulkImport.Kind.SCHOOLS: "srp:school_import",
    BulkImport.Kind.PEOPLE: "srp:people_import",
    BulkImport.Kind.STAFF: "agreements:staff_import",
}
RECENT = 10


@dataclass(frozen=True)
class ImportPage:
    """What an upload page says about its kind of file."""

    importer: type[Importer[Any]]
    title: str | Promise
    intro: str | Promise
    template_url: str

    @property
    def kind(self) -> str:
        return self.importer.kind


SCHOOLS_PAGE = ImportPage(
    importer=SchoolImporter,
    title=gettext_lazy("Import schools from a CSV file"),
    intro=gettext_lazy(
        "One row per school. A building code the district does not have yet adds a school; a "
        "known one updates it, and the change is kept in the school's history. Columns left "
        "out of the file keep their values."
    ),
    template_url="srp:school_import_template",
)
PEOPLE_PAGE = ImportPage(
    importer=PeopleImporter,
    title=gettext_lazy("Import people from a CSV file"),
    intro=gettext_lazy(
        "One row per person and role, as “Add a person” gives one: a new email gets an "
        "account and an email with a link to choose a password; an email that has an account "
        "keeps it, and its owner is told of the new role. An email and role the district has "
        "already updates that role. Safety staff work at the schools of their assignments on "
        "the staff roster."
    ),
    template_url="srp:people_import_template",
)


def _require_admin(request: AuthenticatedHttpRequest) -> District:
    return request.scope.require(Role.PROGRAM_ADMIN)


def upload_page(request: AuthenticatedHttpRequest, page: ImportPage) -> HttpResponse:
    """The upload form (check only, or import), its columns and the kind's last imports.

    A request sent by `static/srp/import.js` (header `X-Requested-With: fetch`) is answered
    with JSON: the result page to open, or the form's errors."""
    district = _require_admin(request)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    wants_json = request.headers.get("x-requested-with") == "fetch"
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            check_only = request.POST.get("action") == "check"
            importer = page.importer(district=district, by=request.user)
            record, report = run_import(
                importer, upload.file, filename=upload.name or "", check_only=check_only
            )
            if record.status == BulkImport.Status.IMPORTED:
                messages.success(
                    request,
                    _("Imported: %(created)s added, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
            elif record.status == BulkImport.Status.CHECKED:
                messages.success(
                    request, _("The file has no errors. Nothing was imported yet: import it now.")
                )
            else:
                messages.error(request, _("Nothing was imported: the file has errors."))
            url = reverse("srp:import_detail", args=[record.pk])
            if wants_json:
                return JsonResponse({"ok": report.ok, "redirect": url})
            return redirect(url)
        if wants_json:
            return JsonResponse(
                {"ok": False, "errors": [str(e) for e in form.errors.get("file", [])]},
                status=400,
            )
    recent = (
        BulkImport.objects.filter(district=district, kind=page.kind)
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    return render(
        request,
        "srp/import_upload.html",
        {
            "form": form,
            "page": page,
            "columns": page.importer.columns,
            "recent": recent,
            "back_url": reverse(LIST_URLS[page.kind]),
            "max_mb": MAX_IMPORT_BYTES // MB,
            "max_rows": MAX_IMPORT_ROWS,
        },
        status=400 if request.method == "POST" else 200,
    )


def template_download(request: AuthenticatedHttpRequest, page: ImportPage) -> StreamingHttpResponse:
    """A CSV with the kind's header and an example row, to fill in."""
    _require_admin(request)
    return csv_response(
        f"{page.kind}-import-template.csv",
        page.importer.column_names(),
        page.importer.template_rows(),
    )


def school_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    return upload_page(request, SCHOOLS_PAGE)


def school_import_template(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    return template_download(request, SCHOOLS_PAGE)


def people_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    return upload_page(request, PEOPLE_PAGE)


def people_import_template(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    return template_download(request, PEOPLE_PAGE)


def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every bulk import of the district, newest first, by kind."""
    district = _require_admin(request)
    imports = BulkImport.objects.filter(district=district).select_related("uploaded_by")
    kind = request.GET.get("kind", "")
    if kind in BulkImport.Kind.values:
        imports = imports.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(imports.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "srp/import_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": BulkImport.Kind.choices,
            "uploads": [(label, reverse(UPLOAD_URLS[k])) for k, label in BulkImport.Kind.choices],
        },
    )


def _get_import(request: AuthenticatedHttpRequest, pk: int) -> BulkImport:
    district = _require_admin(request)
    return get_object_or_404(
        BulkImport.objects.select_related("uploaded_by"), pk=pk, district=district
    )


def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = _get_import(request, pk)
    return render(
        request,
        "srp/import_detail.html",
        {
            "record": record,
            "upload_url": reverse(UPLOAD_URLS[record.kind]),
            "list_url": reverse(LIST_URLS[record.kind]),
        },
    )


def import_errors_csv(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    """The kept errors of a rejected file as CSV (cells quoting the file are neutralised)."""
    record = _get_import(request, pk)

    def rows() -> Iterator[list[object]]:
        for error in record.errors:
            yield [error.get("row") or "", error.get("column") or "", error.get("message") or ""]

    return csv_response(
        f"import-{record.pk}-errors.csv", [_("row"), _("column"), _("problem")], rows()
    )
