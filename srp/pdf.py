"""The one WeasyPrint helper every PDF goes through (`<app>/pdf.py` builds on it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from srp.languages import is_rtl


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render a template under `templates/<app>/pdf/` to PDF bytes, in `language` if given.

    Static files (the stylesheet, the logo) are read from `static/`; nothing is fetched from
    the network. The template receives `language_code` and `rtl` for `<html lang dir>`.
    """
    from weasyprint import HTML  # imported here: loading pango costs time at startup
    from weasyprint.urls import URLFetcher

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            template, {**context, "language_code": language, "rtl": is_rtl(language)}
        )
    base_url = str(settings.BASE_DIR / "static") + "/"
    # Only file: and data: URLs: a PDF never makes a network request.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
