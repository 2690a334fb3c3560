"""The report as JSON (SPEC §7) and as a zip of CSV files, one per table."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from reports.presentation import build_sections, table_rows_for_csv
from reports.suppression import COMPLEMENTARY_MARKER, small_marker
from srp.csv_export import neutralise


def report_filename(report: dict[str, Any], extension: str, kind: str = "annual-report") -> str:
    audience = "public" if report["public"] else "internal"
    return f"{kind}-{report['district_code']}-{report['school_year']}-{audience}.{extension}"


SPEC_COUNT_SECTIONS = ("calls", "students")


def _spec_markers(value: Any, marker: str) -> Any:
    if isinstance(value, dict):
        return {key: _spec_markers(item, marker) for key, item in value.items()}
    return marker if value == COMPLEMENTARY_MARKER else value


def report_json(report: dict[str, Any]) -> str:
    """The JSON of SPEC §7. Its `calls` and `students` counts are integers or the threshold
    marker (`"<10"`) where suppressed, as the format says, whether a cell was hidden for being
    small or to protect a small neighbour (the web page and CSV tell those apart with `*`)."""
    if report.get("public"):
        marker = small_marker(report["threshold"])
        report = {
            key: _spec_markers(value, marker) if key in SPEC_COUNT_SECTIONS else value
            for key, value in report.items()
        }
    return json.dumps(report, indent=2, ensure_ascii=False)


def csv_text(header: list[Any], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise("" if v is None else v) for v in row])
    return "\ufeff" + buffer.getvalue()


def report_csv_zip(report: dict[str, Any]) -> bytes:
    """A zip with one CSV per table, and a README naming the year and the audience."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        audience = "public (small counts suppressed)" if report["public"] else "INTERNAL"
        archive.writestr(
            "README.txt",
            f"{report['district']} – annual report {report['school_year']} – {audience}\n"
            f"Threshold: {report['threshold']}. "
            f"{'Partial year.' if report['partial'] else 'Full year.'}\n"
            "'<N' is a count from 1 to N-1; '*' is hidden so a small count cannot be worked "
            "out from a total.\n",
        )
        index = 1
        for section in build_sections(report):
            for table in section.tables:
                header, rows = table_rows_for_csv(table)
                archive.writestr(f"{index:02d}-{table.key}.csv", csv_text(header, rows))
                index += 1
    return buffer.getvalue()
