"""R-17: each school's notice as a PDF per language and a bundle, checked through its text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from notices.pdf import render_school_bundle_pdf, render_school_notice_pdf
from notices.services import TRANSLATION_FIELDS, notice_translation_save

COMPLAINT_URL = "https://srp.example.org/p/99001/complaints/new/"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with runs of whitespace made single spaces (table cells wrap lines)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def pdf_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://srp.example.org"


def squash(text: str) -> str:
    """PDF text breaks long lines (the URL wraps); compare without whitespace."""
    return "".join(text.split())


@pytest.mark.parametrize("language", ["en", "es"])
def test_pdf_has_the_schools_staff_and_the_complaint_address(world, notice, language):
    translation = notice.translations.get(language=language)
    pdf = render_school_notice_pdf(notice=notice, translation=translation, school=world.school_a)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Marisol Rivera" in text and "Wei Chen" in text
    assert "Ngozi Okafor" not in text  # works at Birch Middle only
    assert COMPLAINT_URL in squash(text)
    assert "Alder High" in text and world.district.name in text
    assert translation.title in text
    if language == "es":
        assert "Cómo presentar una queja" in text
        assert "Formulario de queja en línea" in text  # the labels are in Spanish too


def write_in(notice, language, sample: str):
    data = {name: f"{sample} {index}" for index, name in enumerate(TRANSLATION_FIELDS)}
    return notice_translation_save(
        notice=notice, language=language, data=data, by=notice.created_by
    )


def test_pdf_in_chinese_uses_a_font_that_covers_it(world, notice):
    world.district.family_languages = ["en", "es", "zh-hans"]
    world.district.save()
    translation = write_in(notice, "zh-hans", "学校安全人员通知")
    pdf = render_school_notice_pdf(notice=notice, translation=translation, school=world.school_b)
    text = pdf_text(pdf)
    assert "学校安全人员通知" in text
    assert "Ngozi Okafor" in text and "Marisol Rivera" in text
    assert COMPLAINT_URL in squash(text)
    assert any("WenQuanYi" in font or "CJK" in font for font in pdf_fonts(pdf)), pdf_fonts(pdf)
    # Table headings and kinds of staff come from the Chinese text too, never English.
    assert "School resource officer" not in text and "How to reach them" not in text


def test_pdf_in_arabic_is_laid_out_right_to_left(world, notice):
    from django.template.loader import render_to_string

    from notices.selectors import school_notice_context

    world.district.family_languages = ["en", "ar"]
    world.district.save()
    translation = write_in(notice, "ar", "موظفو السلامة في مدرستنا")
    html = render_to_string(
        "notices/pdf/notice.html",
        school_notice_context(notice=notice, translation=translation, school=world.school_a),
    )
    assert '<html lang="ar" dir="rtl">' in html
    pdf = render_school_notice_pdf(notice=notice, translation=translation, school=world.school_a)
    text = pdf_text(pdf)
    assert "Marisol Rivera" in text
    assert COMPLAINT_URL in squash(text)
    assert any("DejaVu" in font or "Noto" in font for font in pdf_fonts(pdf))


def test_bundle_holds_every_written_language(world, notice):
    pdf = render_school_bundle_pdf(notice=notice, school=world.school_a)
    text = pdf_text(pdf)
    assert "Safety and security staff at our schools" in text
    assert "Personal de seguridad en nuestras escuelas" in text
    assert text.count("Marisol Rivera") == 2
    assert squash(text).count(COMPLAINT_URL) == 2
