"""The staff roster's bulk CSV import page (issue #14); the result and history pages are the
shared ones of `srp.import_views`."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy

from agreements.imports import StaffImporter
from srp.http import AuthenticatedHttpRequest
from srp.import_views import ImportPage, template_download, upload_page

STAFF_PAGE = ImportPage(
    importer=StaffImporter,
    title=gettext_lazy("Import safety and security staff from a CSV file"),
    intro=gettext_lazy(
        "One row per staff member, by badge or employee number: a new number adds a roster "
        "entry, a known one updates it (columns left out of the file keep their values). The "
        "schools column sets the assignments of the school year; invite: yes emails the person "
        "a link to sign in and links their account, so they can log calls at their schools the "
        "same day. Add providers and school years first."
    ),
    template_url="agreements:staff_import_template",
)


def staff_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    return upload_page(request, STAFF_PAGE)


def staff_import_template(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    return template_download(request, STAFF_PAGE)
