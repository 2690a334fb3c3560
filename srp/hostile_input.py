"""Refuse requests that carry bytes no page of srp can use: a NUL byte, or text that is not
UTF-8, in the path, the query string, an urlencoded form body or a header.

Such bytes never come from a person typing into our pages; they reach code that cannot hold
them (PostgreSQL refuses a NUL in any text value, file systems refuse one in a file name), and
the visitor would get a server error. They get a 400 page instead, before the session, the
sign-in or any view reads the request. Forms still validate their own fields (Django's
`CharField` refuses NUL too); this is the one place that covers every raw read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader

URLENCODED = "application/x-www-form-urlencoded"
LARGEST_ID = 2**63 - 1  # the largest primary key any of our databases holds


def record_id(value: object) -> int | None:
    """`value` (a query or form value) as a record id, or None if it cannot be one.

    `str.isdigit()` alone is not enough: it accepts "²", which `int()` refuses, and a number no
    database column holds makes SQLite raise instead of finding nothing.
    """
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def _bad_bytes(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _wsgi_bytes(value: str) -> bytes:
    # WSGI hands over the raw bytes as latin-1 text; an ASGI server gives decoded text.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def _bad_percent_encoded(value: bytes) -> bool:
    return _bad_bytes(unquote_to_bytes(value.replace(b"+", b" ")))


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


def hostile_part(request: HttpRequest) -> str | None:
    """Which part of the request holds a NUL byte or invalid UTF-8, or None if none does."""
    meta = request.META
    # The server has already decoded the path's %-escapes; the query string keeps them.
    if _bad_bytes(_wsgi_bytes(meta.get("PATH_INFO", ""))) or "\x00" in request.path:
        return "path"
    if _bad_percent_encoded(_wsgi_bytes(meta.get("QUERY_STRING", ""))):
        return "query"
    # Headers may legitimately hold latin-1 text (a user agent, say), never a NUL byte.
    if _has_nul(str(v) for k, v in meta.items() if k.startswith(("HTTP_", "CONTENT_"))):
        return "header"
    # A form body is read here only when it is urlencoded (small: Django caps it, and the CSRF
    # check reads it anyway). A multipart body is left to the view, which may refuse it by its
    # size before reading it; its fields go through form fields that refuse NUL themselves, and
    # Django drops unprintable characters from the names of uploaded files.
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = meta.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type == URLENCODED and _bad_percent_encoded(request.body):
            return "form"
    return None


def bad_request_page() -> HttpResponse:
    # Rendered without the request: nothing in it is trusted, and the session, the user and
    # the language have not been read yet.
    return HttpResponseBadRequest(loader.get_template("400.html").render())


class HostileInputMiddleware:
    """Answer 400 to a request carrying a NUL byte or invalid UTF-8 (see the module docstring).

    Placed before the session middleware: a NUL in the session cookie must not reach the
    session store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if hostile_part(request) is not None:
            return bad_request_page()
        return self.get_response(request)
