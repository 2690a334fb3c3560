"""The benchmark run itself (called by bench/run.sh with the environment set).

1. Offline: annual report JSON and PDF for the last finished year; CSV import at two sizes;
   each under /usr/bin/time -v for its peak memory.
2. gunicorn, 2 sync workers, on 127.0.0.1 only; the floor view and every page under wrk at
   8 connections (a short warm-up, then BENCH_DURATION seconds each); then the public
   submission client; then the workers' resident memory; then gunicorn is stopped.
3. The table, with each page's p50 as a ratio to the floor's p50 of the same run, checked
   against the budget of the issue. Everything is also written to bench/results/latest.json.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
CONNECTIONS = 8
CODE = os.environ.get("BENCH_CODE", "99100")

# Budget (issue #8): ratio of p50 to the floor's p50, and p95 in ms.
RATIO_BUDGET = {"list": 5.0, "detail": 5.0, "dashboard": 8.0, "report": 8.0, "public": 5.0}
P95_BUDGET_MS = 100.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(args: list[str], label: str) -> tuple[dict[str, Any], float]:
    """Run a command under /usr/bin/time -v: its BENCH line and its peak memory in MB."""
    out = RESULTS / f"time-{label}.txt"
    completed = subprocess.run(  # noqa: S603 - fixed argument lists
        ["/usr/bin/time", "-v", "-o", str(out), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if completed.returncode != 0:
        log(completed.stdout[-2000:] + completed.stderr[-2000:])
        raise SystemExit(f"{label} failed")
    line = next(li for li in completed.stdout.splitlines() if li.startswith("BENCH "))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.read_text())
    return json.loads(line[6:]), int(rss.group(1)) / 1024 if rss else 0.0


def offline(report_year: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for fmt in ("json", "pdf"):
        log(f"annual report {report_year} as {fmt}…")
        data, peak = timed(
            [PYTHON, "-m", "bench.measure", "report", "--district", CODE, "--year", report_year,
             "--format", fmt],
            f"report-{fmt}",
        )  # fmt: skip
        data["peak_mb"] = round(peak, 1)
        results[f"report_{fmt}"] = data
    sizes = [int(os.environ.get("BENCH_IMPORT_ROWS", "200000"))]
    large = int(os.environ.get("BENCH_IMPORT_ROWS_LARGE", "1000000"))
    if large:
        sizes.append(large)
    for rows in sizes:
        path = RESULTS / f"import-{rows}.csv"
        log(f"CSV import of {rows:,} rows…")
        subprocess.run(  # noqa: S603
            [PYTHON, "-m", "bench.measure", "csv", "--rows", str(rows), "--output", str(path)],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        data, peak = timed([PYTHON, "-m", "bench.measure", "import", str(path)], f"import-{rows}")
        data["peak_mb"] = round(peak, 1)
        data["file_mb"] = round(path.stat().st_size / 2**20, 1)
        results[f"import_{rows}"] = data
        path.unlink()
    return results


def wait_until_up(deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{BASE}/health/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def drain(deadline: float) -> None:
    """Wait until the workers have finished what the last run left queued (a slow page leaves
    requests in the listen backlog after wrk closes its connections)."""
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{BASE}/health/", timeout=60):  # noqa: S310
                pass
        except OSError:
            pass
        if time.perf_counter() - started < 0.2:
            return
        time.sleep(0.5)


def wrk(path: str, cookie: str, seconds: int) -> dict[str, Any]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(ROOT / "bench" / "report.lua")]  # fmt: skip
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    completed = subprocess.run(  # noqa: S603
        [*args, f"{BASE}{path}"], capture_output=True, text=True, check=True
    )
    line = next(li for li in completed.stdout.splitlines() if li.startswith("BENCH "))
    data = json.loads(line[6:])
    data["rps"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    data["p50_ms"] = round(data["p50_us"] / 1000, 2)
    data["p95_ms"] = round(data["p95_us"] / 1000, 2)
    return data


def worker_rss(master: int) -> list[float]:
    children = subprocess.run(  # noqa: S603
        ["/usr/bin/ps", "-o", "rss=", "--ppid", str(master)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return [round(int(kb) / 1024, 1) for kb in children]


def online(targets: list[dict[str, Any]]) -> dict[str, Any]:
    log(f"gunicorn on {BASE} (2 sync workers)…")
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "srp.wsgi", "--workers", "2",
         "--worker-class", "sync", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT,
    )  # fmt: skip
    try:
        wait_until_up(time.time() + 30)
        pages = []
        for target in targets:
            drain(time.time() + 120)
            wrk(target["path"], target["cookie"], 2)  # warm-up: connections, caches, imports
            drain(time.time() + 120)
            log(f"  {target['name']}…")
            figures = wrk(target["path"], target["cookie"], DURATION)
            pages.append({**{k: target[k] for k in ("name", "kind", "queries", "path")},
                          **figures})  # fmt: skip
        drain(time.time() + 120)
        log("public submissions (GET form, wait, POST)…")
        submissions_out = RESULTS / "submissions.json"
        count = os.environ.get("BENCH_SUBMISSIONS", "1500")
        completed = subprocess.run(  # noqa: S603
            [PYTHON, "-m", "bench.submit_load", "--base", BASE, "--district", CODE, "-n", count,
             "--output", str(submissions_out)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if not submissions_out.exists():
            log(completed.stderr[-3000:])
            raise SystemExit("the submission client failed")
        submissions = json.loads(submissions_out.read_text())
        rss = worker_rss(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"pages": pages, "submissions": submissions, "worker_rss_mb": rss}


def machine() -> dict[str, Any]:
    cpu = next(
        (li.split(":", 1)[1].strip() for li in Path("/proc/cpuinfo").read_text().splitlines()
         if li.startswith("model name")), "?",
    )  # fmt: skip
    pg = subprocess.run(  # noqa: S603
        [PYTHON, "-c", "import os,psycopg;c=psycopg.connect(os.environ['DATABASE_URL']);"
         "print(c.execute('show server_version').fetchone()[0])"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "postgresql": pg,
        "python": sys.version.split()[0],
        "load_average_at_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def verdicts(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, figure, budget, met) for every line of the budget."""
    pages = result["pages"]
    floor = next(p for p in pages if p["kind"] == "floor")
    lines = []
    for page in pages:
        if page["kind"] == "floor":
            continue
        ratio = page["p50_ms"] / floor["p50_ms"] if floor["p50_ms"] else 0
        page["ratio"] = round(ratio, 2)
        budget = RATIO_BUDGET[page["kind"]]
        ok = (
            page["requests"] > 0
            and ratio <= budget
            and page["p95_ms"] <= P95_BUDGET_MS
            and not page["bad_status"]
            and not page["errors"]
        )
        lines.append((page["name"], f"{ratio:.1f}x floor, p95 {page['p95_ms']:.0f} ms",
                      f"<= {budget:g}x, p95 <= 100 ms", ok))  # fmt: skip
    sub = result["submissions"]
    check = sub.get("check", {})
    lines.append(("public submissions (GET+POST)", f"{sub['submissions_per_second']}/s",
                  ">= 160/s", sub["submissions_per_second"] >= 160))  # fmt: skip
    stored = f"{check.get('complaints_created')}/{sub['succeeded']} stored"
    emails = f"{check.get('emails_queued')} emails"
    lines.append(("submissions stored + email queued", f"{stored}, {emails}", "all",
                  bool(check.get("ok"))))  # fmt: skip
    off = result["offline"]
    lines.append(("annual report JSON", f"{off['report_json']['seconds']:.2f} s", "<= 2 s",
                  off["report_json"]["seconds"] <= 2))  # fmt: skip
    pdf = off["report_pdf"]
    lines.append(("annual report PDF", f"{pdf['seconds']:.2f} s, {pdf['peak_mb']:.0f} MB",
                  "<= 5 s, < 600 MB", pdf["seconds"] <= 5 and pdf["peak_mb"] < 600))  # fmt: skip
    for key, data in off.items():
        if key.startswith("import_"):
            ok = data["rows_per_second"] >= 20_000 and (
                data["rows"] < 1_000_000 or data["peak_mb"] < 300
            )
            lines.append((f"CSV import {data['rows']:,} rows",
                          f"{data['rows_per_second']:,}/s, {data['peak_mb']:.0f} MB",
                          ">= 20,000/s, < 300 MB at 1M", ok))  # fmt: skip
    rss = result["worker_rss_mb"]
    lines.append(("gunicorn worker RSS after load", ", ".join(f"{r:.0f} MB" for r in rss),
                  "< 200 MB each", bool(rss) and max(rss) < 200))  # fmt: skip
    return lines


