"""/health/live and /health/ready (issue #15): what a load balancer and monitoring read."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from srp import health
from srp.outbox import deliver_due_emails, email_queue

pytestmark = pytest.mark.django_db


def queue(district):
    return email_queue(
        to=["family@example.org"],
        template="srp/email/test",
        context={"name": "Ana"},
        district=district,
    )


def test_live_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_checks_database_cache_storage_and_the_outbox(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "storage": True,
        "outbox": True,
    }
    assert body["checks"]["outbox"]["due"] == 0
    assert body["checks"]["outbox"]["oldest_unsent_age_seconds"] == 0


def test_ready_reports_the_backlog_and_a_stale_outbox_as_degraded(client, world, settings):
    settings.HEALTH_OUTBOX_MAX_AGE_SECONDS = 600
    queue(world.district)
    queue(world.district)
    body = client.get("/health/ready").json()
    assert body["checks"]["outbox"]["due"] == 2
    assert body["status"] == "ok"

    later = timezone.now() + datetime.timedelta(minutes=45)
    outbox = health.outbox_status(now=later)
    assert outbox["ok"] is False
    assert outbox["oldest_unsent_age_seconds"] >= 45 * 60

    from freezegun import freeze_time

    with freeze_time(later):
        response = client.get("/health/ready")
    # The web server can still serve: 200, but the outbox is flagged for monitoring.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db(transaction=True)
def test_sent_emails_leave_the_backlog(client, world):
    queue(world.district)
    deliver_due_emails()
    assert client.get("/health/ready").json()["checks"]["outbox"]["due"] == 0


def test_ready_is_503_when_a_dependency_fails_and_shows_no_error_text(client, world, monkeypatch):
    def broken():
        raise ConnectionError("redis://:hunter2@cache.internal:6379 refused")

    monkeypatch.setitem(health.READINESS_CHECKS, "cache", broken)
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == {"ok": False, "error": "unavailable"}
    assert "hunter2" not in response.content.decode()


def test_ready_fails_when_the_uploads_folder_is_missing(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-mounted"
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_probes_over_plain_http_are_not_redirected(world, settings):
    settings.SECURE_SSL_REDIRECT = True
    probe = Client()
    assert probe.get("/health/live").status_code == 200
    assert probe.get("/health/ready").status_code == 200
    assert probe.get("/dashboard/").status_code == 301
