"""Structured logs without personal data, a request id on every line, and Sentry's scrubber.

- `RequestIdMiddleware` (first in MIDDLEWARE) gives each request an id: the proxy's
  `X-Request-ID` when it is a plain token (nginx's `$request_id`), else a new one. It is on every
  log line written while the request runs and in the response's `X-Request-ID` header, so a
  user's report ("request a1b2…") finds its lines. It also writes one access line per request:
  method, the URL *pattern* (never the path: paths hold private status tokens and codes), status,
  duration and the user's number (never a name or address).
- `JsonFormatter` writes one JSON object per line (`LOG_FORMAT=json`, the default with DEBUG
  off).
- `PersonalDataFilter` is on the handler: it replaces email addresses and telephone numbers
  in every message and traceback, as a safety net. The rule stays that code logs record numbers
  and counts only: never names, email addresses, narratives or student numbers.
- `sentry_before_send` is Sentry's last step before an event leaves (`SENTRY_DSN`): it drops
  request bodies, cookies, query strings, headers but a few, the user's details but their
  number, and local variables; and scrubs the rest like the log filter.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_logger = logging.getLogger("srp.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# North American telephone numbers, with or without separators and country code.
_PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")


def scrub(text: str) -> str:
    """Replace email addresses and telephone numbers in `text`."""
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request: HttpRequest, status: int, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        access_logger.info(
            "%s %s %s",
            request.method,
            match.route if match else "(no route)",
            status,
            extra={
                "http": {
                    "method": request.method,
                    "route": match.route if match else None,
                    "view": match.view_name if match else None,
                    "status": status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class PersonalDataFilter(logging.Filter):
    """Scrubs the formatted message and the traceback of every record passing the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still logged, as its template
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# Attributes every LogRecord has; anything else on a record came through `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}
# Extras that are never written (a request object would carry the whole request).
_NEVER = {"request", "exc_info", "stack_info"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _NEVER and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


# Sentry --------------------------------------------------------------------------------------
_KEPT_HEADERS = {"user-agent", "x-request-id", "content-type", "content-length", "host"}


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    return value


def sentry_before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Strip personal data from a Sentry event (with `send_default_pii=False` as the first line)."""
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": "[url]" if request.get("url") else None,
            "headers": {k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS},
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if request_id_var.get() != "-":
        event.setdefault("tags", {})["request_id"] = request_id_var.get()
    return _scrub_value(event)


def init_sentry(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=sentry_before_send,  # type: ignore[arg-type]
        before_send_transaction=sentry_before_send,  # type: ignore[arg-type]
        integrations=[DjangoIntegration()],
    )
