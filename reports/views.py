"""Report pages: program administrators see the whole district, principals their schools;
board members read only what is published and the board packets released to them; only the
program administrator publishes and releases (R-19 to R-22, SPEC §1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.access import is_board_reader
from reports.apps import PUBLISHED
from reports.exports import report_csv_zip, report_filename, report_json
from reports.models import BoardPacket, PublishedReport
from reports.packages import (
    agreement_documents,
    agreement_status_rows,
    delivery_rows,
    state_package,
    state_package_zip,
)
from reports.pdf import render_annual_report_pdf, render_board_packet_pdf, render_state_package_pdf
from reports.presentation import ANNUAL_REPORT, ANNUAL_REPORT_PDF, rendered_body
from reports.public import public_report
from reports.selectors import annual_report
from reports.services import (
    ReportError,
    board_packet_release,
    board_packet_withdraw,
    report_publish,
    report_withdraw,
    school_year_close,
)
from srp.cache import cached_figures
from srp.cache import public as public_audience
from srp.disclosure import DOWNLOADED, VIEWED, disclosure_record
from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.models import SchoolYear
from srp.roles import Role
from srp.rules import show_rule_error
from srp.scope import Scope

READERS = (Role.PROGRAM_ADMIN, Role.BOARD_MEMBER, Role.PRINCIPAL)


def _school_ids(request: AuthenticatedHttpRequest) -> frozenset[int] | None:
    """None (the whole district) for administrators; else the principal's schools."""
    scope = request.scope
    scope.require(*READERS)
    if is_board_reader(scope):
        raise Http404  # a board member's pages read published snapshots, never this report
    return _reader_school_ids(scope)


def _reader_school_ids(scope: Scope) -> frozenset[int] | None:
    if scope.is_program_admin:
        return None
    return scope.school_ids(Role.PRINCIPAL)


def _published(request: AuthenticatedHttpRequest, label: str) -> PublishedReport:
    """The year's current publication, or 404 (a year never published, or withdrawn)."""
    return get_object_or_404(
        PublishedReport.objects.current().select_related("school_year", "published_by"),
        district=request.scope.district,
        school_year__label=label,
    )


def _released_packet(request: AuthenticatedHttpRequest, year: SchoolYear) -> BoardPacket | None:
    return (
        BoardPacket.objects.released()
        .filter(district=request.scope.district, school_year=year)
        .first()
    )


def _get_year(request: AuthenticatedHttpRequest, label: str) -> SchoolYear:
    return get_object_or_404(SchoolYear, district=request.scope.district, label=label)


def _version(report: dict[str, Any]) -> str:
    return "public" if report["public"] else "internal"


def _report_key(school_year: SchoolYear, public: bool) -> tuple[Any, ...]:
    """What identifies one computed report for a reader, and everything cached from it: the year
    and the version (the reader's schools come with their scope's cache identity). The
    unsuppressed internal report never answers for the public one."""
    return (school_year.pk, "public" if public else "internal")


def cached_report(*, scope: Scope, school_year: SchoolYear, public: bool = False) -> dict[str, Any]:
    """The annual report as this reader may see it (the whole district, or a principal's
    schools; the public, suppressed version if `public`), computed once and kept for the reader's
    identity until a record of the district changes (`srp.cache`; today's date is in the key)."""
    district = scope.require(*READERS)
    school_ids = _reader_school_ids(scope)

    def compute() -> dict[str, Any]:
        if public:
            return public_report(cached_report(scope=scope, school_year=school_year))
        return annual_report(district=district, school_year=school_year, school_ids=school_ids)

    return cached_figures(ANNUAL_REPORT, scope, compute, key=_report_key(school_year, public))


def _report(
    request: AuthenticatedHttpRequest, label: str
) -> tuple[SchoolYear, dict[str, Any], tuple]:
    """The year, its report as this reader may see it, and the report's key (`_report_key`)."""
    school_ids = _school_ids(request)
    year = _get_year(request, label)
    public = request.GET.get("version") == "public" and school_ids is None
    report = cached_report(scope=request.scope, school_year=year, public=public)
    return year, report, _report_key(year, public)


def _log_internal(
    request: AuthenticatedHttpRequest, report: dict[str, Any], label: str, download: str = ""
) -> None:
    """The internal report holds unsuppressed figures: each view and download is a disclosure
    (`srp.disclosure`); the public, suppressed version is not logged."""
    if report["public"]:
        return
    what = _("Internal report %(year)s") % {"year": label}
    disclosure_record(
        request,
        what=f"{what} ({download})" if download else what,
        record_type="reports.internal",
        record_id=label,
        action=DOWNLOADED if download else VIEWED,
    )


