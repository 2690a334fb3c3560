"""System checks that `manage.py check --deploy` runs before a production start."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

# Caches whose entries live inside one server process, so that each worker keeps its own.
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def check_cache_is_shared(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Rate limits and replay protection only hold if every worker sees the same cache.

    gunicorn reads its worker count from WEB_CONCURRENCY when --workers is not given; only an
    explicit single worker makes a process-local cache safe.
    """
    if os.environ.get("WEB_CONCURRENCY", "").strip() == "1":
        return []
    # The rate limits may use a cache of their own (RATELIMIT_USE_CACHE).
    names = dict.fromkeys(["default", getattr(settings, "RATELIMIT_USE_CACHE", "default")])
    local = [
        backend
        for backend in (settings.CACHES.get(name, {}).get("BACKEND", "") for name in names)
        if backend in PROCESS_LOCAL_CACHES
    ]
    if not local:
        return []
    backend = local[0]
    return [
        checks.Warning(
            f"The cache ({backend.rsplit('.', 1)[-1]}) is not shared between server processes: "
            "with more than one worker, each counts the rate limits on its own and the replay "
            "protection of the forms holds only within one worker.",
            hint="Set CACHE_URL to a shared cache (dbcache://srp_cache, then `manage.py "
            "createcachetable`, or redis://…), or run a single worker with WEB_CONCURRENCY=1.",
            id="srp.W001",
        )
    ]
