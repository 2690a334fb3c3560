"""R-20 on the whole report: the public version hides every small count of people and events,
consistently across the linked breakdowns, and hides rates and medians of hidden counts."""

from __future__ import annotations

import pytest

from reports.public import public_report
from reports.selectors import annual_report
from reports.suppression import SUPPRESSED_RATE
from tests.reports import dataset

SUPPRESSED_SECTIONS = (
    "calls",
    "students",
    "interventions",
    "activities",
    "attorney_access",
    "restraint",
    "complaints",
    "training",
)
COUNT_KEYS_NOT_COUNTS = {"median_response_minutes", "median_days_to_respond", "compliance_rate"}


@pytest.fixture
def both(world):
    known = dataset.build(world, calls=60)
    internal = annual_report(district=world.district, school_year=known.year)
    return internal, public_report(internal)


def counts(node, path=()):
    """Every (path, value) leaf of a section, except derived figures."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in COUNT_KEYS_NOT_COUNTS:
                continue
            yield from counts(value, (*path, key))
    elif isinstance(node, int | str) and not isinstance(node, bool):
        yield path, node


def test_no_small_count_survives_in_public_sections(both):
    internal, public = both
    assert public["public"] is True and internal["public"] is False
    for section in SUPPRESSED_SECTIONS:
        for path, value in counts(public[section]):
            assert not (isinstance(value, int) and 0 < value < 10), (section, path, value)


def test_published_values_are_true_or_markers(both):
    internal, public = both
    for section in SUPPRESSED_SECTIONS:
        truth = dict(counts(internal[section]))
        for path, value in counts(public[section]):
            if path not in truth:
                continue  # added margins (students.by_dimension)
            if isinstance(value, str):
                assert value in ("<10", "*"), (path, value)
                if value == "<10":
                    assert 0 < truth[path] < 10
                else:
                    assert truth[path] >= 10
            else:
                assert value == truth[path], (path, value, truth[path])


def test_shared_totals_are_published_the_same_way_everywhere(both):
    _internal, public = both
    students = public["students"]
    for table in students["by_outcome_and"].values():
        for outcome in table:
            hidden = [v for v in table[outcome].values() if isinstance(v, str)]
            if isinstance(students["by_outcome"][outcome], int):
                assert len(hidden) != 1  # the SPEC's complementary rule, row by row
    calls = public["calls"]
    for breakdown in ("by_school", "by_reason", "by_requested_by", "by_outcome"):
        hidden = [v for v in calls[breakdown].values() if isinstance(v, str)]
        if isinstance(calls["total"], int):
            assert len(hidden) != 1


def test_rates_of_hidden_counts_are_hidden(both):
    _internal, public = both
    for code, rates in public["rates"]["by_school"].items():
        if isinstance(public["calls"]["by_school"][code], str):
            assert rates["calls_per_1000"] == SUPPRESSED_RATE
        if isinstance(public["students"]["by_school"][code], str):
            assert rates["students_per_1000"] == SUPPRESSED_RATE
    # Four restraint reports, five complaints: their medians and rates describe individuals.
    assert public["complaints"]["median_days_to_respond"] == SUPPRESSED_RATE
    assert public["restraint"]["reports"] == "<10"
    attorney = public["attorney_access"]
    if isinstance(attorney["compliant"], str) or isinstance(attorney["required"], str):
        assert attorney["compliance_rate"] == SUPPRESSED_RATE


def test_staffing_and_notices_are_not_suppressed(both):
    internal, public = both
    assert public["schools"] == internal["schools"]  # staff counts and days per week
    assert public["notices"] == internal["notices"]
    assert public["providers"] == internal["providers"]


def test_no_forbidden_field_anywhere(both):
    import json

    _internal, public = both
    text = json.dumps(public).lower()
    for word in ("citizenship", "immigration", "visa", "birth"):
        assert word not in text


def test_every_public_download_carries_the_legend(both):
    """R-20: the CSV files end with a note row and the JSON has a "legend" key naming both
    markers; the internal CSV has no note (nothing is hidden)."""
    import io
    import json
    import zipfile

    from reports.exports import report_csv_zip, report_json

    internal, public = both
    with zipfile.ZipFile(io.BytesIO(report_csv_zip(public))) as archive:
        names = [n for n in archive.namelist() if n.endswith(".csv")]
        assert names
        for name in names:
            last = archive.read(name).decode("utf-8-sig").strip().splitlines()[-1]
            assert last.startswith("Note: '<10' is a count from 1 to 9; '*' is"), (name, last)
    with zipfile.ZipFile(io.BytesIO(report_csv_zip(internal))) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                assert "Note:" not in archive.read(name).decode("utf-8-sig")
    data = json.loads(report_json(public))
    assert set(data["legend"]) == {"<10", "*"}
