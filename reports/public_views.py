"""The public transparency page (no login): the published, suppressed report, the adopted
agreements and the complaint process (R-22, R-26)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agreements.models import Agreement, Provider
from reports.apps import PUBLISHED
from reports.exports import report_csv_zip, report_filename, report_json
from reports.models import BoardPacket, PublishedReport
from reports.pdf import render_annual_report_pdf, render_board_packet_pdf
from reports.presentation import PUBLISHED_PACKET_PDF, PUBLISHED_PDF, rendered_body
from srp.cache import cached_figures, public
from srp.models import District


def _district(district_code: str) -> District:
    return get_object_or_404(District, code=district_code)


def _published(district: District, label: str) -> PublishedReport:
    return get_object_or_404(
        PublishedReport.objects.current().select_related("school_year"),
        district=district,
        school_year__label=label,
    )


def _complaint_urls(district: District) -> dict[str, str]:
    """The complaints app's public pages, when it provides them."""
    urls = {}
    for key, name in (
        ("process", "complaints_public:process"),
        ("file", "complaints_public:intake"),
    ):
        try:
            urls[key] = reverse(name, kwargs={"district_code": district.code})
        except NoReverseMatch:
            urls[key] = ""
    return urls


@login_not_required
def public_index(request: HttpRequest, district_code: str) -> HttpResponse:
    """The latest published report, or a clear note that none is published yet."""
    district = _district(district_code)
    published = list(
        PublishedReport.objects.current()
        .filter(district=district)
        .select_related("school_year")
        .order_by("-school_year__starts_on")
    )
    latest = published[0] if published else None
    return _render_public(request, district, latest, published)


@login_not_required
def public_report_view(request: HttpRequest, district_code: str, label: str) -> HttpResponse:
    district = _district(district_code)
    report = _published(district, label)
    published = list(
        PublishedReport.objects.current()
        .filter(district=district)
        .select_related("school_year")
        .order_by("-school_year__starts_on")
    )
    return _render_public(request, district, report, published)


def _render_public(request, district, report, published) -> HttpResponse:
    today = timezone.localdate()
    agreements = (
        Agreement.objects.filter(district=district)
        .in_force(today)
        .select_related("provider")
        .order_by("provider__name")
    )
    providers = Provider.objects.filter(district=district, active=True).order_by("name")
    rendered = {"nav": [], "body": ""}
    if report:
        # The publication's id and time identify the snapshot (a new publication replaces it).
        rendered = rendered_body(
            report.snapshot,
            audience=public(district),
            key=("published", report.pk, report.published_at.isoformat()),
            topic=PUBLISHED,
        )
    packet = (
        _released_public_packet(district, report.school_year.label) if report is not None else None
    )
    return render(
        request,
        "reports/public_report.html",
        {
            "district": district,
            "packet": packet,
            "published": report,
            "report": report.snapshot if report else None,
            "sections": rendered["nav"],
            "report_body": rendered["body"],
            "others": [p for p in published if report is None or p.pk != report.pk],
            "agreements": agreements,
            "providers": providers,
            "complaint_urls": _complaint_urls(district),
        },
    )


@login_not_required
def public_pdf(request: HttpRequest, district_code: str, label: str) -> HttpResponse:
    published = _published(_district(district_code), label)
    # Seconds of WeasyPrint on a public URL: made once per publication, day and language.
    data = cached_figures(
        PUBLISHED_PDF,
        public(published.district_id),
        lambda: render_annual_report_pdf(published.snapshot),
        key=(published.pk, published.published_at.isoformat()),
        topic=PUBLISHED,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(published.snapshot, "pdf")}"'
    )
    return response


@login_not_required
def public_csv(request: HttpRequest, district_code: str, label: str) -> HttpResponse:
    published = _published(_district(district_code), label)
    response = HttpResponse(report_csv_zip(published.snapshot), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(published.snapshot, "zip")}"'
    )
    return response


@login_not_required
def public_json(request: HttpRequest, district_code: str, label: str) -> HttpResponse:
    published = _published(_district(district_code), label)
    if not published.snapshot.get("public"):
        raise Http404  # never serve anything but the suppressed snapshot
    return HttpResponse(report_json(published.snapshot), content_type="application/json")


def _released_public_packet(district: District, label: str) -> BoardPacket | None:
    """The year's board packet as released to the board, if it is the suppressed version (a
    released packet always is: `reports.packages.board_packet_contents`)."""
    packet = (
        BoardPacket.objects.released()
        .filter(district=district, school_year__label=label)
        .select_related("school_year")
        .first()
    )
    if packet is None or not packet.snapshot.get("report", {}).get("public"):
        return None
    return packet


@login_not_required
def public_board_packet(request: HttpRequest, district_code: str, label: str) -> HttpResponse:
    """The board packet as released to the board: its frozen, suppressed contents (R-20, R-22),
    the same document the board members read. 404 until released, and once withdrawn."""
    district = _district(district_code)
    packet = _released_public_packet(district, label)
    if packet is None:
        raise Http404
    contents = packet.snapshot
    data = cached_figures(
        PUBLISHED_PACKET_PDF,
        public(district.pk),
        lambda: render_board_packet_pdf(
            contents["report"],
            agreements=contents["agreements"],
            deliveries=contents["deliveries"],
            prepared_on=timezone.localdate(packet.released_at),
        ),
        key=(packet.pk, packet.released_at.isoformat()),
        topic=PUBLISHED,
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = report_filename(contents["report"], "pdf", "board-packet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
