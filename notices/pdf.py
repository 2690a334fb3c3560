"""The notice as PDF: one school in one language, and a school's bundle of every language."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from pypdf import PdfWriter

from notices.models import Notice, NoticeTranslation
from notices.selectors import school_notice_context
from srp.models import School
from srp.pdf import render_pdf

STYLESHEET = settings.BASE_DIR / "static" / "notices" / "notice-pdf.css"


def _stylesheet() -> str:
    # Given inline to WeasyPrint (never served to a browser) rather than linked: srp.pdf's URL
    # fetcher fails on WeasyPrint 70 (see the report), and a PDF needs no network anyway.
    return STYLESHEET.read_text(encoding="utf-8")


def render_school_notice_pdf(
    *, notice: Notice, translation: NoticeTranslation, school: School
) -> bytes:
    """A district letter: letterhead, the sections, the school's staff, the complaint QR code."""
    context = school_notice_context(notice=notice, translation=translation, school=school)
    context["printed_on"] = timezone.localdate()
    context["stylesheet"] = _stylesheet()
    return render_pdf("notices/pdf/notice.html", context, language=translation.language)


def written_translations(notice: Notice) -> list[NoticeTranslation]:
    """The complete translations, in the district's language order (English first)."""
    order = {code: i for i, code in enumerate(notice.district.family_languages or [])}
    translations = [t for t in notice.translations.all() if t.is_complete]
    return sorted(translations, key=lambda t: (order.get(t.language, len(order)), t.language))


def render_school_bundle_pdf(*, notice: Notice, school: School) -> bytes:
    """Every written language of the school's notice, one after the other, in one PDF."""
    writer = PdfWriter()
    for translation in written_translations(notice):
        pdf = render_school_notice_pdf(notice=notice, translation=translation, school=school)
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
