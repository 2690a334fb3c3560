"""Import a district's OneRoster 1.1 or 1.2 CSV export (a zip): all-or-nothing, every error
with its file, row and column.

What is read, and what is not:
- `manifest.csv`: the OneRoster version and which files the zip holds (bulk files only).
- `orgs.csv`: each org of type `school` is matched to a school of the district by its
  `identifier` (the state building code, `School.building_code`).
- `academicSessions.csv`: the `schoolYear` (e.g. 2027) names the srp school year (2026-27).
- `users.csv`: students (`role` in 1.1; in 1.2 a user with a student enrollment), their
  `identifier` (the district student number) and `grades`.
- `enrollments.csv`: which school each student is enrolled at (role `student`).
- `demographics.csv` (optional): sex and the race and ethnicity flags; disability and English
  learner from the `metadata.disability` and `metadata.englishLearner` extension columns when
  the district adds them.
Only the columns named above are picked from each row. Names, birth dates, contact details and
the place-of-birth columns (countryOfBirthCode, stateOfBirthAbbreviation, cityOfBirth) are
never looked at past the header: their positions are not picked, so their cells are dropped
with the row as the CSV reader hands it over, never checked, kept or stored; the result lists
them as dropped (R-22).

The zip is read as a stream twice (zipfile + csv over io.TextIOWrapper, never a whole member in
memory): the first pass checks everything, the second, only for a clean file, writes in one
transaction in chunks. Memory beyond a chunk is one 64-bit hash per user (and per enrollment in
the first pass) plus one small integer per student in the second.
"""

from __future__ import annotations

import csv
import hashlib
import io
import operator
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import connection, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sis.models import (
    DIMENSION_VALUES,
    DISABILITIES,
    ENGLISH_LEARNER,
    NOT_GIVEN,
    RACES,
    SEXES,
    Dimension,
    EnrollmentSubgroup,
    RosterImport,
    StudentRecord,
)
from srp.cache import data_changed
from srp.history import as_done_by
from srp.models import Enrollment, School, SchoolYear

if TYPE_CHECKING:
    from srp.models import District, User

VERSIONS = ("1.1", "1.2")
MAX_ERRORS_KEPT = 500
MAX_CELL = 200
# The uploaded zip, each member uncompressed, all members together, and how much smaller than
# its content a member may be (CSV compresses about 5-10 times; a bomb thousands of times).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 1024 * 1024 * 1024
MAX_TOTAL_BYTES = 3 * 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
MAX_MEMBERS = 100
CHUNK = 5000

REQUIRED_FILES = ("orgs", "academicSessions", "users", "enrollments")
OPTIONAL_FILES = ("demographics",)
PLACE_OF_BIRTH = ("countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth")
# Personal columns of the standard that are present in most exports and never read.
UNREAD_PERSONAL = {
    "users": (
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "preferredFirstName",
        "preferredMiddleName",
        "preferredLastName",
        "preferredGivenName",
        "preferredFamilyName",
        "pronouns",
        "email",
        "sms",
        "phone",
        "password",
        "userMasterIdentifier",
    ),
    "demographics": ("birthDate", *PLACE_OF_BIRTH, "publicSchoolResidenceStatus"),
}
RACE_FLAGS = (
    ("americanIndianOrAlaskaNative", "american_indian_alaska_native"),
    ("asian", "asian"),
    ("blackOrAfricanAmerican", "black_african_american"),
    ("nativeHawaiianOrOtherPacificIslander", "native_hawaiian_pacific_islander"),
    ("white", "white"),
)
DISABILITY_COLUMN = "metadata.disability"
ENGLISH_LEARNER_COLUMN = "metadata.englishLearner"

# Columns each file must have, by version (1.2 moved a user's role and orgs to roles.csv).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "orgs": {v: ("sourcedId", "status", "type", "identifier") for v in VERSIONS},
    "academicSessions": {v: ("sourcedId", "status", "type", "schoolYear") for v in VERSIONS},
    "users": {
        "1.1": ("sourcedId", "status", "orgSourcedIds", "role", "identifier", "grades"),
        "1.2": ("sourcedId", "status", "identifier", "grades"),
    },
    "enrollments": {
        v: ("sourcedId", "status", "schoolSourcedId", "userSourcedId", "role") for v in VERSIONS
    },
    "demographics": {
        v: (
            "sourcedId",
            "status",
            "sex",
            *(flag for flag, _code in RACE_FLAGS),
            "demographicRaceTwoOrMoreRaces",
            "hispanicOrLatinoEthnicity",
        )
        for v in VERSIONS
    },
}
# Columns read when present.
OPTIONAL_COLUMNS = {
    "users": ("role", "orgSourcedIds", "primaryOrgSourcedId"),
    "demographics": (DISABILITY_COLUMN, ENGLISH_LEARNER_COLUMN),
}

