"""The one WeasyPrint helper every PDF goes through (`<app>/pdf.py` builds on it)."""

from __future__ import annotations

import functools
import mimetypes
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join

from srp.languages import is_rtl

# Relative URLs in a PDF template (`href="srp/pdf-base.css"`) resolve against this folder.
STATIC_SOURCE = Path(settings.BASE_DIR) / "static"


def static_file(url: str) -> Path | None:
    """The project's static file a URL names, or None when it names anything else.

    Understood: `file:` URLs inside `static/` (what relative URLs become against the PDF's base
    URL), `/static/...` as `{% static %}` writes it, and `static:path`. The path is looked up
    through the staticfiles finders (then `STATIC_ROOT`), so `..`, an encoded `%2e%2e` or an
    absolute path elsewhere never leaves the static folders.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "static":
        relative = unquote(parts.path)
    elif scheme == "file" and parts.netloc in ("", "localhost"):
        path = url2pathname(parts.path)
        source = str(STATIC_SOURCE) + "/"
        static_url = urlsplit(settings.STATIC_URL)
        url_prefix = "" if static_url.netloc else "/" + static_url.path.strip("/") + "/"
        if path.startswith(source):
            relative = path.removeprefix(source)
        elif url_prefix and path.startswith(url_prefix):
            relative = path.removeprefix(url_prefix)
        else:
            return None
    else:
        return None
    relative = posixpath.normpath(relative.lstrip("/"))
    if relative.startswith("..") or relative in ("", "."):
        return None
    try:
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            found = safe_join(str(settings.STATIC_ROOT), relative)
    except SuspiciousFileOperation:
        return None
    if found and Path(found).is_file():
        return Path(found)
    return None


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class StaticFilesFetcher(URLFetcher):
        """Serves a PDF the project's static files and `data:` URLs, and nothing else.

        A template can carry text a person wrote; an `<img src="file:///etc/passwd">` or a
        `<link href="http://10.0.0.1/...">` in it must not read the server's files or reach
        its network. A refusal raises, and WeasyPrint skips the resource with a warning.
        """

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise URLFetchingError(f"not one of this project's static files: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesFetcher


def url_fetcher() -> Any:
    """The fetcher a PDF is rendered with: static files and `data:` URLs only."""
    return _fetcher_class()(allowed_protocols={"data"})


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render a template under `templates/<app>/pdf/` to PDF bytes, in `language` if given.

    Only the project's static files (the stylesheet, the logo) and `data:` URLs are read;
    nothing else on disk, and nothing from the network. The template receives `language_code`
    and `rtl` for `<html lang dir>`.
    """
    from weasyprint import HTML  # imported here: loading pango costs time at startup

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            template, {**context, "language_code": language, "rtl": is_rtl(language)}
        )
    base_url = STATIC_SOURCE.as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher()).write_pdf()
