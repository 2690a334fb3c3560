"""Import calls from a police agency's CSV export (R-16): all-or-nothing, every error with its
row and column.

The file is read twice as a stream: the first pass checks every row (and takes the file's
SHA-256) keeping only one small integer per call (to catch rows of one call that disagree); the
second pass, run only when the whole file is clean, inserts calls and students in large chunks
inside one transaction: with COPY on PostgreSQL, with bulk_create elsewhere. Memory does not grow
with the size of the file beyond one dictionary entry per call.

The `ImportBatch` is the audit record of an import (who, when, file name, size, checksum, row
counts) and every imported call links to it; writing one history row per imported call and
student was most of the cost of an import, and said nothing the batch does not (R-23). Later
edits of an imported call are recorded by simple-history as usual.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import StaffMember
from incidents.models import (
    Call,
    CallOutcome,
    Disability,
    EnglishLearner,
    Grade,
    ImportBatch,
    RaceEthnicity,
    Reason,
    RequestedBy,
    Sex,
    StudentInvolved,
    StudentOutcome,
    StudentRole,
)
from srp.date_bounds import bounds_message, in_bounds
from srp.history import as_done_by
from srp.models import School

if TYPE_CHECKING:
    from srp.models import District, User

COLUMNS = (
    "call_ref",
    "occurred_at",
    "school_code",
    "requested_by",
    "reason",
    "emergency",
    "staff_badge",
    "call_outcome",
    "student_ref",
    "grade",
    "race_ethnicity",
    "sex",
    "disability",
    "english_learner",
    "student_outcome",
)
CALL_COLUMNS = COLUMNS[:8]
STUDENT_COLUMNS = COLUMNS[9:]  # student_ref may be empty even when a student is present
YES_NO = ("yes", "no")
CODES: dict[str, tuple[str, ...]] = {
    "requested_by": tuple(RequestedBy.values),
    "reason": tuple(Reason.values),
    "emergency": YES_NO,
    "call_outcome": tuple(CallOutcome.values),
    "grade": tuple(Grade.values),
    "race_ethnicity": tuple(RaceEthnicity.values),
    "sex": tuple(Sex.values),
    "disability": tuple(Disability.values),
    "english_learner": tuple(EnglishLearner.values),
    "student_outcome": tuple(StudentOutcome.values),
}
MAX_ERRORS_KEPT = 500
MAX_CELL = 200
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# Rows are written in chunks of this many calls (and their students).
BATCH_SIZE = 5000
# Row numbers are packed with a 64-bit fingerprint into one int per call.
_ROW_BITS = 32


@dataclass
class ImportError_:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    rows: int = 0
    calls: int = 0
    students: int = 0
    error_count: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    seconds: float = 0.0
    batch: ImportBatch | None = None
    calls_expected: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(ImportError_(row, column, message))


class _Source(io.RawIOBase):
    """The uploaded bytes as a raw stream (never closing the upload), hashed as they are read."""

    def __init__(self, binary: IO[bytes], digest: hashlib._Hash | None = None) -> None:
        self.binary = binary
        self.digest = digest
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.binary.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if self.digest is not None:
            self.digest.update(data)
        self.size += n
        return n


def _text_rows(source: _Source) -> Iterator[list[str]]:
    """Decode UTF-8 (a byte-order mark is allowed) as a stream; bad bytes raise."""
    text = io.TextIOWrapper(
        io.BufferedReader(source, 1 << 16), encoding="utf-8-sig", errors="strict", newline=""
    )
    return csv.reader(text)


def _parse_when(value: str, tz: datetime.tzinfo) -> datetime.datetime | None:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, tz)
    return parsed


class _Checker:
    def __init__(self, district: District) -> None:
        self.district = district
        self.schools = dict(
            School.objects.filter(district=district).values_list("building_code", "pk")
        )
        self.staff = dict(
            StaffMember.objects.filter(district=district).values_list("badge_number", "pk")
        )
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.call_codes = [(n, frozenset(v)) for n, v in CODES.items() if n in CALL_COLUMNS]
        self.student_codes = [(n, frozenset(v)) for n, v in CODES.items() if n not in CALL_COLUMNS]
        self._last_when: tuple[str, datetime.datetime | None] = ("", None)

    def when(self, raw: str) -> datetime.datetime | None:
        """Parse a date and time; the rows of one call repeat it, so the last one is kept."""
        if raw != self._last_when[0]:
            self._last_when = (raw, _parse_when(raw, self.tz))
        return self._last_when[1]


def _printable(text: str) -> str:
    """`text` without NUL characters, to be quoted in an error message that is stored."""
    return text.replace("\x00", "")


def _check_header(header: list[str] | None, result: ImportResult) -> bool:
    if not header:
        result.add(1, "", _("The file is empty: the first row must name the columns."))
        return False
    names = [_printable(h.strip()) for h in header]
    ok = True
    for name in names:
        if name not in COLUMNS:
            # Reported, and the file is rejected; the rows are still checked so that every
            # error is listed at once.
            result.add(
                1,
                name[:MAX_CELL],
                _("Column “%(name)s” is not allowed in this file.") % {"name": name[:MAX_CELL]},
            )
    for name in COLUMNS:
        if name not in names:
            result.add(1, name, _("Column “%(name)s” is missing.") % {"name": name})
            ok = False
    if len(set(names)) != len(names):
        result.add(1, "", _("A column appears twice."))
        ok = False
    return ok


def _check_row(
    values: dict[str, str], row: int, checker: _Checker, result: ImportResult
) -> datetime.datetime | None:
    """Check one row; returns its parsed time (None if the row has errors in it)."""
    before = result.error_count
    if max(map(len, values.values())) > MAX_CELL:
        for name, value in values.items():
            if len(value) > MAX_CELL:
                result.add(row, name, _("This value is too long."))
    ref = values["call_ref"]
    if not ref:
        result.add(row, "call_ref", _("The call reference is missing."))
    when = None
    raw_when = values["occurred_at"]
    if not raw_when:
        result.add(row, "occurred_at", _("The date and time are missing."))
    else:
        when = checker.when(raw_when)
        if when is None:
            result.add(
                row,
                "occurred_at",
                _("“%(value)s” is not a date and time like 2026-10-05T13:45.")
                % {"value": raw_when[:40]},
            )
        elif not in_bounds(when):
            # Before comparing: at the edges of the calendar the conversion to UTC overflows.
            result.add(row, "occurred_at", bounds_message())
        elif when > checker.now:
            result.add(row, "occurred_at", _("This date is in the future."))
    if values["school_code"] not in checker.schools:
        result.add(
            row,
            "school_code",
            _("No school of this district has building code “%(value)s”.")
            % {"value": values["school_code"][:40]},
        )
    if values["staff_badge"] not in checker.staff:
        result.add(
            row,
            "staff_badge",
            _("No staff member of this district has badge or employee number “%(value)s”.")
            % {"value": values["staff_badge"][:40]},
        )
    has_student = any(values[c] for c in STUDENT_COLUMNS) or bool(values["student_ref"])
    codes = checker.call_codes + checker.student_codes if has_student else checker.call_codes
    for name, allowed in codes:
        value = values[name]
        if value not in allowed:
            if not value:
                message = _("This value is missing.")
            else:
                message = _("Unknown code “%(value)s”; use one of: %(codes)s.") % {
                    "value": value[:40],
                    "codes": ", ".join(CODES[name]),
                }
            result.add(row, name, message)
    return when if result.error_count == before else None


def _row_values(cells: list[str], header: list[str]) -> dict[str, str]:
    return dict(zip(header, map(str.strip, cells), strict=False))


def _pack(fingerprint: int, row: int) -> int:
    return ((fingerprint & 0xFFFFFFFFFFFFFFFF) << _ROW_BITS) | row


def _unpack_row(packed: int) -> int:
    return packed & ((1 << _ROW_BITS) - 1)


def _recorded_refs(district: District, refs: Iterable[str]) -> Iterator[str]:
    """Those of `refs` already used by a recorded call of `district` (a voided call's number
    is free again), asked in chunks."""
    refs = iter(refs)
    size = 20_000 if connection.vendor == "postgresql" else 500
    while chunk := list(itertools.islice(refs, size)):
        if connection.vendor == "postgresql":
            # One array parameter rather than thousands of placeholders.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT call_ref FROM {connection.ops.quote_name(Call._meta.db_table)} "  # noqa: S608
                    "WHERE district_id = %s AND call_ref = ANY(%s) AND status = 'recorded'",
                    [district.pk, chunk],
                )
                yield from (r[0] for r in cursor.fetchall())
        else:
            yield from (
                Call.objects.recorded()
                .filter(district=district, call_ref__in=chunk)
                .values_list("call_ref", flat=True)
            )


def check_file(binary: IO[bytes] | _Source, district: District) -> ImportResult:
    """First pass: every error of the file, with its row and column."""
    result = ImportResult()
    checker = _Checker(district)
    # call_ref -> 64-bit fingerprint of the call's columns and the row that first gave them,
    # packed in one int: about 100 bytes a call, so a million rows stay well under 300 MB.
    fingerprints: dict[str, int] = {}
    source = binary if isinstance(binary, _Source) else _Source(binary)
    try:
        rows = _text_rows(source)
        header = next(rows, None)
        if not _check_header(header, result):
            return result
        header = [_printable(h.strip()) for h in header]
        width = len(header)
        for number, cells in enumerate(rows, start=2):
            if not cells or not any(c.strip() for c in cells):
                continue
            result.rows += 1
            if len(cells) != width:
                result.add(
                    number,
                    "",
                    _("This row has %(n)s cells; the header has %(m)s.")
                    % {"n": len(cells), "m": width},
                )
                continue
            if any("\x00" in cell for cell in cells):
                # A NUL character cannot be stored (PostgreSQL refuses it); the row's other
                # checks would only quote it back.
                for name, cell in zip(header, cells, strict=True):
                    if "\x00" in cell:
                        result.add(
                            number,
                            _printable(name),
                            _(
                                "This cell holds a NUL character (an invisible control "
                                "character). Remove it and upload the file again."
                            ),
                        )
                continue
            values = _row_values(cells, header)
            _check_row(values, number, checker, result)
            ref = values["call_ref"]
            if not ref:
                continue
            fingerprint = hash(tuple(map(values.__getitem__, CALL_COLUMNS)))
            seen = fingerprints.get(ref)
            if seen is None:
                fingerprints[ref] = _pack(fingerprint, number)
            elif seen >> _ROW_BITS != fingerprint & 0xFFFFFFFFFFFFFFFF:
                result.add(
                    number,
                    "call_ref",
                    _(
                        "The rows of call “%(ref)s” disagree: the call's columns differ from "
                        "row %(row)s."
                    )
                    % {"ref": ref[:40], "row": _unpack_row(seen)},
                )
    except UnicodeDecodeError:
        result.add(0, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        return result
    except csv.Error as exc:
        result.add(0, "", _("The file is not a readable CSV file (%(error)s).") % {"error": exc})
        return result
    if result.rows == 0 and result.ok:
        result.add(2, "", _("The file has a header but no rows."))
    result.calls_expected = len(fingerprints)
    # Call references already imported or entered in this district.
    for ref in _recorded_refs(district, fingerprints):
        result.add(
            _unpack_row(fingerprints[ref]),
            "call_ref",
            _("Call “%(ref)s” is already recorded in this district.") % {"ref": ref[:40]},
        )
    return result


# Second pass --------------------------------------------------------------------------------
def _columns(model: type) -> tuple[list[str], list[str], list[object]]:
    """Every concrete field of `model` but the primary key: attribute names, column names and
    the value a new row gets."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return (
        [f.attname for f in fields],
        [f.column for f in fields],
        [f.get_default() for f in fields],
    )


