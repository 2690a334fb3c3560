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


def legend(threshold: int) -> dict[str, str]:
    """What each suppression marker means (R-20): written beside every public output."""
    largest = threshold - 1
    return {
        small_marker(threshold): f"a count from 1 to {largest}",
        COMPLEMENTARY_MARKER: (
            "a count (or a rate or median) hidden only so that a small count cannot be worked "
            "out from the totals"
        ),
    }


def legend_text(threshold: int) -> str:
    return "; ".join(f"'{marker}' is {meaning}" for marker, meaning in legend(threshold).items())


def report_json(report: dict[str, Any]) -> str:
    """The JSON of SPEC §7. In the public version a count is an integer, the threshold marker
    (`"<10"`) for a small count, or `"*"` for a count hidden only to protect another (never
    `"<10"`, which would be false of it); a `"legend"` says so."""
    if report.get("public"):
        report = {**report, "legend": legend(int(report["threshold"]))}
    return json.dumps(report, indent=2, ensure_ascii=False)


def csv_text(header: list[Any], rows: list[list[Any]], *, note: str = "") -> str:
    """One CSV file; `note` (the public legend) is its last row, after a blank one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise("" if v is None else v) for v in row])
    if note:
        writer.writerow([])
        writer.writerow([neutralise(note)])
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
            f"{legend_text(int(report['threshold']))}.\n",
        )
        note = f"Note: {legend_text(int(report['threshold']))}." if report["public"] else ""
        index = 1
        for section in build_sections(report):
            for table in section.tables:
                header, rows = table_rows_for_csv(table)
                archive.writestr(f"{index:02d}-{table.key}.csv", csv_text(header, rows, note=note))
                index += 1
    return buffer.getvalue()
