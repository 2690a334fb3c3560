"""The client's address, for the sign-in lockout (django-axes) and every rate limit.

One function, so that axes (`AXES_CLIENT_IP_CALLABLE`) and django-ratelimit
(`RATELIMIT_IP_META_KEY`) can never disagree about who a request came from.

Behind `TRUSTED_PROXY_COUNT` reverse proxies, each of which sets or appends to X-Forwarded-For
the address it received the request from, the client is the entry that many places from the
right: everything to its left was written by the client itself and proves nothing. With no
trusted proxy the header is ignored, since anyone can send it. A missing, short or malformed
header falls back to REMOTE_ADDR (the nearest proxy) and never fails the request.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from python_ipware import IpWare

# Stands in for a request without any usable address (REMOTE_ADDR empty, as over a Unix socket
# with no proxy header): such requests share one rate-limit bucket rather than failing.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a key for counting, never an address to bind

_DIRECT = IpWare(precedence=("REMOTE_ADDR",))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`, as text (IPv4 or IPv6)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    found = None
    if proxies > 0:
        # python-ipware counts only the proxies named inside the header; the nearest one appears
        # as REMOTE_ADDR instead, hence one fewer. Tokens that are not addresses are skipped.
        forwarded = IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)
        found, _trusted = forwarded.get_client_ip(request.META)
    if found is None:
        found, _trusted = _DIRECT.get_client_ip(request.META)
    if found is None:
        return UNKNOWN_ADDRESS
    # An IPv6 zone ("fe80::1%eth0") names the server's own interface, not the client.
    return str(found).split("%", 1)[0]