class _Writer:
    """Writes chunks of calls and students with bulk_create (SQLite and other databases)."""

    def __init__(self, *, batch: ImportBatch, by: User | None, now: datetime.datetime) -> None:
        self.call_attnames, self.call_columns, call_defaults = _columns(Call)
        self.student_attnames, self.student_columns, student_defaults = _columns(StudentInvolved)
        fixed = {
            "district_id": batch.district_id,
            "source": Call.Source.IMPORT,
            "status": Call.Status.RECORDED,
            "import_batch_id": batch.pk,
            "created_by_id": by.pk if by else None,
            "created_at": now,
        }
        self.call_template = [
            fixed.get(name, default)
            for name, default in zip(self.call_attnames, call_defaults, strict=True)
        ]
        self.student_template = list(student_defaults)
        self.call_index = {name: i for i, name in enumerate(self.call_attnames)}
        self.student_index = {name: i for i, name in enumerate(self.student_attnames)}

    def write_calls(self, calls: list[list[object]]) -> list[int]:
        """Insert the calls; returns their new ids, in order."""
        objs = [Call(**dict(zip(self.call_attnames, row, strict=True))) for row in calls]
        Call.objects.bulk_create(objs, batch_size=1000)
        return [c.pk for c in objs]

    def write_students(self, students: list[list[object]]) -> None:
        objs = [
            StudentInvolved(**dict(zip(self.student_attnames, row, strict=True)))
            for row in students
        ]
        StudentInvolved.objects.bulk_create(objs, batch_size=1000)


