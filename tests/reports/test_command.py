"""R-19/R-20: `manage.py annual_report` in every format, and its errors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from incidents.models import (
    CallOutcome,
    Disability,
    EnglishLearner,
    RaceEthnicity,
    Reason,
    RequestedBy,
    Sex,
    StudentOutcome,
)
from tests.reports import dataset


@pytest.fixture
def known(world):
    return dataset.build(world, calls=50)


def run_json(world, *extra) -> dict:
    out = io.StringIO()
    call_command(
        "annual_report",
        "--district",
        world.district.code,
        "--year",
        dataset.YEAR,
        "--format",
        "json",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_json_has_the_spec_shape_with_every_code(world, known):
    data = run_json(world)
    assert data["district"] == world.district.name
    assert data["school_year"] == dataset.YEAR
    assert data["public"] is False and data["threshold"] == 10
    calls = data["calls"]
    assert set(calls["by_reason"]) == set(Reason.values)
    assert set(calls["by_requested_by"]) == set(RequestedBy.values)
    assert set(calls["by_outcome"]) == set(CallOutcome.values)
    assert set(calls["by_school"]) == {world.school_a.building_code, world.school_b.building_code}
    students = data["students"]
    assert students["total"] == len(known.students)
    assert set(students["by_outcome"]) == set(StudentOutcome.values)
    by = students["by_outcome_and"]
    for dimension, codes in (
        ("race_ethnicity", RaceEthnicity.values),
        ("sex", Sex.values),
        ("disability", Disability.values),
        ("english_learner", EnglishLearner.values),
    ):
        assert set(by[dimension]) == set(StudentOutcome.values)
        for outcome in StudentOutcome.values:
            assert set(by[dimension][outcome]) == set(codes)
            assert all(isinstance(v, int) for v in by[dimension][outcome].values())


def test_public_json_suppresses_small_counts(world, known):
    internal = run_json(world)
    public = run_json(world, "--public")
    assert public["public"] is True
    for code, n in internal["calls"]["by_reason"].items():
        shown = public["calls"]["by_reason"][code]
        if n == 0:
            assert shown == 0
        elif n < 10:
            assert shown == "<10"
        else:
            # A count of 10 or more hidden to protect another is "*", never a false "<10"
            # (SPEC R-20 and §7; this test used to accept "<10" here).
            assert shown in (n, "*")
    assert public["legend"] == {
        "<10": "a count from 1 to 9",
        "*": "a count (or a rate or median) hidden only so that a small count cannot be "
        "worked out from the totals",
    }
    assert "legend" not in internal
    # No count from 1 to 9 survives anywhere in the students' tables.
    for table in public["students"]["by_outcome_and"].values():
        for row in table.values():
            assert not any(isinstance(v, int) and 0 < v < 10 for v in row.values())


def test_public_json_counts_are_integers_or_the_threshold_marker(world, known):
    """SPEC §7: in `calls` and `students`, counts are integers, the string "<10" for a small
    count, or "*" for one hidden to protect another; "<10" is only ever true."""
    public = run_json(world, "--public")

    def leaves(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        else:
            yield value

    for section in ("calls", "students"):
        for value in leaves(public[section]):
            assert isinstance(value, int) or value in ("<10", "*"), (section, value)
    internal = run_json(world)

    def paired(public_value, internal_value):
        if isinstance(public_value, dict):
            for key, item in public_value.items():
                if key in internal_value:
                    yield from paired(item, internal_value[key])
        else:
            yield public_value, internal_value

    for section in ("calls", "students"):
        for shown, true in paired(public[section], internal[section]):
            if shown == "<10":
                assert 1 <= true <= 9  # "<10" is never written of a count of 10 or more
            elif shown == "*":
                assert true > 0


def test_threshold_follows_the_district(world, known):
    world.district.small_count_threshold = 5
    world.district.save()
    public = run_json(world, "--public")
    assert public["threshold"] == 5
    values = [v for v in public["calls"]["by_reason"].values() if isinstance(v, str)]
    assert set(values) <= {"<5"}


def test_csv_and_pdf_to_files(world, known, tmp_path):
    zip_path, pdf_path = tmp_path / "r.zip", tmp_path / "r.pdf"
    common = ["--district", world.district.code, "--year", dataset.YEAR]
    call_command("annual_report", *common, "--format", "csv", "--public", "--output", str(zip_path))
    call_command("annual_report", *common, "--format", "pdf", "--output", str(pdf_path))
    archive = zipfile.ZipFile(zip_path)
    assert len([n for n in archive.namelist() if n.endswith(".csv")]) >= 20
    assert "public" in archive.read("README.txt").decode()
    assert pdf_path.read_bytes().startswith(b"%PDF")


def test_unknown_district_or_year_is_a_clear_error(world):
    with pytest.raises(CommandError, match="No district has the code '00000'"):
        call_command("annual_report", "--district", "00000", "--year", "2025-26")
    with pytest.raises(CommandError, match="has no school year '1999-00'"):
        call_command("annual_report", "--district", world.district.code, "--year", "1999-00")


def test_bad_format_is_refused(world):
    with pytest.raises(CommandError):
        call_command(
            "annual_report",
            "--district",
            world.district.code,
            "--year",
            "2026-27",
            "--format",
            "xlsx",
        )


def test_empty_year_gives_zeros_and_is_partial(world):
    out = io.StringIO()
    call_command(
        "annual_report", "--district", world.district.code, "--year", "2026-27", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["partial"] is True
    assert data["calls"]["total"] == 0
    assert set(data["calls"]["by_reason"].values()) == {0}
    assert data["students"]["total"] == 0
    assert data["complaints"]["median_days_to_respond"] is None
