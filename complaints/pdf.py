"""The response letter (R-08): a PDF on district letterhead in the family's language."""

from __future__ import annotations

import datetime

from django.conf import settings

from complaints.models import Complaint, LetterText
from srp.pdf import render_pdf


def letter_language(complaint: Complaint) -> str:
    """The family's language when the district wrote the letter in it or the app speaks it."""
    language = complaint.language
    site_languages = {code for code, _name in settings.LANGUAGES}
    if language in site_languages:
        return language
    if LetterText.objects.filter(district_id=complaint.district_id, language=language).exists():
        return language
    return "en"


def render_response_letter_pdf(*, complaint: Complaint, language: str, on: datetime.date) -> bytes:
    letter_text = LetterText.objects.filter(
        district_id=complaint.district_id, language=language
    ).first()
    return render_pdf(
        "complaints/pdf/response_letter.html",
        {
            "complaint": complaint,
            "district": complaint.district,
            "allegations": list(complaint.allegations.select_related("staff_member")),
            "letter_text": letter_text,
            "on": on,
        },
        language=language,
    )