class _CopyWriter(_Writer):
    """PostgreSQL: call ids from the table's sequence, rows through COPY (no INSERT to build)."""

    def __init__(self, *, batch: ImportBatch, by: User | None, now: datetime.datetime) -> None:
        super().__init__(batch=batch, by=by, now=now)
        quote = connection.ops.quote_name
        self.call_sql = "COPY {} ({}) FROM STDIN".format(
            quote(Call._meta.db_table),
            ", ".join(quote(c) for c in [Call._meta.pk.column, *self.call_columns]),
        )
        self.student_sql = "COPY {} ({}) FROM STDIN".format(
            quote(StudentInvolved._meta.db_table),
            ", ".join(quote(c) for c in self.student_columns),
        )

    def write_calls(self, calls: list[list[object]]) -> list[int]:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [Call._meta.db_table, Call._meta.pk.column, len(calls)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            with cursor.cursor.copy(self.call_sql) as copy:
                for pk, row in zip(ids, calls, strict=True):
                    copy.write_row([pk, *row])
        return ids

    def write_students(self, students: list[list[object]]) -> None:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            with cursor.cursor.copy(self.student_sql) as copy:
                for row in students:
                    copy.write_row(row)


def _insert(
    binary: IO[bytes], district: District, by: User | None, batch: ImportBatch, result: ImportResult
) -> None:
    checker = _Checker(district)
    rows = _text_rows(_Source(binary))
    header = [h.strip() for h in next(rows)]
    at = {name: header.index(name) for name in COLUMNS}
    student_positions = [at[c] for c in ("student_ref", *STUDENT_COLUMNS)]
    writer_class = _CopyWriter if connection.vendor == "postgresql" else _Writer
    writer = writer_class(batch=batch, by=by, now=timezone.now())
    # call_ref -> id of the calls written so far (rows of one call need not be adjacent).
    call_ids: dict[str, int] = {}
    pending_refs: list[str] = []
    pending_calls: list[list[object]] = []
    pending_students: list[tuple[list[object], str]] = []
    queued: set[str] = set()

    def flush() -> None:
        if pending_calls:
            ids = writer.write_calls(pending_calls)
            call_ids.update(zip(pending_refs, ids, strict=True))
            result.calls += len(ids)
        if pending_students:
            call_id = writer.student_index["call_id"]
            students = []
            for student, ref in pending_students:
                student[call_id] = call_ids[ref]
                students.append(student)
            writer.write_students(students)
            result.students += len(students)
        pending_refs.clear()
        pending_calls.clear()
        pending_students.clear()
        queued.clear()

    schools, staff = checker.schools, checker.staff
    c, s = writer.call_index, writer.student_index
    call_template, student_template = writer.call_template, writer.student_template
    role = str(StudentRole.SUBJECT)
    for cells in rows:
        if not cells:
            continue
        cells = [v.strip() for v in cells]
        if not any(cells):
            continue
        ref = cells[at["call_ref"]]
        if ref not in call_ids and ref not in queued:
            queued.add(ref)
            pending_refs.append(ref)
            call = call_template.copy()
            call[c["school_id"]] = schools[cells[at["school_code"]]]
            call[c["call_ref"]] = ref
            call[c["occurred_at"]] = checker.when(cells[at["occurred_at"]])
            call[c["requested_by"]] = cells[at["requested_by"]]
            call[c["reason"]] = cells[at["reason"]]
            call[c["emergency"]] = cells[at["emergency"]] == "yes"
            call[c["responding_staff_id"]] = staff[cells[at["staff_badge"]]]
            call[c["outcome"]] = cells[at["call_outcome"]]
            pending_calls.append(call)
        if any(cells[i] for i in student_positions):
            student = student_template.copy()
            student[s["student_ref"]] = cells[at["student_ref"]]
            student[s["role"]] = role
            student[s["grade"]] = cells[at["grade"]]
            student[s["race_ethnicity"]] = cells[at["race_ethnicity"]]
            student[s["sex"]] = cells[at["sex"]]
            student[s["disability"]] = cells[at["disability"]]
            student[s["english_learner"]] = cells[at["english_learner"]]
            student[s["outcome"]] = cells[at["student_outcome"]]
            pending_students.append((student, ref))
        if len(pending_calls) >= BATCH_SIZE or len(pending_students) >= BATCH_SIZE:
            flush()
    flush()


def import_calls(
    binary: IO[bytes], *, district: District, filename: str, by: User | None
) -> ImportResult:
    """Check the whole file, then import it in one transaction, or import nothing.

    `binary` must be seekable (an uploaded file or an open file). An `ImportBatch` records the
    outcome: who, when, the file's name, size and SHA-256, the counts, and the first errors of
    a rejected file. Imported calls link to it.
    """
    started = time.monotonic()
    binary.seek(0)
    source = _Source(binary, hashlib.sha256())
    result = check_file(source, district)
    # The first pass may stop early (a bad header): hash the rest so the checksum is the file's.
    chunk = bytearray(1 << 20)
    while source.readinto(memoryview(chunk)):
        pass
    batch = ImportBatch(
        district=district,
        filename=filename[:255],
        uploaded_by=by,
        rows=result.rows,
        size_bytes=source.size,
        checksum=source.digest.hexdigest(),
    )
    if result.ok:
        binary.seek(0)
        try:
            with transaction.atomic():
                batch.status = ImportBatch.Status.IMPORTED
                as_done_by(batch, by)
                batch.save()
                _insert(binary, district, by, batch, result)
                batch.calls_created = result.calls
                batch.students_created = result.students
                batch.seconds = round(time.monotonic() - started, 2)
                batch.save(update_fields=["calls_created", "students_created", "seconds"])
        except IntegrityError:
            # Another import or a person recorded one of these calls meanwhile.
            result.calls = result.students = 0
            result.add(0, "call_ref", _("A call of this file was recorded meanwhile; try again."))
            batch.pk = None
    if not result.ok:
        batch.status = ImportBatch.Status.REJECTED
        batch.error_count = result.error_count
        batch.errors = [e.as_dict() for e in result.errors]
        batch.seconds = round(time.monotonic() - started, 2)
        as_done_by(batch, by)
        batch.save()
    result.seconds = time.monotonic() - started
    result.batch = batch
    return result
