"""PDFs of the annual report, the state data package (R-21) and the board packet (R-22)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError

from reports.presentation import build_sections
from srp.pdf import render_pdf

STYLESHEET = settings.BASE_DIR / "static" / "reports" / "report-pdf.css"


def _stylesheet() -> str:
    # Inlined rather than linked: the PDF loads nothing, and srp.pdf's fetcher is strict.
    return STYLESHEET.read_text(encoding="utf-8")


def _context(report: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "report": report,
        "sections": build_sections(report),
        "stylesheet": _stylesheet(),
        "printed_on": timezone.localdate(),
        **extra,
    }


def render_annual_report_pdf(report: dict[str, Any], *, language: str | None = None) -> bytes:
    return render_pdf("reports/pdf/annual_report.html", _context(report), language=language)


def render_board_packet_pdf(
    report: dict[str, Any],
    *,
    agreements: list[dict[str, Any]],
    deliveries: list[dict[str, Any]],
    prepared_on: datetime.date | None = None,
    language: str | None = None,
) -> bytes:
    """Cover, contents, the annual report, agreement status and the notice delivery record.

    `prepared_on` is the day a released packet was frozen (today for a packet drawn now)."""
    context = _context(report, agreements=agreements, deliveries=deliveries)
    if prepared_on is not None:
        context["printed_on"] = prepared_on
    return render_pdf("reports/pdf/board_packet.html", context, language=language)


def _pdf_pages(data: bytes) -> int | None:
    """The number of pages of a PDF, or None if it cannot be read."""
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError, OSError):
        return None


def render_state_package_pdf(
    package: dict[str, Any],
    *,
    documents: dict[int, bytes] | None = None,
    language: str | None = None,
) -> bytes:
    """The state data package, with the signed PDF of each adopted agreement appended in the
    order the package lists them (RCW 28A.320.1241(2)). `documents` maps an agreement's id to
    its file; an agreement without one, or whose file cannot be read, is listed as such."""
    documents = documents or {}
    readable = {pk: data for pk, data in documents.items() if _pdf_pages(data)}
    agreements = [
        {
            **agreement,
            "appended_pages": _pdf_pages(readable[agreement["id"]])
            if agreement["id"] in readable
            else None,
        }
        for agreement in package.get("agreements", [])
    ]
    context = {
        "package": package,
        "agreements": agreements,
        "stylesheet": _stylesheet(),
        "printed_on": timezone.localdate(),
    }
    appended = [readable[a["id"]] for a in agreements if a["appended_pages"]]
    if not appended:
        return render_pdf("reports/pdf/state_package.html", context, language=language)
    # The package and its appended agreements are one document, numbered "n / N" throughout:
    # WeasyPrint's own counter only knows the package's pages, so every page is stamped.
    main = render_pdf(
        "reports/pdf/state_package.html",
        {**context, "pages_stamped": True},
        language=language,
    )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(main)))
    for data in appended:
        writer.append(PdfReader(io.BytesIO(data)))
    _number_pages(writer, language=language)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _number_pages(writer: PdfWriter, *, language: str | None) -> None:
    """Stamp "n / N" on every page of `writer`, where the report's own footer puts it, whatever
    each page's size, origin or rotation (a signed agreement may be A4, scanned landscape or
    rotated)."""
    boxes = []
    for page in writer.pages:
        if page.rotation:
            page.transfer_rotation_to_content()  # upright content, so the stamp sits upright
        box = page.cropbox
        boxes.append((float(box.left), float(box.bottom), float(box.width), float(box.height)))
    total = len(boxes)
    overlay = PdfReader(
        io.BytesIO(
            render_pdf(
                "reports/pdf/page_numbers.html",
                {
                    "pages": [
                        {"width": width, "height": height, "label": f"{number} / {total}"}
                        for number, (_left, _bottom, width, height) in enumerate(boxes, 1)
                    ]
                },
                language=language,
            )
        )
    )
    for page, stamp, (left, bottom, _width, _height) in zip(
        writer.pages, overlay.pages, boxes, strict=True
    ):
        page.merge_transformed_page(stamp, Transformation().translate(left, bottom))
