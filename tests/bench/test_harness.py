"""The harness's budget check and the load client's guard (no server needed)."""

from __future__ import annotations

import pytest

from bench.harness import table, verdicts
from bench.submit_load import run_load


def _page(name, kind, p50, p95=20.0, requests=100, bad=0):
    return {"name": name, "kind": kind, "p50_ms": p50, "p95_ms": p95, "requests": requests,
            "errors": 0, "bad_status": bad, "rps": 10.0, "queries": 5}  # fmt: skip


def _result(pages, per_second=200.0, ok=True):
    return {
        "machine": {},
        "pages": pages,
        "submissions": {
            "submissions_per_second": per_second, "succeeded": 10,
            "get": {"p50_ms": 1.0, "p95_ms": 2.0}, "post": {"p50_ms": 1.0, "p95_ms": 2.0},
            "check": {"ok": ok, "complaints_created": 10, "emails_queued": 10},
        },
        "offline": {
            "report_json": {"seconds": 1.0}, "report_pdf": {"seconds": 4.0, "peak_mb": 200.0},
            "import_1000000": {"rows": 1_000_000, "rows_per_second": 25_000, "peak_mb": 350.0},
        },
        "worker_rss_mb": [120.0, 130.0],
    }  # fmt: skip


def test_ratios_are_taken_against_the_floor_of_the_same_run():
    result = _result(
        [
            _page("floor", "floor", 4.0),
            _page("list", "list", 19.0),
            _page("dash", "dashboard", 36.0),
        ]
    )
    lines = {what: ok for what, _figure, _budget, ok in verdicts(result)}
    assert lines["list"] is True  # 4.75x <= 5x
    assert lines["dash"] is False  # 9x > 8x
    assert result["pages"][1]["ratio"] == 4.75
    assert "4.8" in table({**result, "verdicts": verdicts(result)})


def test_a_page_without_answers_or_with_errors_or_a_slow_tail_fails():
    result = _result(
        [
            _page("floor", "floor", 4.0),
            _page("silent", "list", 0.0, requests=0),
            _page("broken", "detail", 4.0, bad=3),
            _page("tail", "detail", 4.0, p95=150.0),
        ]
    )
    lines = {what: ok for what, _figure, _budget, ok in verdicts(result)}
    assert lines == {**lines, "silent": False, "broken": False, "tail": False}


def test_submissions_memory_and_import_budgets():
    lines = {what: ok for what, _f, _b, ok in verdicts(_result([_page("floor", "floor", 4.0)]))}
    assert lines["public submissions (GET+POST)"] is True
    assert lines["submissions stored + email queued"] is True
    assert lines["annual report JSON"] is True
    assert lines["annual report PDF"] is True
    # 1,000,000 rows must stay under 300 MB: 350 MB fails even at a good speed.
    assert lines["CSV import 1,000,000 rows"] is False
    assert lines["gunicorn worker RSS after load"] is True
    slow = _result([_page("floor", "floor", 4.0)], per_second=100.0, ok=False)
    lines = {what: ok for what, _f, _b, ok in verdicts(slow)}
    assert lines["public submissions (GET+POST)"] is False
    assert lines["submissions stored + email queued"] is False


def test_the_load_client_only_targets_the_loopback_address():
    with pytest.raises(SystemExit, match="127.0.0.1"):
        run_load(
            base_url="http://example.org", district="99100", count=1, workers=1, wait=0,
            max_seconds=1,
        )  # fmt: skip
