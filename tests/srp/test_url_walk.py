"""Default deny: every URL pattern that is not on the public list sends an anonymous visitor to
sign in. A new view is public only if it is added to PUBLIC_VIEWS here on purpose."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Views that answer without an account (families, the public, sign-in itself).
PUBLIC_PREFIXES = (
    "/p/",  # public pages of a district: complaint form, status, notices, published report
    "/accounts/",  # sign-in, password reset
    "/i18n/",  # language switch
    "/static/",
)
PUBLIC_EXACT = {"/", "/health/", "/health/live", "/health/ready", "/bench/floor/"}
# Patterns that are not views of ours: the Django admin has its own login.
SKIP_PREFIXES = ("/ops/admin/",)


def walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def example_url(route: str) -> str:
    """Fill a route's converters with plausible values: `<int:pk>` → 1, `<str:x>` → 'x'."""
    import re

    def fill(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return {
            "int": "1",
            "uuid": "00000000-0000-0000-0000-000000000000",
            "slug": "x",
            "path": "x",
        }.get(converter, "x")

    url = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    if url.startswith("^"):
        url = url.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + url.lstrip("/")


def is_public(url: str) -> bool:
    return url in PUBLIC_EXACT or url.startswith(PUBLIC_PREFIXES)


def all_urls():
    return sorted({example_url(route) for route, _ in walk(get_resolver())})


def test_walk_finds_the_apps_views():
    urls = all_urls()
    assert "/dashboard/" in urls
    assert len(urls) > 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [u for u in all_urls() if not is_public(u) and not u.startswith(SKIP_PREFIXES)]
)
def test_anonymous_request_to_private_page_goes_to_login(client, url):
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (
            f"{method.upper()} {url} answered {response.status_code}"
        )
        assert response["Location"].startswith("/accounts/login/"), f"{method.upper()} {url}"


@pytest.mark.django_db
def test_public_views_are_marked_public_explicitly():
    """Every view reachable without an account carries Django's login_not_required mark."""
    for route, pattern in walk(get_resolver()):
        url = example_url(route)
        if url.startswith(SKIP_PREFIXES):
            continue
        callback = pattern.callback
        marked_public = getattr(callback, "login_required", True) is False
        if marked_public:
            assert is_public(url), f"{url} is public but outside the public URL space"
