from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    """The `world` personas are hashed with a fast hasher here; rate-limit counters start empty."""
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
