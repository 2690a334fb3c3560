"""Health endpoints for load balancers, container orchestrators and monitoring.

- `/health/live`: the process answers (no database, no cache): restart it when this fails.
- `/health/ready`: it can serve requests: the database answers, the cache stores and returns a
  value, the uploads storage is reachable (and writable, on a file system). 503 when one fails,
  so a load balancer stops sending it traffic. It also reports the email outbox: how many emails
  are due and the age of the oldest unsent one. A stale outbox (the worker or cron is not
  running, or the mail server refuses) turns `status` to `degraded` but keeps 200: the web server
  itself can still serve; monitoring alerts on `outbox.ok`.

The answers hold no personal data and no error text (which can name hosts or credentials): a
failed check is logged with its exception and answered as `"error"`.
"""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger("srp.health")


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict[str, Any]:
    key = f"srp:health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=30)
    found = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": found, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_storage() -> dict[str, Any]:
    # A lookup proves the store answers (a stat on disk, a HEAD request on S3).
    default_storage.exists("health-check-probe")
    location = getattr(default_storage, "location", None)
    if location is not None and getattr(default_storage, "base_url", None) is not None:
        # A file system: the uploads folder must exist and be writable by the app.
        return {"ok": os.path.isdir(location) and os.access(location, os.W_OK | os.X_OK)}
    return {"ok": True}


def outbox_status(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    from srp.models import OutboundEmail

    now = now or timezone.now()
    unsent = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
    )
    due = unsent.filter(status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now).count()
    oldest = unsent.aggregate(oldest=Min("created_at"))["oldest"]
    age = int((now - oldest).total_seconds()) if oldest else 0
    max_age = settings.HEALTH_OUTBOX_MAX_AGE_SECONDS
    return {
        "ok": age <= max_age,
        "due": due,
        "oldest_unsent_age_seconds": age,
        "max_age_seconds": max_age,
    }


READINESS_CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
}


def _run(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return check()
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the log has the detail
        logger.exception("Readiness check %s failed", name)
        return {"ok": False, "error": "unavailable"}


@login_not_required
@never_cache
@transaction.non_atomic_requests
def live(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@transaction.non_atomic_requests
def ready(request: HttpRequest) -> HttpResponse:
    checks = {name: _run(name, check) for name, check in READINESS_CHECKS.items()}
    ready_to_serve = all(result["ok"] for result in checks.values())
    if checks["database"]["ok"]:
        checks["outbox"] = _run("outbox", outbox_status)
    if not ready_to_serve:
        status = "unavailable"
    elif not checks.get("outbox", {}).get("ok", False):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready_to_serve else 503)