def table(result: dict[str, Any]) -> str:
    out = ["", f"Machine: {result['machine']}", ""]
    out.append(f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6} {'queries':>7}")
    for page in result["pages"]:
        ratio = "1.0" if page["kind"] == "floor" else f"{page.get('ratio', 0):.1f}"
        out.append(
            f"{page['name'][:34]:34} {page['rps']:>8.0f} {page['p50_ms']:>8.1f} "
            f"{page['p95_ms']:>8.1f} {ratio:>6} {page.get('queries', ''):>7}"
            + (f"  !{page['bad_status']} bad status" if page["bad_status"] else "")
        )
    sub = result["submissions"]
    for label, phase in (("submission GET form", sub["get"]), ("submission POST", sub["post"])):
        out.append(f"{label:34} {'':>8} {phase['p50_ms']:>8.1f} {phase['p95_ms']:>8.1f}")
    out += ["", f"{'budget line':40} {'measured':36} {'budget':28} met"]
    for what, figure, budget, ok in result["verdicts"]:
        out.append(f"{what[:40]:40} {figure[:36]:36} {budget:28} {'yes' if ok else 'NO'}")
    seed = result.get("seed", {})
    if seed:
        rows = ", ".join(f"{k.split('.')[-1]} {v:,}" for k, v in seed.get("counts", {}).items())
        out += ["", f"seed: {seed.get('seconds')} s, peak {seed.get('peak_mb')} MB, rows: {rows}"]
    return "\n".join(out)


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine()}
    prepared = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "bench.prepare", CODE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    log(prepared.stdout + prepared.stderr[-2000:])
    if prepared.returncode:
        raise SystemExit("a page did not answer 200 through the test client")
    targets = json.loads((RESULTS / "targets.json").read_text())
    report_year = next(t for t in targets if t["kind"] == "report")["name"].split()[-1]
    result["offline"] = offline(report_year)
    result.update(online(targets))
    state = json.loads((RESULTS / f"seed-{CODE}.json").read_text())
    seed_time = RESULTS / "seed-time.txt"
    peak = (
        re.search(r"Maximum resident set size \(kbytes\): (\d+)", seed_time.read_text())
        if seed_time.exists()
        else None
    )
    result["seed"] = {"seconds": state.get("seconds"), "counts": state.get("counts", {}),
                      "peak_mb": round(int(peak.group(1)) / 1024, 1) if peak else None}  # fmt: skip
    result["verdicts"] = verdicts(result)
    for page in result["pages"]:
        page.pop("cookie", None)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, default=str))
    text = table(result)
    (RESULTS / "latest.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
