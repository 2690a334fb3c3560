"""A `{# … #}` comment must open and close on one line: Django prints a multi-line one as text
(it reached page 1 of the annual report and board packet PDFs)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def template_files() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html")) + list((ROOT / "templates").rglob("*.txt"))
    for app in ("srp", "agreements", "complaints", "incidents", "notices", "reports"):
        found += list((ROOT / app).rglob("templates/**/*.html"))
    return sorted(found)


def test_templates_exist():
    assert len(template_files()) > 50


def test_no_template_comment_spans_lines():
    unclosed = []
    for path in template_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # Every `{#` on a line must be closed by a `#}` after it on the same line.
            rest = line
            while "{#" in rest:
                rest = rest[rest.index("{#") + 2 :]
                if "#}" not in rest:
                    unclosed.append(f"{path.relative_to(ROOT)}:{number}")
                    break
                rest = rest[rest.index("#}") + 2 :]
    assert unclosed == []
