"""Structured logs (issue #15): JSON lines with a request id, and no personal data."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest
from django.urls import reverse

from complaints.forms import make_form_token
from complaints.models import Complaint
from srp.logging import (
    JsonFormatter,
    PersonalDataFilter,
    RequestIdFilter,
    scrub,
    sentry_before_send,
)
from srp.outbox import deliver_due_emails

pytestmark = pytest.mark.django_db

NAME = "Marisol Quintanilla-Ferreira"
EMAIL = "marisol.qf@example.org"
PHONE = "360-555-0142"
STUDENT_NUMBER = "8675309112"
NARRATIVE = "Officer grabbed my daughter by the backpack strap near the gym doors"


@pytest.fixture
def json_log():
    """The console handler as settings.LOGGING builds it, writing to a buffer, every level."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_a_complaint_submission_logs_its_request_id_and_no_personal_data(client, world, json_log):
    intake = reverse("complaints_public:intake", kwargs={"district_code": world.district.code})
    response = client.post(
        intake,
        {
            "school": str(world.school_a.pk),
            "occurred_on": "2026-11-20",
            "occurred_time": "10:30",
            "location": "Gym",
            "description": f"{NARRATIVE}. Her student number is {STUDENT_NUMBER}.",
            "requested_outcome": "An apology.",
            "relationship": "parent",
            "contact_name": NAME,
            "contact_preference": "email",
            "email": EMAIL,
            "phone": PHONE,
            "language": "en",
            "website": "",
            "form_token": make_form_token(issued_at=time.time() - 60),
        },
        HTTP_X_REQUEST_ID="req-test-0001-complaint",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["X-Request-ID"] == "req-test-0001-complaint"
    assert Complaint.objects.get().contact_name == NAME
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    deliver_due_emails()  # the receipt email leaves through the outbox, logging as it goes

    lines = json_log()
    assert lines, "nothing was logged"
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for secret in (NAME, "Marisol", EMAIL, PHONE, STUDENT_NUMBER, NARRATIVE, "backpack"):
        assert secret not in text
    # The receipt page's private address (reference and token) is not logged either: routes are.
    assert response["Location"] not in text
    submission = [line for line in lines if line.get("request_id") == "req-test-0001-complaint"]
    access = [line for line in submission if line["logger"] == "srp.request"]
    assert len(access) == 1
    assert access[0]["http"]["status"] == 302
    assert access[0]["http"]["route"] == "p/<str:district_code>/complaints/new/"
    assert {"time", "level", "logger", "message", "request_id"} <= set(access[0])
    # A request without an id gets a fresh one, different from the first.
    others = {line["request_id"] for line in lines if line["logger"] == "srp.request"}
    assert len(others) == 2


def test_a_malformed_request_id_is_replaced(client, world):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="<script>x</script>")
    assert response["X-Request-ID"] != "<script>x</script>"
    assert len(response["X-Request-ID"]) == 32


def test_the_filter_scrubs_addresses_and_phones_from_messages_and_tracebacks(json_log):
    log = logging.getLogger("srp.test")
    log.warning("Could not reach %s or (360) 555-0142", "ana@example.org")
    try:
        raise ValueError("bad address bob@example.org")
    except ValueError:
        log.exception("Failed")
    first, second = json_log()[-2:]
    assert first["message"] == "Could not reach [email] or [phone]"
    assert "bob@example.org" not in second["exception"] and "[email]" in second["exception"]
    assert first["request_id"] == "-"


def test_scrub_keeps_record_numbers_and_dates():
    assert scrub("Email 1234 failed on 2026-11-27") == "Email 1234 failed on 2026-11-27"


def test_sentry_events_keep_no_personal_data():
    event = {
        "message": "Complaint from ana@example.org failed",
        "request": {
            "method": "POST",
            "url": "https://safety.example.org/p/sd1/complaints/status/SECRET-TOKEN/",
            "query_string": "token=SECRET-TOKEN",
            "data": {"contact_name": NAME, "description": NARRATIVE},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "Referer": "x"},
        },
        "user": {"id": 7, "email": EMAIL, "username": "ana", "ip_address": "10.0.0.1"},
        "breadcrumbs": {"values": [{"message": f"SELECT … {NAME}"}]},
        "extra": {"form": NARRATIVE},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"no student {EMAIL}",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"name": NAME}}]},
                }
            ]
        },
    }
    cleaned = sentry_before_send(event, {})
    text = json.dumps(cleaned)
    for secret in (
        NAME,
        NARRATIVE,
        EMAIL,
        "ana@example.org",
        "SECRET-TOKEN",
        "sessionid",
        "10.0.0.1",
    ):
        assert secret not in text
    assert cleaned["user"] == {"id": 7}
    assert cleaned["request"]["method"] == "POST"
    assert cleaned["request"]["headers"] == {"User-Agent": "Firefox"}
    assert cleaned["exception"]["values"][0]["type"] == "ValueError"


def test_sentry_starts_with_personal_data_off(monkeypatch):
    import sentry_sdk

    seen = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: seen.update(kwargs))
    from srp.logging import init_sentry

    init_sentry(
        dsn="https://key@sentry.example.org/1",
        environment="test",
        release=None,
        traces_sample_rate=0.0,
    )
    assert seen["send_default_pii"] is False
    assert seen["include_local_variables"] is False
    assert seen["max_request_body_size"] == "never"
    assert seen["before_send"] is sentry_before_send
