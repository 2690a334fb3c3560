"""Bulk CSV imports of a district's reference data (schools, people, staff; issue #14).

The same rules as the calls import (R-16, `incidents/importer.py`): every row goes in or none
does, and a rejected file lists each error with its row and column. Each kind of import is an
`Importer`: its columns, a check of one row (no query per row: lookups are loaded once), an
optional check across rows, and a write that goes through the app's services. This module does
the rest, the same way for every kind:

1. read the bytes: at most `MAX_IMPORT_BYTES`, hashed (SHA-256) as they are read;
2. decode them: UTF-8, a byte-order mark allowed; UTF-16, invalid bytes and NUL characters are
   refused with the row they are on;
3. parse CSV strictly (a stray quote is an error, not a silently merged cell) and check the
   header: required columns present, no column twice, unknown columns named;
4. check every row (at most `MAX_IMPORT_ROWS`): cell length, control characters, then the
   importer's own rules; the first `MAX_ERRORS_KEPT` errors are kept with the total count;
5. only when the whole file is clean, write it in one transaction. A rule a service refuses
   while writing rolls the whole file back and is reported with its row.

A `BulkImport` records each file offered (who, when, name, size, SHA-256, counts, errors).
Cells are stored as typed: a cell like `=cmd` is text, never evaluated; every CSV export
neutralises such cells (`srp.csv_export.neutralise`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, ClassVar, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from srp.history import as_done_by
from srp.models import BulkImport
from srp.rules import RuleError

if TYPE_CHECKING:
    from srp.models import District, User

MB = 1024 * 1024
MAX_IMPORT_BYTES = 5 * MB
MAX_IMPORT_ROWS = 10_000
MAX_ERRORS_KEPT = 300
# A quoted value in an error message is cut to this many characters.
QUOTE_CHARS = 40
YES = frozenset({"yes", "y", "true", "1", "sí", "si"})
NO = frozenset({"no", "n", "false", "0"})
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x20), 0x7F)) | {"\u2028", "\u2029"}
_MULTILINE_OK = frozenset({"\n", "\r", "\t"})

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """A column of an import file. A required column must be in the header (and, unless
    `blank`, filled in every row); an optional one may be left out of the header, and an
    existing record then keeps its value."""

    name: str
    description: str | Promise
    example: str = ""
    required: bool = False
    blank: bool = True
    max_length: int = 200
    multiline: bool = False


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What a file gave: rows read, records created and updated, errors (the first kept)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(row, column, message))


class RowRefused(Exception):
    """Raised by an importer's write when a service refuses a row: the whole file is rolled
    back and the error is reported with its row and column."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.message = message


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file (the header is row 1) and its cells by column.
    A column absent from the header is absent here (`given` tells)."""

    number: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def given(self, name: str) -> bool:
        return name in self.cells


def quoted(value: str) -> str:
    """A cell's value as an error message may quote it: short, without control characters."""
    text = "".join(" " if ch in _CONTROL else ch for ch in value)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def parse_yes_no(row: Row, name: str, report: ImportReport, *, default: bool) -> bool | None:
    """A yes/no cell (empty: `default`); None after reporting an error."""
    value = row.get(name).lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    report.add(
        row.number,
        name,
        _("“%(value)s” is not yes or no.") % {"value": quoted(row.get(name))},
    )
    return None


def parse_email(row: Row, name: str, report: ImportReport, *, required: bool) -> str | None:
    """An email cell, lower-cased; "" when empty and not required; None after an error."""
    value = row.get(name).lower()
    if not value:
        if required:
            report.add(row.number, name, _("The email address is missing."))
            return None
        return ""
    try:
        validate_email(value)
    except ValidationError:
        report.add(
            row.number,
            name,
            _("“%(value)s” is not an email address.") % {"value": quoted(row.get(name))},
        )
        return None
    return value


def parse_choice(
    row: Row, name: str, report: ImportReport, choices: Iterable[tuple[str, object]]
) -> str | None:
    """A coded cell: the code (`high`) or its English label (`High`), any case."""
    pairs = list(choices)
    value = row.get(name)
    wanted = value.lower()
    for code, label in pairs:
        if wanted in (code.lower(), str(label).lower()):
            return code
    if not value:
        report.add(row.number, name, _("This value is missing."))
    else:
        report.add(
            row.number,
            name,
            _("Unknown value “%(value)s”; use one of: %(codes)s.")
            % {"value": quoted(value), "codes": ", ".join(code for code, _label in pairs)},
        )
    return None


