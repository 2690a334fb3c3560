"""Helpers for Playwright tests driving Debian's Chromium (see conftest.py for the launch)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.factories import PASSWORD

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def sign_in(page, live_server, user, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")


def axe_violations(
    page, *, tags: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
) -> list[dict]:
    """Run axe-core in the page; returns the violations (empty when the page passes)."""
    # Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on.
    page.evaluate(AXE_PATH.read_text() + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    return json.dumps(
        [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ],
        indent=1,
    )
