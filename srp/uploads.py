"""Uploaded files: checked by their bytes, size-limited, stored privately, served by checked views.

Files live in the default storage (MEDIA_ROOT or S3) under names nobody can guess; there is no
public URL for them. A view that has checked the user's scope returns `serve_upload(...)`.
"""

from __future__ import annotations

import mimetypes
import posixpath
import uuid
from collections.abc import Iterable

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
HEIC = "image/heic"
IMAGES_AND_PDF = frozenset({PDF, JPEG, PNG, GIF, WEBP, HEIC})
ONLY_PDF = frozenset({PDF})
MB = 1024 * 1024

TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WebP", HEIC: "HEIC"}


def sniff_content_type(upload: UploadedFile) -> str | None:
    """The type the file's first bytes show, whatever its name or declared type says."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_upload(
    upload: UploadedFile, *, allowed: Iterable[str] = IMAGES_AND_PDF, max_bytes: int = 10 * MB
) -> str:
    """Raise a ValidationError a person understands, or return the sniffed content type."""
    allowed = frozenset(allowed)
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the largest file accepted is %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_bytes),
            }
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name})
    content_type = sniff_content_type(upload)
    if content_type not in allowed:
        accepted = ", ".join(sorted(TYPE_NAMES.get(t, t) for t in allowed))
        raise ValidationError(
            _("“%(name)s” is not a file type we accept (%(accepted)s), whatever its name says.")
            % {"name": upload.name, "accepted": accepted}
        )
    return content_type


@deconstructible
class PrivateUploadTo:
    """An `upload_to` that stores files as `<prefix>/<uuid>.<ext>`: the original name is kept in
    a model field, never in the path. Deconstructible, so migrations can refer to it."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: object, filename: str) -> str:
        ext = posixpath.splitext(filename)[1].lower()[:10]
        return f"{self.prefix}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def private_upload_to(prefix: str) -> PrivateUploadTo:
    return PrivateUploadTo(prefix)


def serve_upload(
    file: FieldFile, *, filename: str, content_type: str | None = None
) -> FileResponse:
    """Send a stored file as a download. Call only after the scope check."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=content_type not in {PDF, JPEG, PNG, GIF, WEBP},
        filename=get_valid_filename(filename) or "file",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    response["Cache-Control"] = "private, no-store"
    return response