def _download(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _current(published: PublishedReport | None) -> PublishedReport | None:
    return published if published and published.status == PublishedReport.Status.PUBLISHED else None


def _current_packet(packet: BoardPacket | None) -> BoardPacket | None:
    return packet if packet and packet.is_released else None


def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*READERS)
    board_reader = is_board_reader(scope)
    school_ids = None if board_reader else _school_ids(request)
    district = scope.district
    years = list(SchoolYear.objects.filter(district=district).order_by("-starts_on"))
    published = {
        p.school_year_id: p
        for p in PublishedReport.objects.filter(district=district).select_related("published_by")
    }
    packets = {
        p.school_year_id: p
        for p in BoardPacket.objects.filter(district=district).select_related("released_by")
    }
    today = timezone.localdate()
    rows: list[dict[str, Any]] = [
        {
            "year": year,
            "published": published.get(year.pk),
            "packet": packets.get(year.pk),
            "partial": not year.is_finished(today),
            "started": year.first_instructional_day <= today,
        }
        for year in years
    ]
    if board_reader:
        # Only what was published or released to the board; nothing of a year in preparation.
        rows = [
            {
                **row,
                "published": _current(published.get(row["year"].pk)),
                "packet": _current_packet(packets.get(row["year"].pk)),
            }
            for row in rows
        ]
        rows = [row for row in rows if row["published"] or row["packet"]]
    return render(
        request,
        "reports/index.html",
        {
            "rows": rows,
            "whole_district": school_ids is None,
            "board_reader": board_reader,
            "can_publish": scope.is_program_admin,
        },
    )