# CEDS grade levels to the call form's grades; others (13, PS, UG, Other) are "not given".
GRADE_CODES = {
    "IT": "PK",
    "PR": "PK",
    "PK": "PK",
    "TK": "K",
    "KG": "K",
    **{f"{n:02d}": str(n) for n in range(1, 13)},
    **{str(n): str(n) for n in range(1, 13)},
    "13": "",
    "PS": "",
    "UG": "",
    "OTHER": "",
}
SEX_CODES = {
    "female": "female",
    "male": "male",
    "other": "x",
    "x": "x",
    "unspecified": "",
    "": "",
}
FLAG = {"true": True, "false": False, "": None, "1": True, "0": False}
DISABILITY_CODES = {
    "idea": "idea",
    "iep": "idea",
    "section_504": "section_504",
    "504": "section_504",
    "none": "none",
    "no": "none",
    "false": "none",
    "": "",
}
ENGLISH_LEARNER_CODES = {"true": "yes", "yes": "yes", "false": "no", "no": "no", "": ""}
STATUSES = ("", "active", "tobedeleted")
YEAR = re.compile(r"^\d{4}$")


@dataclass
class RosterError:
    file: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class RosterResult:
    version: str = ""
    year_label: str = ""
    rows: int = 0
    schools: int = 0
    students: int = 0
    enrollments: int = 0
    error_count: int = 0
    errors: list[RosterError] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    record: RosterImport | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, file: str, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RosterError(file, row, column[:MAX_CELL], message))


class _Rejected(Exception):
    """The zip itself cannot be read on: the message is the file's one error."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.message = message


class _Limited(io.RawIOBase):
    """A member's bytes as a raw stream, refusing more than its declared size (and the cap)."""

    def __init__(self, raw: IO[bytes], name: str, limit: int) -> None:
        self.raw = raw
        self.name_ = name
        self.limit = limit
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        n = len(data)
        self.size += n
        if self.size > self.limit:
            raise _Rejected(self.name_, _("This file is larger than it says or than allowed."))
        buffer[:n] = data
        return n


def _printable(text: str) -> str:
    return text.replace("\x00", "")[:MAX_CELL]


def _key(value: str) -> int:
    """A compact stand-in for a sourcedId (64 bits; equal ids give equal keys in one run)."""
    return hash(value)


def year_label(school_year: str) -> str:
    """OneRoster's schoolYear is the year the school year ends in: 2027 is srp's 2026-27."""
    end = int(school_year)
    return f"{end - 1}-{end % 100:02d}"


