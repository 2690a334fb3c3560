"""Offline measurements: annual report JSON and PDF for one year, and CSV import speed.

    .venv/bin/python -m bench.measure report --district 99100 --year 2025-26 --format json
    .venv/bin/python -m bench.measure csv --rows 100000 --output /tmp/calls.csv --district 99101
    .venv/bin/python -m bench.measure import --district 99101 /tmp/calls.csv

Each prints one JSON line (`BENCH {...}`) with the seconds taken; the harness runs each under
/usr/bin/time -v for the peak memory (maximum resident set size).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import sys
import time

import django


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    django.setup()


def measure_report(district_code: str, label: str, fmt: str) -> dict[str, object]:
    from reports.exports import report_json
    from reports.pdf import render_annual_report_pdf
    from reports.selectors import annual_report
    from srp.models import District, SchoolYear

    district = District.objects.get(code=district_code)
    year = SchoolYear.objects.get(district=district, label=label)
    started = time.perf_counter()
    report = annual_report(district=district, school_year=year)
    selected = time.perf_counter() - started
    if fmt == "json":
        size = len(report_json(report))
    else:
        size = len(render_annual_report_pdf(report, language="en"))
    total = time.perf_counter() - started
    return {
        "what": f"annual report {fmt}",
        "year": label,
        "calls": report.get("calls", {}).get("total"),
        "students": report.get("students", {}).get("total"),
        "selectors_s": round(selected, 3),
        "seconds": round(total, 3),
        "bytes": size,
    }


def write_csv(path: str, rows: int, district_code: str, seed: int = 7) -> dict[str, object]:
    """A valid import file for the district (its schools and staff badges), one row per student."""
    from agreements.models import StaffMember
    from srp.models import District, School

    district = District.objects.get(code=district_code)
    schools = list(School.objects.filter(district=district).values_list("building_code", flat=True))
    badges = list(
        StaffMember.objects.filter(district=district).values_list("badge_number", flat=True)
    )
    rng = random.Random(seed)  # noqa: S311 - made-up data
    header = [
        "call_ref", "occurred_at", "school_code", "requested_by", "reason", "emergency",
        "staff_badge", "call_outcome", "student_ref", "grade", "race_ethnicity", "sex",
        "disability", "english_learner", "student_outcome",
    ]  # fmt: skip
    start = datetime.datetime(2025, 9, 3, 8, 0)  # noqa: DTZ001 - the file's local time
    stamp = int(time.time())
    written = call = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        while written < rows:
            call += 1
            when = start + datetime.timedelta(minutes=call % 200_000)
            common = [
                f"IMP-{stamp}-{call:08d}", when.isoformat(timespec="minutes"),
                rng.choice(schools), "principal", rng.choice(["fight", "threat", "theft"]),
                "no", rng.choice(badges), rng.choice(["no_action", "referred_to_school"]),
            ]  # fmt: skip
            for _ in range(min(rng.choice([1, 1, 1, 2, 2, 3, 8]), rows - written)):
                out.writerow(
                    [*common, f"S{rng.randrange(10**7):07d}", rng.choice(["9", "10", "11"]),
                     rng.choice(["white", "hispanic_latino", "asian"]),
                     rng.choice(["female", "male"]),
                     "none", "no", rng.choice(["no_action", "warning"])]
                )  # fmt: skip
                written += 1
    return {"what": "csv file", "rows": written, "calls": call, "bytes": os.path.getsize(path)}


def measure_import(district_code: str, path: str) -> dict[str, object]:
    from incidents.importer import import_calls
    from srp.models import District

    district = District.objects.get(code=district_code)
    started = time.perf_counter()
    with open(path, "rb") as binary:
        result = import_calls(binary, district=district, filename=os.path.basename(path), by=None)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"import rejected: {result.error_count} errors, first {result.errors[:3]}")
    return {
        "what": "csv import",
        "rows": result.rows,
        "calls": result.calls,
        "students": result.students,
        "seconds": round(seconds, 3),
        "rows_per_second": round(result.rows / seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report")
    report.add_argument("--district", default="99100")
    report.add_argument("--year", required=True)
    report.add_argument("--format", choices=["json", "pdf"], default="json")
    make = sub.add_parser("csv")
    make.add_argument("--district", default="99101")
    make.add_argument("--rows", type=int, default=100_000)
    make.add_argument("--output", required=True)
    load = sub.add_parser("import")
    load.add_argument("--district", default="99101")
    load.add_argument("file")
    args = parser.parse_args(argv)
    _setup()
    if args.command == "report":
        result = measure_report(args.district, args.year, args.format)
    elif args.command == "csv":
        result = write_csv(args.output, args.rows, args.district)
    else:
        result = measure_import(args.district, args.file)
    print("BENCH " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
