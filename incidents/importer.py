"""Import calls from a police agency's CSV export (R-16): all-or-nothing, every error with its
row and column.

The file is read twice as a stream: the first pass checks every row and keeps only a small
fingerprint per call (to catch rows of one call that disagree); the second pass, run only when
the whole file is clean, inserts calls and students in batches inside one transaction. Memory
does not grow with the size of the file beyond those fingerprints.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
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
BATCH_SIZE = 2000


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

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(ImportError_(row, column, message))


def _text_rows(binary: IO[bytes]) -> Iterator[list[str]]:
    """Decode UTF-8 (a byte-order mark is allowed) as a stream; bad bytes raise."""
    reader = codecs.getreader("utf-8-sig")(binary, errors="strict")
    return csv.reader(reader)


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


def _check_header(header: list[str] | None, result: ImportResult) -> bool:
    if not header:
        result.add(1, "", _("The file is empty: the first row must name the columns."))
        return False
    names = [h.strip() for h in header]
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
        when = _parse_when(raw_when, checker.tz)
        if when is None:
            result.add(
                row,
                "occurred_at",
                _("“%(value)s” is not a date and time like 2026-10-05T13:45.")
                % {"value": raw_when[:40]},
            )
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
    for name, allowed in CODES.items():
        value = values[name]
        if name in STUDENT_COLUMNS and not has_student:
            continue
        if value not in allowed:
            if not value:
                message = _("This value is missing.")
            else:
                message = _("Unknown code “%(value)s”; use one of: %(codes)s.") % {
                    "value": value[:40],
                    "codes": ", ".join(allowed),
                }
            result.add(row, name, message)
    return when if result.error_count == before else None


def _row_values(cells: list[str], header: list[str]) -> dict[str, str]:
    return {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header)}


def check_file(binary: IO[bytes], district: District) -> ImportResult:
    """First pass: every error of the file, with its row and column."""
    result = ImportResult()
    checker = _Checker(district)
    fingerprints: dict[str, tuple[int, int]] = {}
    try:
        rows = _text_rows(binary)
        header = next(rows, None)
        if not _check_header(header, result):
            return result
        header = [h.strip() for h in header]
        for number, cells in enumerate(rows, start=2):
            if not cells or not any(c.strip() for c in cells):
                continue
            result.rows += 1
            if len(cells) != len(header):
                result.add(
                    number,
                    "",
                    _("This row has %(n)s cells; the header has %(m)s.")
                    % {"n": len(cells), "m": len(header)},
                )
                continue
            values = _row_values(cells, header)
            _check_row(values, number, checker, result)
            ref = values["call_ref"]
            if not ref:
                continue
            fingerprint = hash(tuple(values[c] for c in CALL_COLUMNS))
            seen = fingerprints.get(ref)
            if seen is None:
                fingerprints[ref] = (fingerprint, number)
            elif seen[0] != fingerprint:
                result.add(
                    number,
                    "call_ref",
                    _(
                        "The rows of call “%(ref)s” disagree: the call's columns differ from "
                        "row %(row)s."
                    )
                    % {"ref": ref[:40], "row": seen[1]},
                )
    except UnicodeDecodeError:
        result.add(0, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        return result
    except csv.Error as exc:
        result.add(0, "", _("The file is not a readable CSV file (%(error)s).") % {"error": exc})
        return result
    if result.rows == 0 and result.ok:
        result.add(2, "", _("The file has a header but no rows."))
    # Call references already imported or entered in this district.
    refs = list(fingerprints)
    for start in range(0, len(refs), 5000):
        chunk = refs[start : start + 5000]
        for ref in Call.objects.filter(district=district, call_ref__in=chunk).values_list(
            "call_ref", flat=True
        ):
            result.add(
                fingerprints[ref][1],
                "call_ref",
                _("Call “%(ref)s” is already recorded in this district.") % {"ref": ref[:40]},
            )
    return result


def _insert(
    binary: IO[bytes], district: District, by: User | None, batch: ImportBatch, result: ImportResult
) -> None:
    checker = _Checker(district)
    rows = _text_rows(binary)
    header = [h.strip() for h in next(rows)]
    call_ids: dict[str, int] = {}
    pending_calls: dict[str, Call] = {}
    pending_students: list[tuple[StudentInvolved, str]] = []
    now = timezone.now()

    def flush() -> None:
        calls = list(pending_calls.values())
        if calls:
            Call.objects.bulk_create(calls, batch_size=BATCH_SIZE)
            Call.history.bulk_history_create(
                calls,
                batch_size=BATCH_SIZE,
                default_user=by,
                default_date=now,
                default_change_reason="import",
            )
            for ref, call in pending_calls.items():
                call_ids[ref] = call.pk
            result.calls += len(calls)
            pending_calls.clear()
        students = []
        for student, ref in pending_students:
            student.call_id = call_ids[ref]
            students.append(student)
        if students:
            StudentInvolved.objects.bulk_create(students, batch_size=BATCH_SIZE)
            StudentInvolved.history.bulk_history_create(
                students,
                batch_size=BATCH_SIZE,
                default_user=by,
                default_date=now,
                default_change_reason="import",
            )
            result.students += len(students)
        pending_students.clear()

    for cells in rows:
        if not cells or not any(c.strip() for c in cells):
            continue
        values = _row_values(cells, header)
        ref = values["call_ref"]
        if ref not in call_ids and ref not in pending_calls:
            pending_calls[ref] = Call(
                district=district,
                school_id=checker.schools[values["school_code"]],
                call_ref=ref,
                occurred_at=_parse_when(values["occurred_at"], checker.tz),
                requested_by=values["requested_by"],
                reason=values["reason"],
                emergency=values["emergency"] == "yes",
                responding_staff_id=checker.staff[values["staff_badge"]],
                outcome=values["call_outcome"],
                source=Call.Source.IMPORT,
                import_batch=batch,
                created_by=by,
                created_at=now,
            )
        if any(values[c] for c in STUDENT_COLUMNS) or values["student_ref"]:
            pending_students.append(
                (
                    StudentInvolved(
                        student_ref=values["student_ref"],
                        role=StudentRole.SUBJECT,
                        grade=values["grade"],
                        race_ethnicity=values["race_ethnicity"],
                        sex=values["sex"],
                        disability=values["disability"],
                        english_learner=values["english_learner"],
                        outcome=values["student_outcome"],
                    ),
                    ref,
                )
            )
        if len(pending_calls) >= BATCH_SIZE or len(pending_students) >= BATCH_SIZE:
            flush()
    flush()


def import_calls(
    binary: IO[bytes], *, district: District, filename: str, by: User | None
) -> ImportResult:
    """Check the whole file, then import it in one transaction, or import nothing.

    `binary` must be seekable (an uploaded file or an open file). An `ImportBatch` records the
    outcome, with the first errors of a rejected file.
    """
    started = time.monotonic()
    binary.seek(0)
    result = check_file(binary, district)
    batch = ImportBatch(
        district=district,
        filename=filename[:255],
        uploaded_by=by,
        rows=result.rows,
    )
    if result.ok:
        binary.seek(0)
        try:
            with transaction.atomic():
                batch.status = ImportBatch.Status.IMPORTED
                batch._history_user = by
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
        batch._history_user = by
        batch.save()
    result.seconds = time.monotonic() - started
    result.batch = batch
    return result
