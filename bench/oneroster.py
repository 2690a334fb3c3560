"""OneRoster import speed and memory (issue #14: >= 20,000 rows/s, memory flat).

    DATABASE_URL=sqlite:////tmp/srp-bench-oneroster.sqlite3 .venv/bin/python -m bench.oneroster
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/srp_bench .venv/bin/python -m bench.oneroster

Migrates the database named by DATABASE_URL (a PostgreSQL one is created if missing), sets up
a district (code 99150) with 20 schools and its 2026-27 year, writes a OneRoster 1.2 zip of
`--users` students (default 200,000; 1-3 class enrollments and a demographics row each, the
standard's full headers, place of birth included) with `tests/sis/oneroster_files.py`, and
imports it `--repeat` times (the second import replaces the first's counts). For each size it
prints one line `BENCH {...}`: the rows of all files, seconds, rows per second, and the growth
of the process's peak resident memory during the import (MB, from getrusage), measured in a
fresh process per size so one size's peak does not hide the next's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CODE = "99150"
SCHOOLS = 20


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        from bench.ensure_db import ensure_database

        ensure_database(url)
    import django

    django.setup()


def _district():  # noqa: ANN202
    import datetime

    from srp.models import District, School, SchoolYear

    district, _ = District.objects.get_or_create(code=CODE, defaults={"name": "Roster Bench SD"})
    for n in range(SCHOOLS):
        School.objects.get_or_create(
            district=district,
            building_code=f"{5000 + n}",
            defaults={"name": f"Bench School {n}", "level": "high", "grade_span": "9-12"},
        )
    SchoolYear.objects.get_or_create(
        district=district,
        label="2026-27",
        defaults={
            "first_instructional_day": datetime.date(2026, 9, 2),
            "last_instructional_day": datetime.date(2027, 6, 16),
        },
    )
    return district


def _file(users: int) -> tuple[Path, int]:
    from tests.sis.oneroster_files import Roster, students, write_roster

    path = RESULTS / f"oneroster-{users}.zip"
    if not path.exists():
        orgs = {f"org-{n}": f"{5000 + n}" for n in range(SCHOOLS)}
        write_roster(
            path,
            roster=Roster(version="1.2", schools=orgs, teachers=0),
            students=students(users, schools=tuple(orgs)),
        )
    with zipfile.ZipFile(path) as archive:
        rows = 0
        for name in archive.namelist():
            if name == "manifest.csv":
                continue
            with archive.open(name) as member:
                rows += sum(1 for _line in member) - 1
    return path, rows


def measure(users: int, repeat: int) -> dict[str, object]:
    _setup()
    from django.db import connection

    district = _district()
    path, rows = _file(users)
    from sis.oneroster import import_roster

    runs = []
    for _n in range(repeat):
        before_rss, before_peak = _rss_mb(), _peak_mb()
        started = time.perf_counter()
        with path.open("rb") as binary:
            result = import_roster(binary, district=district, filename=path.name, by=None)
        seconds = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"import rejected: {[e.as_dict() for e in result.errors[:5]]}")
        runs.append(
            {
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds),
                "peak_growth_mb": round(max(_peak_mb(), before_peak) - before_rss, 1),
                "students": result.students,
            }
        )
    return {
        "database": connection.vendor,
        "users": users,
        "rows": rows,
        "zip_mb": round(path.stat().st_size / (1024 * 1024), 1),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[200_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.prepare:
        # Migrating and writing the file happen in their own process: their peak memory must
        # not hide the import's.
        _setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _district()
        for users in args.users:
            _file(users)
        return
    if args.one:
        data = measure(args.users[0], args.repeat)
        print("BENCH " + json.dumps(data), flush=True)
        return
    subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-m", "bench.oneroster", "--prepare", "--users",
         *map(str, args.users)],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    for users in args.users:
        completed = subprocess.run(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "bench.oneroster", "--one", "--users", str(users),
             "--repeat", str(args.repeat)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )  # fmt: skip
        line = next(li for li in completed.stdout.splitlines() if li.startswith("BENCH "))
        print(line, flush=True)


if __name__ == "__main__":
    main()