class Importer(ABC, Generic[T]):
    """One kind of import. Subclasses name their columns, check one row at a time (returning
    the parsed record, or None after reporting its errors) and write the parsed records."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def __init__(self, *, district: District, by: User) -> None:
        self.district = district
        self.by = by

    @classmethod
    def column_names(cls) -> tuple[str, ...]:
        return tuple(c.name for c in cls.columns)

    @classmethod
    def template_rows(cls) -> list[list[str]]:
        """The example row of the downloadable template."""
        return [[c.example for c in cls.columns]]

    def prepare(self) -> None:  # noqa: B027 - an optional hook
        """Load what the checks look up (once per file, not once per row)."""

    @abstractmethod
    def check(self, row: Row, report: ImportReport) -> T | None:
        """Check one row; report its errors and return None, or return the parsed record."""

    def check_all(self, records: list[tuple[int, T]], report: ImportReport) -> None:  # noqa: B027
        """Rules across rows, once every row passed its own checks (optional)."""

    @abstractmethod
    def write(self, records: list[tuple[int, T]], report: ImportReport) -> None:
        """Write the records (inside the import's transaction), counting created and updated
        ones in `report`; raise `RowRefused` when a service refuses one."""


# Reading ----------------------------------------------------------------------------------
def _read_bytes(binary: IO[bytes], report: ImportReport) -> tuple[bytes | None, int, str]:
    """The file's bytes (None when too large), its size and its SHA-256 (of the whole file)."""
    digest = hashlib.sha256()
    kept = bytearray()
    size = 0
    while chunk := binary.read(1 << 16):
        digest.update(chunk)
        size += len(chunk)
        if size <= MAX_IMPORT_BYTES:
            kept += chunk
    if size > MAX_IMPORT_BYTES:
        report.add(
            0,
            "",
            _("The file is larger than %(max)s MB; split it into smaller files.")
            % {"max": MAX_IMPORT_BYTES // MB},
        )
        return None, size, digest.hexdigest()
    return bytes(kept), size, digest.hexdigest()


def _row_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, report: ImportReport) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.add(
            0,
            "",
            _(
                "The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and "
                "import it again."
            ),
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        report.add(
            _row_at(data, nul),
            "",
            _(
                "This row holds a NUL character (an invisible control character): the file "
                "is not plain CSV text. Save it as “CSV UTF-8” and import it again."
            ),
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.add(
            _row_at(data, exc.start),
            "",
            _(
                "The file is not UTF-8 text (this row holds a byte that is not UTF-8). Save it "
                "as “CSV UTF-8” and import it again."
            ),
        )
        return None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every CSV record; a quoted cell may span lines, so the number is
    the line the record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _header(cells: list[str], importer: Importer[T], report: ImportReport) -> list[str] | None:
    names = [quoted(c.strip().lower()) for c in cells]
    known = importer.column_names()
    ok = True
    for name in names:
        if name and name not in known:
            report.add(
                1,
                name,
                _("Column “%(name)s” is not one of this file's columns (%(columns)s).")
                % {"name": name, "columns": ", ".join(known)},
            )
            ok = False
        elif not name:
            report.add(1, "", _("A column has no name in the header."))
            ok = False
    for column in importer.columns:
        if column.required and column.name not in names:
            report.add(1, column.name, _("Column “%(name)s” is missing.") % {"name": column.name})
            ok = False
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            report.add(1, name, _("Column “%(name)s” appears twice.") % {"name": name})
            ok = False
        seen.add(name)
    return names if ok else None


def _check_cells(row: Row, importer: Importer[T], report: ImportReport) -> bool:
    """Lengths, control characters and required values; True when the row may be checked."""
    ok = True
    for column in importer.columns:
        if not row.given(column.name):
            continue
        value = row.get(column.name)
        allowed = _MULTILINE_OK if column.multiline else frozenset()
        if any(ch in _CONTROL and ch not in allowed for ch in value):
            report.add(
                row.number,
                column.name,
                _(
                    "This value holds a control character (a line break, a tab or an invisible "
                    "character); remove it."
                ),
            )
            ok = False
        elif len(value) > column.max_length:
            report.add(
                row.number,
                column.name,
                _("This value has %(n)s characters; at most %(max)s are allowed.")
                % {"n": len(value), "max": column.max_length},
            )
            ok = False
        elif column.required and not column.blank and not value:
            report.add(row.number, column.name, _("This value is missing."))
            ok = False
    return ok


def check_file(
    data: bytes, importer: Importer[T], report: ImportReport
) -> list[tuple[int, T]] | None:
    """Every error of the file, with its row and column; the parsed records when clean."""
    text = _decode(data, report)
    if text is None:
        return None
    importer.prepare()
    records: list[tuple[int, T]] = []
    header: list[str] | None = None
    try:
        for number, cells in _records(text):
            if header is None:
                if not any(c.strip() for c in cells):
                    report.add(1, "", _("The file is empty: the first row must name the columns."))
                    return None
                header = _header(cells, importer, report)
                if header is None:
                    return None
                continue
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            if report.rows > MAX_IMPORT_ROWS:
                report.rows -= 1
                report.add(
                    number,
                    "",
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": f"{MAX_IMPORT_ROWS:,}"},
                )
                return None
            if len(cells) != len(header):
                report.add(
                    number,
                    "",
                    _("This row has %(n)s cells; the header has %(m)s.")
                    % {"n": len(cells), "m": len(header)},
                )
                continue
            row = Row(number, {name: c.strip() for name, c in zip(header, cells, strict=True)})
            if not _check_cells(row, importer, report):
                continue
            before = report.error_count
            record = importer.check(row, report)
            if record is not None and report.error_count == before:
                records.append((number, record))
    except csv.Error as exc:
        report.add(
            0,
            "",
            _("The file is not a readable CSV file (%(error)s).") % {"error": quoted(str(exc))},
        )
        return None
    if header is None:
        report.add(1, "", _("The file is empty: the first row must name the columns."))
        return None
    if report.rows == 0:
        report.add(2, "", _("The file has a header but no rows."))
        return None
    if report.ok:
        importer.check_all(records, report)
    return records if report.ok else None


def run_import(
    importer: Importer[T], binary: IO[bytes], *, filename: str, check_only: bool = False
) -> tuple[BulkImport, ImportReport]:
    """Check the whole file, then (unless `check_only`) write it in one transaction, or
    nothing. Returns the saved `BulkImport` (its status says which) and the report."""
    started = time.monotonic()
    report = ImportReport()
    data, size, checksum = _read_bytes(binary, report)
    records = check_file(data, importer, report) if data is not None else None
    record = BulkImport(
        district=importer.district,
        kind=importer.kind,
        filename=filename[:255],
        size_bytes=size,
        checksum=checksum,
        uploaded_by=importer.by,
    )
    if records is not None and report.ok and check_only:
        record.status = BulkImport.Status.CHECKED
    elif records is not None and report.ok:
        try:
            with transaction.atomic():
                importer.write(records, report)
                record.status = BulkImport.Status.IMPORTED
                _save(record, report, started)
        except RowRefused as exc:
            _rolled_back(report)
            report.add(exc.row, exc.column, exc.message)
        except RuleError as exc:
            _rolled_back(report)
            report.add(0, "", exc.text)
        except IntegrityError:
            # Another person or import wrote one of these records meanwhile.
            _rolled_back(report)
            report.add(0, "", _("A record of this file was changed meanwhile; import it again."))
    if not report.ok:
        record.pk = None
        record.status = BulkImport.Status.REJECTED
    if record.pk is None:
        _save(record, report, started)
    return record, report


def _rolled_back(report: ImportReport) -> None:
    """Nothing the write did stands: no counts, no notes of what it sent."""
    report.created = report.updated = 0
    report.notes.clear()


def _save(record: BulkImport, report: ImportReport, started: float) -> None:
    record.rows = report.rows
    record.created_count = report.created
    record.updated_count = report.updated
    record.error_count = report.error_count
    record.errors = [e.as_dict() for e in report.errors]
    record.notes = list(report.notes)
    record.seconds = round(time.monotonic() - started, 2)
    as_done_by(record, record.uploaded_by)
    record.save()


# The upload form -----------------------------------------------------------------------------
class ImportFileForm(forms.Form):
    """The file of a bulk import; checked for size and name before a byte of it is read."""

    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8 (“CSV UTF-8” in a spreadsheet program), a header row naming the columns, "
            "at most 5 MB and 10,000 rows."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        size = upload.size or 0
        if size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the largest accepted is %(max)s MB.")
                % {"size": f"{size / MB:.1f}", "max": MAX_IMPORT_BYTES // MB}
            )
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Choose a .csv file."))
        return upload
