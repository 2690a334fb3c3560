"""SITE_URL follows where `make run` serves unless it is set (issue #14 item 6).

Emails (the invitation's "choose your password" link, a complaint's status link), notice QR codes
and PDFs build absolute addresses from settings.SITE_URL, so `PORT=8201 make run` must give
:8201 links, and production's SITE_URL always wins.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from srp.site_url import site_url_from

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8201"}, "http://127.0.0.1:8201"),
        ({"HOST": "localhost", "PORT": "8301"}, "http://localhost:8301"),
        ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://127.0.0.1:8080"),  # noqa: S104
        ({"HOST": "::", "PORT": "8080"}, "http://[::1]:8080"),
        ({"HOST": "::1", "PORT": "9000"}, "http://[::1]:9000"),
        ({"HOST": "", "PORT": " "}, "http://127.0.0.1:8000"),
        # SITE_URL, when set, wins over HOST and PORT; its trailing slash goes.
        ({"SITE_URL": "https://safety.example.org/", "PORT": "8201"}, "https://safety.example.org"),
        ({"SITE_URL": "http://127.0.0.1:9999"}, "http://127.0.0.1:9999"),
        ({"SITE_URL": "  ", "PORT": "8201"}, "http://127.0.0.1:8201"),
    ],
)
def test_site_url(environ, expected):
    assert site_url_from(environ) == expected


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "80a"}, "PORT is set to '80a'"),
        ({"PORT": "0"}, "PORT is set to '0'"),
        ({"PORT": "70000"}, "PORT is set to '70000'"),
        ({"PORT": "٨٠"}, "PORT is set to"),  # digits, but not ASCII ones
        ({"HOST": "evil.example/x?"}, "HOST is set to"),
        ({"SITE_URL": "safety.example.org"}, "SITE_URL is set to 'safety.example.org'"),
        ({"SITE_URL": "javascript:alert(1)"}, "SITE_URL is set to"),
        ({"SITE_URL": "https://"}, "SITE_URL is set to"),
    ],
)
def test_an_unclear_value_stops_the_start_naming_it(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named.replace("?", r"\?")):
        site_url_from(environ)


def settings_site_url(variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """srp.settings imported in a fresh process that sees only `variables` (and PATH)."""
    return subprocess.run(
        [sys.executable, "-c", "import json, srp.settings as s; print(json.dumps(s.SITE_URL))"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DEBUG": "true", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def dotenv_sets_site_url() -> bool:
    dotenv = ROOT / ".env"
    return dotenv.exists() and any(
        line.strip().startswith("SITE_URL=") for line in dotenv.read_text().splitlines()
    )


@pytest.mark.skipif(dotenv_sets_site_url(), reason="this checkout's .env sets SITE_URL")
def test_settings_follow_the_port_make_run_passes():
    result = settings_site_url({"HOST": "127.0.0.1", "PORT": "8201"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "http://127.0.0.1:8201"


def test_settings_keep_a_site_url_that_is_set():
    result = settings_site_url({"SITE_URL": "https://safety.example.org", "PORT": "8201"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == "https://safety.example.org"


def test_settings_refuse_an_unclear_port():
    result = settings_site_url({"PORT": "eighty"})
    assert result.returncode != 0
    assert "PORT is set to 'eighty'" in result.stderr


def test_the_invitation_link_uses_the_site_url_port(world, settings):
    """The welcome email builds its link from SITE_URL (scheme, host and port)."""
    from django.core import mail

    from srp.outbox import deliver_due_emails
    from srp.services import user_get_or_invite

    settings.SITE_URL = site_url_from({"PORT": "8201"})
    user_get_or_invite(email="new.person@a.example.org", first_name="New", last_name="Person")
    deliver_due_emails(batch_size=10)
    (email,) = [m for m in mail.outbox if "new.person@a.example.org" in m.to]
    assert "http://127.0.0.1:8201/accounts/reset/" in email.body