class _Archive:
    """The zip: its members checked against bombs and size before any is read."""

    def __init__(self, binary: IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(binary)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _Rejected("", _("The file is not a zip archive (OneRoster CSV export).")) from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _Rejected("", _("The zip holds too many files."))
        self.members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename.rsplit("/", 1)[-1]
            total += info.file_size
            if info.flag_bits & 0x1:
                raise _Rejected(name, _("This file is encrypted; export the roster unencrypted."))
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise _Rejected(
                    name,
                    _("This file is too large: at most %(max)s MB each uncompressed.")
                    % {"max": MAX_MEMBER_BYTES // (1024 * 1024)},
                )
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _Rejected(
                    name,
                    _(
                        "This file is compressed more than %(ratio)s times: it is not an export "
                        "of a student information system (a zip bomb?)."
                    )
                    % {"ratio": MAX_RATIO},
                )
            if "/" not in info.filename or name not in self.members:
                self.members[name] = info

    def has(self, name: str) -> bool:
        return name in self.members

    def rows(self, name: str) -> Iterator[list[str]]:
        info = self.members[name]
        raw = _Limited(self.zip.open(info), name, min(info.file_size, MAX_MEMBER_BYTES))
        text = io.TextIOWrapper(
            io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", errors="strict", newline=""
        )
        return csv.reader(text)


class _Table:
    """One CSV member: its header checked, and its rows as tuples of the picked columns only."""

    def __init__(
        self, archive: _Archive, stem: str, version: str, result: RosterResult | None
    ) -> None:
        self.name = f"{stem}.csv"
        self.result = result
        self.memo: dict[tuple[str, ...], _Demographics] = {}
        self.reader = archive.rows(self.name)
        header = next(self.reader, None)
        self.ok = True
        if not header:
            self._error(1, "", _("The file is empty: the first row must name the columns."))
            self.ok = False
            return
        names = [h.strip() for h in header]
        self.width = len(names)
        required = COLUMNS[stem][version]
        for column in required:
            if column not in names:
                self._error(
                    1,
                    column,
                    _("Column “%(name)s” is missing (OneRoster %(version)s).")
                    % {"name": column, "version": version},
                )
                self.ok = False
        if len(set(names)) != len(names):
            self._error(1, "", _("A column appears twice."))
            self.ok = False
        wanted = [c for c in (*required, *OPTIONAL_COLUMNS.get(stem, ())) if c in names]
        self.at = {column: i for i, column in enumerate(wanted)}
        positions = [names.index(c) for c in wanted] if self.ok else [0]
        # Only these positions are ever taken from a row; every other cell (a name, a birth
        # date, a place of birth) is dropped with the row, unread.
        self.pick: Callable[[list[str]], tuple[str, ...]] = (
            operator.itemgetter(*positions)
            if len(positions) > 1
            else (lambda row: (row[positions[0]],))
        )
        if result is not None:
            for column in UNREAD_PERSONAL.get(stem, ()):
                if column in names:
                    result.dropped_columns.append(f"{self.name}: {column}")

    def _error(self, row: int, column: str, message: str) -> None:
        if self.result is not None:
            self.result.add(self.name, row, column, message)

    def __iter__(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        width, pick = self.width, self.pick
        for number, cells in enumerate(self.reader, start=2):
            if len(cells) != width:
                if not cells or not any(c.strip() for c in cells):
                    continue
                self._error(
                    number,
                    "",
                    _("This row has %(n)s cells; the header has %(m)s.")
                    % {"n": len(cells), "m": width},
                )
                continue
            values = tuple(map(str.strip, pick(cells)))
            if self.result is not None:
                self.result.rows += 1
                if "\x00" not in "".join(values) and max(map(len, values)) <= MAX_CELL:
                    yield number, values
                    continue
                bad = [i for i, v in enumerate(values) if len(v) > MAX_CELL or "\x00" in v]
                if bad:
                    names = list(self.at)
                    for i in bad:
                        self._error(
                            number,
                            names[i],
                            _("This value is too long or holds a NUL character."),
                        )
                    continue
            yield number, values


# Values ---------------------------------------------------------------------------------------
def _grade(raw: str) -> str | None:
    """The call form's grade of a `grades` cell ("" when not given; None when unknown)."""
    known = GRADE_CODES.get(raw)
    if known is not None:
        return known
    first = raw.split(",", 1)[0].strip().upper()
    if not first:
        return ""
    return GRADE_CODES.get(first)


def _race(flags: list[bool | None], two_or_more: bool | None, hispanic: bool | None) -> str:
    """The federal rule: Hispanic or Latino of any race; else two or more; else the one race."""
    if hispanic:
        return "hispanic_latino"
    chosen = [code for (_flag, code), on in zip(RACE_FLAGS, flags, strict=True) if on]
    if two_or_more or len(chosen) > 1:
        return "two_or_more"
    return chosen[0] if chosen else ""


@dataclass
class _Demographics:
    race: str
    sex: str
    disability: str
    english_learner: str


_RACE_INDEX = {code: i for i, code in enumerate(("", *RACES))}
_SEX_INDEX = {code: i for i, code in enumerate(("", *SEXES))}
_DISABILITY_INDEX = {code: i for i, code in enumerate(("", *DISABILITIES))}
_EL_INDEX = {code: i for i, code in enumerate(("", *ENGLISH_LEARNER))}
_RACE_OF = ("", *RACES)
_SEX_OF = ("", *SEXES)
_DISABILITY_OF = ("", *DISABILITIES)
_EL_OF = ("", *ENGLISH_LEARNER)


def _pack(d: _Demographics) -> int:
    return (
        _RACE_INDEX[d.race]
        | _SEX_INDEX[d.sex] << 4
        | _DISABILITY_INDEX[d.disability] << 6
        | _EL_INDEX[d.english_learner] << 8
    )


def _unpack(packed: int) -> _Demographics:
    return _Demographics(
        _RACE_OF[packed & 0xF],
        _SEX_OF[packed >> 4 & 0x3],
        _DISABILITY_OF[packed >> 6 & 0x3],
        _EL_OF[packed >> 8 & 0x3],
    )


_MEMO_LIMIT = 50_000


def _demographics_row(
    table: _Table, number: int, values: tuple[str, ...], result: RosterResult | None
) -> _Demographics | None:
    """The demographics of a row; a file holds few distinct combinations, so a valid one is
    remembered (by its cells but the id and status) and not worked out again."""
    memo: dict[tuple[str, ...], _Demographics] = table.memo
    key = values[2:]
    found = memo.get(key)
    if found is not None:
        return found
    found = _work_out_demographics(table, number, values, result)
    if found is not None and len(memo) < _MEMO_LIMIT:
        memo[key] = found
    return found


def _work_out_demographics(
    table: _Table, number: int, values: tuple[str, ...], result: RosterResult | None
) -> _Demographics | None:
    at = table.at

    def flag(column: str) -> bool | None:
        raw = values[at[column]].lower()
        if raw in FLAG:
            return FLAG[raw]
        if result is not None:
            result.add(
                table.name,
                number,
                column,
                _("“%(value)s” is not true or false.") % {"value": _printable(raw)[:40]},
            )
        return None

    def code(column: str, codes: dict[str, str]) -> str:
        raw = values[at[column]]
        value = codes.get(raw.lower())
        if value is None:
            if result is not None:
                result.add(
                    table.name,
                    number,
                    column,
                    _("Unknown value “%(value)s”; use one of: %(codes)s.")
                    % {"value": _printable(raw)[:40], "codes": ", ".join(k for k in codes if k)},
                )
            return ""
        return value

    before = result.error_count if result is not None else 0
    demographics = _Demographics(
        race=_race(
            [flag(column) for column, _code in RACE_FLAGS],
            flag("demographicRaceTwoOrMoreRaces"),
            flag("hispanicOrLatinoEthnicity"),
        ),
        sex=code("sex", SEX_CODES),
        disability=code(DISABILITY_COLUMN, DISABILITY_CODES) if DISABILITY_COLUMN in at else "",
        english_learner=(
            code(ENGLISH_LEARNER_COLUMN, ENGLISH_LEARNER_CODES)
            if ENGLISH_LEARNER_COLUMN in at
            else ""
        ),
    )
    if result is not None and result.error_count != before:
        return None
    return demographics


# First pass -----------------------------------------------------------------------------------
@dataclass
class _Plan:
    version: str = ""
    school_year: SchoolYear | None = None
    # org sourcedId -> srp School id, for the orgs of type school.
    schools: dict[str, int] = field(default_factory=dict)
    other_orgs: set[str] = field(default_factory=set)


def _status_ok(table: _Table, number: int, values: tuple[str, ...], result: RosterResult) -> bool:
    """False for a row to skip: `tobedeleted`, or an unknown status (an error)."""
    status = values[table.at["status"]].lower()
    if status not in STATUSES:
        result.add(
            table.name,
            number,
            "status",
            _("Unknown status “%(value)s”; use active or tobedeleted.")
            % {"value": _printable(status)[:40]},
        )
        return False
    return status != "tobedeleted"


def _duplicate(
    seen: set[int], table: _Table, number: int, sourced_id: str, result: RosterResult
) -> bool:
    key = _key(sourced_id)
    if not sourced_id:
        result.add(table.name, number, "sourcedId", _("The sourcedId is missing."))
        return True
    if key in seen:
        result.add(
            table.name,
            number,
            "sourcedId",
            _("sourcedId “%(value)s” appears more than once in this file.")
            % {"value": _printable(sourced_id)[:60]},
        )
        return True
    seen.add(key)
    return False


def _read_manifest(archive: _Archive, result: RosterResult) -> str:
    if not archive.has("manifest.csv"):
        result.add("manifest.csv", 0, "", _("The zip has no manifest.csv."))
        return ""
    reader = archive.rows("manifest.csv")
    header = [h.strip() for h in next(reader, [])]
    if header[:2] != ["propertyName", "value"]:
        result.add(
            "manifest.csv",
            1,
            "",
            _("The header must be “propertyName,value”."),
        )
        return ""
    properties: dict[str, tuple[int, str]] = {}
    for number, cells in enumerate(reader, start=2):
        if len(cells) >= 2 and number < 1000:
            properties[cells[0].strip()] = (number, cells[1].strip())
    version = properties.get("oneroster.version", (0, ""))[1]
    if version not in VERSIONS:
        row = properties.get("oneroster.version", (0, ""))[0]
        result.add(
            "manifest.csv",
            row,
            "oneroster.version",
            _("OneRoster version “%(value)s” is not supported; export version 1.1 or 1.2.")
            % {"value": _printable(version)[:20]},
        )
        return ""
    for stem in (*REQUIRED_FILES, *OPTIONAL_FILES):
        row, mode = properties.get(f"file.{stem}", (0, "absent"))
        mode = mode.lower()
        name = f"{stem}.csv"
        if mode == "delta":
            result.add(
                "manifest.csv",
                row,
                f"file.{stem}",
                _("%(file)s is a delta file; export the whole roster (bulk).") % {"file": name},
            )
        elif mode == "bulk" and not archive.has(name):
            result.add(name, 0, "", _("The manifest lists %(file)s but the zip does not hold it.")
                       % {"file": name})  # fmt: skip
        elif stem in REQUIRED_FILES and mode != "bulk":
            result.add(
                name,
                0,
                "",
                _("%(file)s is missing: a roster needs orgs, academicSessions, users and "
                  "enrollments.") % {"file": name},
            )  # fmt: skip
    return version


def _check_orgs(archive: _Archive, plan: _Plan, district: District, result: RosterResult) -> None:
    table = _Table(archive, "orgs", plan.version, result)
    if not table.ok:
        return
    codes = dict(School.objects.filter(district=district).values_list("building_code", "pk"))
    seen: set[int] = set()
    at = table.at
    for number, values in table:
        if _duplicate(seen, table, number, values[at["sourcedId"]], result):
            continue
        if not _status_ok(table, number, values, result):
            continue
        sourced_id = values[at["sourcedId"]]
        if values[at["type"]].lower() != "school":
            plan.other_orgs.add(sourced_id)
            continue
        identifier = values[at["identifier"]]
        school_id = codes.get(identifier)
        if school_id is None:
            result.add(
                table.name,
                number,
                "identifier",
                _("No school of this district has building code “%(value)s”.")
                % {"value": _printable(identifier)[:40]},
            )
            continue
        plan.schools[sourced_id] = school_id


def _check_sessions(
    archive: _Archive, plan: _Plan, district: District, result: RosterResult
) -> None:
    table = _Table(archive, "academicSessions", plan.version, result)
    if not table.ok:
        return
    seen: set[int] = set()
    at = table.at
    years: set[str] = set()
    other_years: set[str] = set()
    for number, values in table:
        if _duplicate(seen, table, number, values[at["sourcedId"]], result):
            continue
        if not _status_ok(table, number, values, result):
            continue
        raw = values[at["schoolYear"]]
        if not raw:
            continue
        if not YEAR.match(raw):
            result.add(
                table.name,
                number,
                "schoolYear",
                _("“%(value)s” is not a year like 2027.") % {"value": _printable(raw)[:20]},
            )
            continue
        (years if values[at["type"]] == "schoolYear" else other_years).add(raw)
    chosen = max(years or other_years, default="")
    if not chosen:
        result.add(
            table.name,
            0,
            "schoolYear",
            _("No academic session names its school year (schoolYear, like 2027)."),
        )
        return
    label = year_label(chosen)
    result.year_label = label
    plan.school_year = SchoolYear.objects.filter(district=district, label=label).first()
    if plan.school_year is None:
        result.add(
            table.name,
            0,
            "schoolYear",
            _(
                "School year %(label)s (schoolYear %(year)s) is not set up in this district; add "
                "it under School years first."
            )
            % {"label": label, "year": chosen},
        )
    elif plan.school_year.closed_at is not None:
        result.add(
            table.name,
            0,
            "schoolYear",
            _("School year %(label)s is closed: its figures are final.") % {"label": label},
        )


def _check_users(archive: _Archive, plan: _Plan, result: RosterResult) -> set[int]:
    table = _Table(archive, "users", plan.version, result)
    users: set[int] = set()
    if not table.ok:
        return users
    numbers: set[int] = set()
    at = table.at
    role_at = at.get("role")
    for number, values in table:
        if _duplicate(users, table, number, values[at["sourcedId"]], result):
            continue
        if not _status_ok(table, number, values, result):
            continue
        if role_at is not None and values[role_at].lower() != "student":
            continue
        if _grade(values[at["grades"]]) is None:
            result.add(
                table.name,
                number,
                "grades",
                _("Unknown grade “%(value)s”; use the CEDS codes (PK, KG, 01 to 12).")
                % {"value": _printable(values[at["grades"]])[:20]},
            )
        identifier = values[at["identifier"]]
        if identifier:
            key = _key(identifier)
            if key in numbers:
                result.add(
                    table.name,
                    number,
                    "identifier",
                    _("District student number “%(value)s” appears for two students.")
                    % {"value": _printable(identifier)[:40]},
                )
            numbers.add(key)
    return users


def _check_demographics(archive: _Archive, plan: _Plan, result: RosterResult) -> None:
    if not archive.has("demographics.csv"):
        return
    table = _Table(archive, "demographics", plan.version, result)
    if not table.ok:
        return
    seen: set[int] = set()
    for number, values in table:
        if _duplicate(seen, table, number, values[table.at["sourcedId"]], result):
            continue
        if not _status_ok(table, number, values, result):
            continue
        _demographics_row(table, number, values, result)


def _check_enrollments(
    archive: _Archive, plan: _Plan, users: set[int], result: RosterResult
) -> None:
    table = _Table(archive, "enrollments", plan.version, result)
    if not table.ok:
        return
    seen: set[int] = set()
    at = table.at
    for number, values in table:
        if _duplicate(seen, table, number, values[at["sourcedId"]], result):
            continue
        if not _status_ok(table, number, values, result):
            continue
        if values[at["role"]].lower() != "student":
            continue
        school = values[at["schoolSourcedId"]]
        if school not in plan.schools:
            result.add(
                table.name,
                number,
                "schoolSourcedId",
                _("“%(value)s” is not a school of this district in orgs.csv.")
                % {"value": _printable(school)[:60]},
            )
        user = values[at["userSourcedId"]]
        if _key(user) not in users:
            result.add(
                table.name,
                number,
                "userSourcedId",
                _("No user “%(value)s” in users.csv.") % {"value": _printable(user)[:60]},
            )
        result.enrollments += 1


def _check(archive: _Archive, district: District, result: RosterResult) -> _Plan:
    plan = _Plan()
    plan.version = _read_manifest(archive, result)
    result.version = plan.version
    if not result.ok:
        return plan
    _check_orgs(archive, plan, district, result)
    _check_sessions(archive, plan, district, result)
    users = _check_users(archive, plan, result)
    _check_demographics(archive, plan, result)
    _check_enrollments(archive, plan, users, result)
    if not plan.schools and result.ok:
        result.add("orgs.csv", 0, "type", _("No org of type school in this file."))
    return plan


# Second pass ----------------------------------------------------------------------------------
_STUDENT_COLUMNS = (
    "district_id",
    "student_number",
    "grade",
    "race_ethnicity",
    "sex",
    "disability",
    "english_learner",
    "school_year_id",
    "roster_import_id",
)
_ROWS_PER_STATEMENT = 500


def _upsert_students(rows: list[tuple[str | int, ...]]) -> None:
    """Insert or update student records, many rows per statement (SQLite and PostgreSQL both
    take `ON CONFLICT ... DO UPDATE`). The SIS is the source of these records: the newest
    import's values replace the old ones, and each record names the import that wrote it (the
    import is the audit record, R-23, as for imported calls)."""
    quote = connection.ops.quote_name
    table = quote(StudentRecord._meta.db_table)
    columns = ", ".join(quote(c) for c in _STUDENT_COLUMNS)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _STUDENT_COLUMNS[2:])
    one = "(" + ", ".join(["%s"] * len(_STUDENT_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ({quote('district_id')}, {quote('student_number')}) "
                f"DO UPDATE SET {updates}",
                [value for row in chunk for value in row],
            )


class _Writer:
    def __init__(self, *, plan: _Plan, record: RosterImport) -> None:
        self.plan = plan
        self.record = record
        # School ids of the file, each given a bit (a student may be at two schools).
        self.school_ids = sorted(set(plan.schools.values()))
        self.bit_of = {pk: i for i, pk in enumerate(self.school_ids)}
        self.org_bit = {org: 1 << self.bit_of[pk] for org, pk in plan.schools.items()}
        self.totals = [0] * len(self.school_ids)
        self.counts: dict[tuple[int, str, str], int] = {}

    def demographics(self, archive: _Archive) -> dict[int, int]:
        packed: dict[int, int] = {}
        if not archive.has("demographics.csv"):
            return packed
        table = _Table(archive, "demographics", self.plan.version, None)
        at = table.at
        for number, values in table:
            if values[at["status"]].lower() == "tobedeleted":
                continue
            found = _demographics_row(table, number, values, None)
            if found is not None:
                value = _pack(found)
                if value:
                    packed[_key(values[at["sourcedId"]])] = value
        return packed

    def enrollments(self, archive: _Archive) -> dict[int, int]:
        masks: dict[int, int] = {}
        table = _Table(archive, "enrollments", self.plan.version, None)
        at = table.at
        role, status, user, school = (
            at["role"],
            at["status"],
            at["userSourcedId"],
            at["schoolSourcedId"],
        )
        org_bit = self.org_bit
        for _number, values in table:
            if values[role].lower() != "student" or values[status].lower() == "tobedeleted":
                continue
            key = _key(values[user])
            masks[key] = masks.get(key, 0) | org_bit[values[school]]
        return masks

    def _count(self, mask: int, grade: str, d: _Demographics) -> None:
        counts = self.counts
        values = (
            (Dimension.GRADE, grade or NOT_GIVEN),
            (Dimension.RACE, d.race or NOT_GIVEN),
            (Dimension.SEX, d.sex or NOT_GIVEN),
            (Dimension.DISABILITY, d.disability or NOT_GIVEN),
            (Dimension.ENGLISH_LEARNER, d.english_learner or NOT_GIVEN),
        )
        bit = 0
        while mask:
            if mask & 1:
                self.totals[bit] += 1
                for dimension, value in values:
                    key = (bit, dimension, value)
                    counts[key] = counts.get(key, 0) + 1
            mask >>= 1
            bit += 1

    def users(self, archive: _Archive, demographics: dict[int, int], masks: dict[int, int]) -> int:
        table = _Table(archive, "users", self.plan.version, None)
        at = table.at
        role_at = at.get("role")
        orgs_at = at.get("orgSourcedIds")
        primary_at = at.get("primaryOrgSourcedId")
        record = self.record
        district_id, year_id = record.district_id, self.plan.school_year.pk  # type: ignore[union-attr]
        pending: list[tuple[str | int, ...]] = []
        students = 0
        for _number, values in table:
            if values[at["status"]].lower() == "tobedeleted":
                continue
            key = _key(values[at["sourcedId"]])
            mask = masks.get(key, 0)
            if role_at is not None:
                if values[role_at].lower() != "student":
                    continue
            elif not mask:
                # OneRoster 1.2 keeps roles apart: a user with no student enrollment is not
                # counted as a student.
                continue
            if not mask:
                orgs = []
                if orgs_at is not None:
                    orgs = values[orgs_at].split(",")
                if primary_at is not None:
                    orgs.append(values[primary_at])
                for org in orgs:
                    mask |= self.org_bit.get(org.strip(), 0)
            students += 1
            grade = _grade(values[at["grades"]]) or ""
            d = _unpack(demographics.get(key, 0))
            self._count(mask, grade, d)
            identifier = values[at["identifier"]]
            if identifier:
                pending.append(
                    (district_id, identifier, grade, d.race, d.sex, d.disability,
                     d.english_learner, year_id, record.pk)
                )  # fmt: skip
                if len(pending) >= CHUNK:
                    _upsert_students(pending)
                    pending.clear()
        _upsert_students(pending)
        return students

    def counts_and_totals(self, by: User | None) -> None:
        """Replace the year's counts of the file's schools: changed rows are updated and new
        ones created, each with a history row; a value gone from the file becomes 0."""
        year = self.plan.school_year
        assert year is not None  # noqa: S101 - the first pass found it
        existing = {
            (row.school_id, row.dimension, row.value): row
            for row in EnrollmentSubgroup.objects.filter(
                school_year=year, school_id__in=self.school_ids
            )
        }
        new: dict[tuple[int, str, str], int] = {}
        for school_id in self.school_ids:
            for dimension, values in DIMENSION_VALUES.items():
                for value in values:
                    new[(school_id, dimension, value)] = 0
        for (bit, dimension, value), n in self.counts.items():
            new[(self.school_ids[bit], dimension, value)] = n
        to_create, to_update = [], []
        for key, n in new.items():
            row = existing.get(key)
            if row is None:
                if n:
                    to_create.append(
                        EnrollmentSubgroup(
                            school_id=key[0],
                            school_year=year,
                            dimension=key[1],
                            value=key[2],
                            students=n,
                            roster_import=self.record,
                        )
                    )
            elif row.students != n or row.roster_import_id != self.record.pk:
                row.students = n
                row.roster_import = self.record
                to_update.append(row)
        reason = _("Roster import %(file)s") % {"file": self.record.filename}
        if to_create:
            bulk_create_with_history(
                to_create,
                EnrollmentSubgroup,
                batch_size=1000,
                default_user=by,
                default_change_reason=reason,
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                EnrollmentSubgroup,
                ["students", "roster_import"],
                batch_size=1000,
                default_user=by,
                default_change_reason=reason,
            )
        enrolled = {
            e.school_id: e
            for e in Enrollment.objects.filter(school_year=year, school_id__in=self.school_ids)
        }
        for bit, school_id in enumerate(self.school_ids):
            total = self.totals[bit]
            enrollment = enrolled.get(school_id)
            if enrollment is None:
                enrollment = Enrollment(school_id=school_id, school_year=year, students=total)
            elif enrollment.students == total:
                continue
            enrollment.students = total
            as_done_by(enrollment, by, reason)
            enrollment.save()


def _write(archive: _Archive, plan: _Plan, record: RosterImport, by: User | None) -> RosterResult:
    writer = _Writer(plan=plan, record=record)
    demographics = writer.demographics(archive)
    masks = writer.enrollments(archive)
    students = writer.users(archive, demographics, masks)
    del demographics, masks
    writer.counts_and_totals(by)
    result = RosterResult(students=students, schools=len(writer.school_ids))
    return result


def _hash_file(binary: IO[bytes]) -> tuple[str, int]:
    binary.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := binary.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    binary.seek(0)
    return digest.hexdigest(), size


def import_roster(
    binary: IO[bytes], *, district: District, filename: str, by: User | None
) -> RosterResult:
    """Check the whole OneRoster zip, then load it in one transaction, or load nothing.

    `binary` must be seekable. A `RosterImport` records the outcome either way (who, when, the
    file's name, size and SHA-256, the counts, the columns dropped unread and the first errors
    of a rejected file). A clean file sets the year's enrollment per school
    (`srp.models.Enrollment`), replaces its subgroup counts and upserts the student records;
    calls already recorded are never changed.
    """
    started = time.monotonic()
    checksum, size = _hash_file(binary)
    result = RosterResult()
    plan = _Plan()
    archive: _Archive | None = None
    if size > MAX_UPLOAD_BYTES:
        result.add(
            "",
            0,
            "",
            _("The file is %(size)s MB; the largest accepted is %(max)s MB.")
            % {"size": size // (1024 * 1024), "max": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    else:
        try:
            archive = _Archive(binary)
            plan = _check(archive, district, result)
        except _Rejected as exc:
            result.add(exc.file, 0, "", exc.message)
        except UnicodeDecodeError:
            result.add("", 0, "", _("A file is not UTF-8 text. Export the roster as UTF-8."))
        except csv.Error as exc:
            result.add("", 0, "", _("A file is not readable CSV (%(error)s).") % {"error": exc})
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            result.add("", 0, "", _("The zip cannot be read (%(error)s).") % {"error": exc})
    record = RosterImport(
        district=district,
        school_year=plan.school_year if result.ok else None,
        filename=filename[:255],
        size_bytes=size,
        checksum=checksum,
        oneroster_version=result.version,
        uploaded_by=by,
        rows=result.rows,
        enrollments=result.enrollments,
        dropped_columns=result.dropped_columns,
    )
    if result.ok and archive is not None:
        with transaction.atomic():
            record.status = RosterImport.Status.IMPORTED
            as_done_by(record, by)
            record.save()
            written = _write(archive, plan, record, by)
            result.students, result.schools = written.students, written.schools
            record.students, record.schools = written.students, written.schools
            record.seconds = round(time.monotonic() - started, 2)
            record.save(update_fields=["students", "schools", "seconds"])
            # The bulk writes send no signals: the district's cached figures are stale now.
            data_changed(district.pk)
    else:
        record.status = RosterImport.Status.REJECTED
        record.error_count = result.error_count
        record.errors = [e.as_dict() for e in result.errors]
        record.seconds = round(time.monotonic() - started, 2)
        as_done_by(record, by)
        record.save()
    result.seconds = time.monotonic() - started
    result.record = record
    return result


def roster_result_lines(result: RosterResult) -> Iterator[str]:
    """The result as lines of text (the command prints them)."""
    if result.ok:
        yield _(
            "Imported OneRoster %(version)s for %(year)s: %(schools)s schools, %(students)s "
            "students, %(enrollments)s enrollments (%(rows)s rows in %(seconds).1f s)."
        ) % {
            "version": result.version,
            "year": result.year_label,
            "schools": result.schools,
            "students": result.students,
            "enrollments": result.enrollments,
            "rows": result.rows,
            "seconds": result.seconds,
        }
    else:
        yield _("Nothing was imported: %(n)s errors.") % {"n": result.error_count}
    for column in result.dropped_columns:
        yield _("Dropped unread: %(column)s") % {"column": column}
    for error in result.errors:
        where = ", ".join(
            part
            for part in (
                error.file,
                _("row %(row)s") % {"row": error.row} if error.row else "",
                error.column,
            )
            if part
        )
        yield f"{where}: {error.message}" if where else error.message
