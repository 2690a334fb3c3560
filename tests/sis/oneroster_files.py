"""OneRoster 1.1 and 1.2 CSV zips in the standard's own layout, for the tests and the benchmark.

Every file has the standard's full header (names, birth date and place of birth included, as a
real SIS export has them), so that the importer is tested on what districts send, not on a
trimmed file. `roster_zip()` builds a small zip in memory from `Student`s; `write_roster()`
streams a large one (200,000 users) to disk without holding it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

# A value that must never reach the database (the tests search every table for it).
BIRTH_CITY = "Zyxwvutsburg"
BIRTH_STATE = "QZ"
BIRTH_COUNTRY = "QQ"

HEADERS = {
    "1.1": {
        "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
        "academicSessions": (
            "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
            "schoolYear"
        ),
        "users": (
            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
            "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
            "password"
        ),
        "enrollments": (
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
            "primary,beginDate,endDate"
        ),
        "demographics": (
            "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
            "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
            "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
            "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
        ),
    },
    "1.2": {
        "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
        "academicSessions": (
            "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
            "schoolYear"
        ),
        "users": (
            "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
            "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
            "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
            "preferredFamilyName,primaryOrgSourcedId,pronouns"
        ),
        "roles": (
            "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
            "orgSourcedId,userProfileSourcedId"
        ),
        "enrollments": (
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
            "primary,beginDate,endDate"
        ),
        "demographics": (
            "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
            "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
            "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
            "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus,"
            "metadata.disability,metadata.englishLearner"
        ),
    },
}
RACE_COLUMNS = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
)


@dataclass
class Student:
    sourced_id: str
    identifier: str
    school: str = "org-a"
    grade: str = "09"
    sex: str = "female"
    races: tuple[str, ...] = ("white",)
    hispanic: bool = False
    disability: str = ""
    english_learner: str = ""
    classes: int = 1


@dataclass
class Roster:
    version: str = "1.1"
    # org sourcedId -> building code (the org's identifier)
    schools: dict[str, str] = field(default_factory=lambda: {"org-a": "3401", "org-b": "3201"})
    school_year: str = "2027"
    teachers: int = 1


def _line(cells: Iterable[object]) -> list[str]:
    return ["" if c is None else str(c) for c in cells]


def _rows(roster: Roster, students: Iterable[Student]) -> Iterator[tuple[str, list[str]]]:
    """(file stem, row) for every row of every file but the manifest, in file order."""
    v = roster.version
    yield "orgs", _line(["district-1", "active", "", "Cascade Valley SD", "district", "99001", ""])
    for org, code in roster.schools.items():
        yield "orgs", _line([org, "active", "", f"School {code}", "school", code, "district-1"])
    if roster.school_year:
        start, end = int(roster.school_year) - 1, roster.school_year
        yield (
            "academicSessions",
            _line(["year-1", "active", "", f"{start}-{end}", "schoolYear", f"{start}-07-01",
                   f"{end}-06-30", "", roster.school_year]),
        )  # fmt: skip
        yield (
            "academicSessions",
            _line(["term-1", "active", "", "Fall", "term", f"{start}-09-02", f"{start}-12-20",
                   "year-1", roster.school_year]),
        )  # fmt: skip
    else:
        yield (
            "academicSessions",
            _line(["term-1", "active", "", "Fall", "term", "", "", "", ""]),
        )
    first_school = next(iter(roster.schools), "")
    for n in range(roster.teachers):
        tid = f"teacher-{n}"
        if v == "1.1":
            yield "users", _line([tid, "active", "", "true", first_school, "teacher", f"t{n}",
                                  "", "Pat", "Teacher", "", f"T{n}", "t@example.org", "", "", "",
                                  "", ""])  # fmt: skip
        else:
            yield "users", _line([tid, "active", "", "true", f"t{n}", "", "Pat", "Teacher", "",
                                  f"T{n}", "t@example.org", "", "", "", "", "", "", "", "", "",
                                  "", first_school, ""])  # fmt: skip
            yield "roles", _line([f"role-{tid}", "active", "", tid, "primary", "teacher", "", "",
                                  first_school, ""])  # fmt: skip
    for s in students:
        if v == "1.1":
            yield "users", _line([s.sourced_id, "active", "", "true", s.school, "student",
                                  f"u{s.identifier}", "", "Given", "Family", "", s.identifier,
                                  "", "", "", "", s.grade, ""])  # fmt: skip
        else:
            yield "users", _line([s.sourced_id, "active", "", "true", f"u{s.identifier}", "",
                                  "Given", "Family", "", s.identifier, "", "", "", "", s.grade,
                                  "", "", "", "", "", "", s.school, ""])  # fmt: skip
            yield "roles", _line([f"role-{s.sourced_id}", "active", "", s.sourced_id, "primary",
                                  "student", "", "", s.school, ""])  # fmt: skip
        for c in range(s.classes):
            enrollment = [f"enr-{s.sourced_id}-{c}", "active", "", f"class-{c}", s.school]
            yield "enrollments", _line([*enrollment, s.sourced_id, "student", "true", "", ""])
        demographics = [
            s.sourced_id,
            "active",
            "",
            "2011-04-01",
            s.sex,
            *("true" if r in s.races else "false" for r in RACE_COLUMNS),
            "true" if len(s.races) > 1 else "false",
            "true" if s.hispanic else "false",
            BIRTH_COUNTRY,
            BIRTH_STATE,
            BIRTH_CITY,
            "",
        ]
        if v == "1.2":
            demographics += [s.disability, s.english_learner]
        yield "demographics", _line(demographics)
    if roster.teachers:
        yield "enrollments", _line(["enr-teacher-0", "active", "", "class-0", first_school,
                                    "teacher-0", "teacher", "true", "", ""])  # fmt: skip


def manifest_rows(version: str, files: Iterable[str]) -> list[list[str]]:
    rows = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", version]]
    present = set(files)
    for stem in (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "users",
        *(("roles",) if version == "1.2" else ()),
    ):
        rows.append([f"file.{stem}", "bulk" if stem in present else "absent"])
    rows.append(["source.systemName", "Test SIS"])
    return rows


def write_roster(
    target: str | Path | IO[bytes],
    *,
    roster: Roster | None = None,
    students: Iterable[Student] = (),
    omit: Iterable[str] = (),
    manifest: list[list[str]] | None = None,
) -> None:
    """Stream a zip to `target`: one pass over `students`, one open writer per file."""
    roster = roster or Roster()
    omitted = set(omit)
    stems = [s for s in HEADERS[roster.version] if s not in omitted]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        buffers: dict[str, tuple[IO[bytes], io.TextIOWrapper, object]] = {}
        # zipfile writes one member at a time: each file's rows go to a temporary file first.
        import tempfile

        for stem in stems:
            raw = tempfile.TemporaryFile()
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(HEADERS[roster.version][stem].split(","))
            buffers[stem] = (raw, text, writer)
        for stem, row in _rows(roster, students):
            if stem in buffers:
                buffers[stem][2].writerow(row)  # type: ignore[attr-defined]
        for stem, (raw, text, _writer) in buffers.items():
            text.flush()
            raw.seek(0)
            with archive.open(f"{stem}.csv", "w") as member:
                while chunk := raw.read(1 << 20):
                    member.write(chunk)
            text.close()
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(
            manifest if manifest is not None else manifest_rows(roster.version, stems)
        )
        archive.writestr("manifest.csv", out.getvalue())


def roster_zip(**kwargs: object) -> bytes:
    buffer = io.BytesIO()
    write_roster(buffer, **kwargs)  # type: ignore[arg-type]
    return buffer.getvalue()


def replace_member(data: bytes, name: str, text: str | bytes) -> bytes:
    """The zip `data` with member `name` replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != name:
                out.writestr(info.filename, source.read(info.filename))
        out.writestr(name, text)
    return buffer.getvalue()


def read_member(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")


def students(n: int, *, schools: tuple[str, ...] = ("org-a", "org-b")) -> Iterator[Student]:
    """`n` students with varied grades and demographics, spread over `schools`."""
    grades = ("KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "PK")
    races = (("white",), ("asian",), ("blackOrAfricanAmerican",), ("white", "asian"), ())
    for i in range(n):
        yield Student(
            sourced_id=f"stu-{i:07d}",
            identifier=f"{100000 + i}",
            school=schools[i % len(schools)],
            grade=grades[i % len(grades)],
            sex=("female", "male", "other", "")[i % 4],
            races=races[i % len(races)],
            hispanic=i % 7 == 0,
            disability=("", "idea", "section_504", "none")[i % 4],
            english_learner=("yes", "no", "")[i % 3],
            classes=1 + i % 3,
        )
