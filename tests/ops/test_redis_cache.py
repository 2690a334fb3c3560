"""Redis as the production cache (issue #15): several app servers share one count.

These run when CACHE_URL names a Redis server (`.ci/run` runs them, with the rate-limit,
form-replay and cached-figure tests, against the CI machine's 127.0.0.1:6379). Each "server" is
its own cache client built from the same settings, as a second gunicorn process would build it.
"""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.urls import reverse

from complaints.forms import make_form_token

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://")),
        reason="needs CACHE_URL=redis://… (.ci/run sets it for the Redis pass)",
    ),
    pytest.mark.django_db,
]


def another_server():
    return caches.create_connection("default")


def test_the_configured_cache_is_redis_and_answers():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("srp-test", "1", 30)
    assert another_server().get("srp-test") == "1"


def test_a_rate_limit_counts_across_servers(client, world, settings):
    """The public POST limit is per client, whichever server the request reaches."""
    settings.RATELIMIT_PUBLIC_POST = "2/h"
    intake = reverse("complaints_public:intake", kwargs={"district_code": world.district.code})
    data = {"website": "", "form_token": make_form_token(issued_at=time.time() - 60)}
    for _ in range(2):
        assert client.post(intake, data).status_code in {200, 400}
    assert client.post(intake, data).status_code == 429
    # The count lives in Redis: a fresh client (another server) sees it too.
    keys = another_server()._cache.get_client().keys("*")  # noqa: SLF001
    assert any(b"rl:" in key for key in keys)


def test_the_form_replay_check_is_shared_across_servers(client, world):
    intake = reverse("complaints_public:intake", kwargs={"district_code": world.district.code})
    data = {
        "school": str(world.school_a.pk),
        "occurred_on": "2026-11-20",
        "occurred_time": "10:30",
        "location": "Front office",
        "description": "The officer pushed my son against the lockers.",
        "requested_outcome": "An apology.",
        "relationship": "parent",
        "contact_name": "Ana",
        "contact_preference": "email",
        "email": "ana@example.org",
        "language": "en",
        "website": "",
        "form_token": make_form_token(issued_at=time.time() - 60),
    }
    assert client.post(intake, data).status_code == 302
    # Another server has its own connection pool; the used token is in Redis for both.
    caches["default"].close()
    replay = client.post(intake, data)
    assert replay.status_code == 400
    assert "already sent" in replay.content.decode()