def _published_detail(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    """A board member's report page: the year's publication, marked as published."""
    district = request.scope.require(Role.BOARD_MEMBER)
    published = _published(request, label)
    # The public page's key: the same snapshot draws the same sections for everyone.
    rendered = rendered_body(
        published.snapshot,
        audience=public_audience(district),
        key=("published", published.pk, published.published_at.isoformat()),
        topic=PUBLISHED,
    )
    return render(
        request,
        "reports/annual_report.html",
        {
            "year": published.school_year,
            "report": published.snapshot,
            "sections": rendered["nav"],
            "report_body": rendered["body"],
            "published": published,
            "packet": _released_packet(request, published.school_year),
            "board_reader": True,
            "can_publish": False,
            "whole_district": False,
            "version": "published",
        },
    )


def _to_published(request: AuthenticatedHttpRequest, label: str, name: str) -> HttpResponse:
    """A board member's download is the public one of the year's publication."""
    district = request.scope.require(Role.BOARD_MEMBER)
    published = _published(request, label)
    return redirect(
        f"reports_public:{name}",
        district_code=district.code,
        label=published.school_year.label,
    )


def report_detail(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    if is_board_reader(request.scope):
        return _published_detail(request, label)
    year, report, key = _report(request, label)
    _log_internal(request, report, label)
    rendered = rendered_body(report, audience=request.scope, key=key)
    published = PublishedReport.objects.filter(
        district=request.scope.district, school_year=year
    ).first()
    return render(
        request,
        "reports/annual_report.html",
        {
            "year": year,
            "report": report,
            "sections": rendered["nav"],
            "report_body": rendered["body"],
            "published": published,
            "packet": BoardPacket.objects.filter(district=request.scope.district, school_year=year)
            .select_related("released_by")
            .first(),
            "can_publish": request.scope.is_program_admin,
            "whole_district": report["scope"] == "district",
            "version": _version(report),
        },
    )


def report_pdf(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    if is_board_reader(request.scope):
        return _to_published(request, label, "pdf")
    _year, report, key = _report(request, label)
    _log_internal(request, report, label, "PDF")
    # Seconds of WeasyPrint at scale: kept with the report it was made from.
    data = cached_figures(
        ANNUAL_REPORT_PDF, request.scope, lambda: render_annual_report_pdf(report), key=key
    )
    return _download(data, report_filename(report, "pdf"), "application/pdf")


def report_csv(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    if is_board_reader(request.scope):
        return _to_published(request, label, "csv")
    _year, report, _key = _report(request, label)
    _log_internal(request, report, label, "CSV")
    return _download(report_csv_zip(report), report_filename(report, "zip"), "application/zip")


def report_json_view(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    if is_board_reader(request.scope):
        return _to_published(request, label, "json")
    _year, report, _key = _report(request, label)
    _log_internal(request, report, label, "JSON")
    return _download(report_json(report), report_filename(report, "json"), "application/json")


def board_packet(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    """The program administrator's packet from today's figures (internal, or `?version=public`
    as releasing it would freeze it); anyone else only the packet released to the board."""
    scope = request.scope
    district = scope.require(Role.PROGRAM_ADMIN, Role.BOARD_MEMBER)
    year = _get_year(request, label)
    if not scope.is_program_admin:
        packet = _released_packet(request, year)
        if packet is None:
            raise Http404
        contents = packet.snapshot
        prepared_on = timezone.localdate(packet.released_at)
    else:
        contents = {
            "report": cached_report(
                scope=scope, school_year=year, public=request.GET.get("version") == "public"
            ),
            "agreements": agreement_status_rows(district=district, school_year=year),
            "deliveries": delivery_rows(school_year=year),
        }
        prepared_on = None
        if not contents["report"]["public"]:
            disclosure_record(
                request,
                what=_("Board packet (internal) %(year)s") % {"year": label},
                record_type="reports.board_packet",
                record_id=label,
                action=DOWNLOADED,
            )
    report = contents["report"]
    data = render_board_packet_pdf(
        report,
        agreements=contents["agreements"],
        deliveries=contents["deliveries"],
        prepared_on=prepared_on,
    )
    return _download(data, report_filename(report, "pdf", "board-packet"), "application/pdf")


def state_package_pdf(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    year = _get_year(request, label)
    package = state_package(district=district, school_year=year)
    name = f"state-data-package-{package['district_code']}-{year.label}.pdf"
    disclosure_record(
        request,
        what=_("State package %(year)s (PDF)") % {"year": label},
        record_type="reports.state",
        record_id=label,
        action=DOWNLOADED,
    )
    data = render_state_package_pdf(package, documents=agreement_documents(package))
    return _download(data, name, "application/pdf")


def state_package_csv(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    year = _get_year(request, label)
    package = state_package(district=district, school_year=year)
    data = state_package_zip(package)
    name = f"state-data-package-{package['district_code']}-{year.label}.zip"
    disclosure_record(
        request,
        what=_("State package %(year)s (CSV)") % {"year": label},
        record_type="reports.state",
        record_id=label,
        action=DOWNLOADED,
    )
    return _download(data, name, "application/zip")


@require_POST
def publish(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    scope = request.scope
    district = scope.require(*READERS)  # others get 403 before the year is looked up
    year = _get_year(request, label)
    if not scope.is_program_admin:
        raise PermissionDenied
    try:
        report_publish(district=district, school_year=year, by=request.user)
    except ReportError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request,
            _("The %(year)s report is published on the public page.") % {"year": year.label},
        )
    return redirect("reports:detail", label=year.label)


@require_POST
def withdraw(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    scope = request.scope
    district = scope.require(*READERS)
    year = _get_year(request, label)
    if not scope.is_program_admin:
        raise PermissionDenied
    try:
        report_withdraw(district=district, school_year=year, by=request.user)
    except ReportError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request, _("The %(year)s report is no longer public.") % {"year": year.label}
        )
    return redirect("reports:detail", label=year.label)


def published_history(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    request.scope.require(Role.PROGRAM_ADMIN)
    year = _get_year(request, label)
    published = get_object_or_404(
        PublishedReport, district=request.scope.district, school_year=year
    )
    return render_history(
        request,
        published,
        back_url=reverse("reports:detail", kwargs={"label": label}),
        title=_("Publication history: %(year)s") % {"year": label},
    )


# Releasing the board packet -------------------------------------------------------------------
def _packet_step(
    request: AuthenticatedHttpRequest, label: str, step: Any, done: str
) -> HttpResponse:
    scope = request.scope
    district = scope.require(*READERS)  # others get 403 before the year is looked up
    year = _get_year(request, label)
    if not scope.is_program_admin:
        raise PermissionDenied
    try:
        step(district=district, school_year=year, by=request.user)
    except ReportError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(request, done % {"year": year.label})
    return redirect("reports:detail", label=year.label)


@require_POST
def packet_release(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    return _packet_step(
        request,
        label,
        board_packet_release,
        _("The %(year)s board packet is released to the board members."),
    )


@require_POST
def packet_withdraw(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    return _packet_step(
        request,
        label,
        board_packet_withdraw,
        _("The %(year)s board packet is withdrawn from the board members."),
    )


def packet_history(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    request.scope.require(Role.PROGRAM_ADMIN)
    year = _get_year(request, label)
    packet = get_object_or_404(BoardPacket, district=request.scope.district, school_year=year)
    return render_history(
        request,
        packet,
        back_url=reverse("reports:detail", kwargs={"label": label}),
        title=_("Board packet history: %(year)s") % {"year": label},
    )


# Closing the year -----------------------------------------------------------------------------
@require_POST
def close_year(request: AuthenticatedHttpRequest, label: str) -> HttpResponse:
    """The program administrator closes a year whose report is published (with confirmation on
    the report page); a refusal is shown as the page's message."""
    scope = request.scope
    scope.require(*READERS)  # others get 403 before the year is looked up
    year = _get_year(request, label)
    if not scope.is_program_admin:
        raise PermissionDenied
    try:
        school_year_close(school_year=year, by=request.user)
    except ReportError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request,
            _(
                "The %(year)s school year is closed. Any later change to its records is listed "
                "in the report as a revision."
            )
            % {"year": year.label},
        )
    return redirect("reports:detail", label=year.label)
