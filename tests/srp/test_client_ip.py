"""The client address behind a reverse proxy: sign-in lockout and rate limits (issue #11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from srp.client_ip import UNKNOWN_ADDRESS, client_ip
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"  # REMOTE_ADDR of every request that comes through the proxy
PROXY_SETTINGS = (
    "TRUSTED_PROXY_COUNT",
    "AXES_CLIENT_IP_CALLABLE",
    "RATELIMIT_IP_META_KEY",
    "SECURE_PROXY_SSL_HEADER",
)


@pytest.fixture(scope="session")
def documented_proxy_settings():
    """What srp/settings.py makes of BEHIND_PROXY=true, the documented nginx set-up."""
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    env.update(BEHIND_PROXY="true", DEBUG="false")
    script = (
        "import json, srp.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {PROXY_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def behind_proxy(settings, documented_proxy_settings):
    for name, value in documented_proxy_settings.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)


def through_proxy(client_address: str | None) -> dict[str, str]:
    """Request headers as nginx passes them on (`X-Forwarded-For` set or appended)."""
    meta = {"REMOTE_ADDR": NGINX}
    if client_address is not None:
        meta["HTTP_X_FORWARDED_FOR"] = client_address
    return meta


def sign_in(client, username, password, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


# The finding: failures from anywhere were counted against the proxy's address. -----------------
def test_failures_from_other_addresses_do_not_lock_out_the_user(
    client, world, settings, behind_proxy
):
    for attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        response = sign_in(
            client,
            world.admin.username,
            "wrong-password",
            **through_proxy(f"198.51.100.{attempt + 1}"),
        )
        assert response.status_code == 200  # each guess is only a wrong password
    response = sign_in(client, world.admin.username, PASSWORD, **through_proxy("203.0.113.7"))
    assert response.status_code == 302
    assert response["Location"] == reverse("srp:dashboard")


def test_the_guessing_address_is_locked_out_even_when_it_forges_the_header(
    client, world, settings, behind_proxy
):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The client writes its own X-Forwarded-For; nginx appends the address it really saw.
        forged = f"192.0.2.{attempt + 1}, 198.51.100.66"
        sign_in(client, world.admin.username, "wrong-password", **through_proxy(forged))
    locked = sign_in(client, world.admin.username, PASSWORD, **through_proxy("198.51.100.66"))
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Only that account from that address: the user signs in from elsewhere, others from there.
    assert sign_in(client, world.board.username, PASSWORD, **through_proxy("198.51.100.66"))[
        "Location"
    ] == reverse("srp:dashboard")
    other = client.__class__()
    assert sign_in(other, world.admin.username, PASSWORD, **through_proxy("203.0.113.7"))[
        "Location"
    ] == reverse("srp:dashboard")


# A missing or odd header never fails a request. -------------------------------------------------
ODD_HEADERS = [
    None,
    "",
    "203.0.113.9, 198.51.100.2",
    "203.0.113.9,198.51.100.2,,",
    "unknown",
    "not an address",
    "[2001:db8::5]:4711",
    "198.51.100.2:8080",
    "fe80::1%eth0",
    "0.0.0.0",  # noqa: S104 - a forged header value, not an address to bind
    "1" * 5000,
]


@pytest.mark.parametrize("forwarded_for", ODD_HEADERS)
def test_public_and_sign_in_pages_answer_whatever_the_header(
    client, world, behind_proxy, forwarded_for
):
    code = world.district.code
    for url in (
        f"/p/{code}/complaints/",
        f"/p/{code}/notices/",
        reverse("login"),
        reverse("password_reset"),
    ):
        response = client.get(url, **through_proxy(forwarded_for))
        assert response.status_code == 200, url
    response = sign_in(client, world.admin.username, PASSWORD, **through_proxy(forwarded_for))
    assert response.status_code == 302


def test_public_rate_limit_counts_the_client_not_the_header_it_writes(
    client, world, settings, behind_proxy
):
    settings.RATELIMIT_PUBLIC_GET = "3/m"
    url = f"/p/{world.district.code}/complaints/"
    for attempt in range(3):
        forged = f"192.0.2.{attempt + 1}, 198.51.100.66"
        assert client.get(url, **through_proxy(forged)).status_code == 200
    assert client.get(url, **through_proxy("192.0.2.99, 198.51.100.66")).status_code == 429
    assert client.get(url, **through_proxy("198.51.100.67")).status_code == 200


# The one function that axes and the rate limits read. -------------------------------------------
@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "198.51.100.1"),
        (1, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "192.0.2.1"),
        (1, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 192.0.2.2"}, "192.0.2.2"),
        (2, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 192.0.2.2"}, "192.0.2.1"),
        (2, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "192.0.2.2"}, NGINX),
        (1, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "nonsense"}, NGINX),
        (1, {"REMOTE_ADDR": NGINX}, NGINX),
        (1, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "[2001:db8::5]:443"}, "2001:db8::5"),
        (1, {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "::ffff:192.0.2.8"}, "192.0.2.8"),
        (0, {"REMOTE_ADDR": "fe80::1%eth0"}, "fe80::1"),
        (1, {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "192.0.2.1"),
        (0, {"REMOTE_ADDR": ""}, UNKNOWN_ADDRESS),
        (1, {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "garbage"}, UNKNOWN_ADDRESS),
    ],
)
def test_client_ip(settings, proxies, meta, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    request.META.update(meta)
    assert client_ip(request) == expected


def test_axes_and_the_rate_limits_read_the_same_address(settings, behind_proxy):
    from axes.helpers import get_client_ip_address
    from django_ratelimit.core import _get_ip

    request = RequestFactory().get("/", **through_proxy("192.0.2.1, 203.0.113.4"))
    assert get_client_ip_address(request) == _get_ip(request) == "203.0.113.4"
