"""CSV downloads, streamed, with every cell neutralised against formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # byte-order mark: spreadsheet programs then read UTF-8 correctly
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([neutralise("" if v is None else v) for v in row])


def csv_response(
    filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV download; pass a lazy iterator (`.iterator()`) so memory stays flat."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
