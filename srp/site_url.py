"""The absolute address that emails, QR codes and PDFs link to (settings.SITE_URL).

Kept out of settings.py so that the rule can be tested with any environment. Production sets
SITE_URL (https://safety.district.example.org). Left unset, the address is where the development
server listens: `make run` (scripts/run-dev.sh) passes HOST and PORT, so `PORT=8201 make run`
emails links to :8201, not to a server that is not there.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# A server listening on every address is reached, on the same machine, at the loopback one.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"}  # noqa: S104 - a name


def site_url_from(environ: Mapping[str, str]) -> str:
    """SITE_URL without its trailing slash when set; else `http://HOST:PORT` (127.0.0.1:8000
    when those are unset too). An unclear value stops the start with a message naming it."""
    explicit = environ.get("SITE_URL", "").strip()
    if explicit:
        return _checked_site_url(explicit)
    host = environ.get("HOST", "").strip() or DEFAULT_HOST
    host = WILDCARD_HOSTS.get(host, host)
    return f"http://{_url_host(host)}:{_port(environ.get('PORT'))}"


def _checked_site_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"SITE_URL is set to {value!r}: write the address people open, with http:// or "
            "https:// (for example https://safety.district.example.org), or remove the line."
        )
    return value.rstrip("/")


def _port(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_PORT
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 65536:
        raise ImproperlyConfigured(
            f"PORT is set to {raw!r}: write a port number from 1 to 65535, or set SITE_URL."
        )
    return int(value)


def _url_host(host: str) -> str:
    """An IPv6 address goes in brackets in a URL; a name or an IPv4 address as it is."""
    bare = host.strip("[]")
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        if not bare or any(c in bare for c in "/?#@ "):
            raise ImproperlyConfigured(
                f"HOST is set to {host!r}: write a host name or an IP address, or set SITE_URL."
            ) from None
        return bare
    return f"[{address}]" if address.version == 6 else str(address)
