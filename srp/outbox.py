"""The email outbox (SPEC R-27).

`EMAIL_BACKEND` is `OutboxEmailBackend`: every message Django sends (password resets included)
is written to `OutboundEmail` inside the current transaction, so it is kept exactly when the change
that caused it is kept. `deliver_due_emails()` sends them through `SRP_DELIVERY_EMAIL_BACKEND`
with retries and back-off; rows are claimed with `SKIP LOCKED` so several servers can run it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from srp.models import OutboundEmail, OutboundEmailAttachment

logger = logging.getLogger(__name__)


class OutboxEmailBackend(BaseEmailBackend):
    """Stores messages in the outbox instead of sending them."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            store_message(message)
        return len(email_messages)


def store_message(message: EmailMessage) -> OutboundEmail:
    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html_body = str(content)
    email = OutboundEmail.objects.create(
        subject=str(message.subject),
        body=str(message.body),
        html_body=html_body,
        from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        headers=dict(message.extra_headers),
    )
    for attachment in message.attachments:
        if isinstance(attachment, tuple) or hasattr(attachment, "filename"):
            filename, content, mimetype = attachment
            data = content.encode() if isinstance(content, str) else bytes(content)
            OutboundEmailAttachment.objects.create(
                email=email,
                filename=filename or "attachment",
                content_type=mimetype or "application/octet-stream",
                content=data,
            )
    return email


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _as_message(email: OutboundEmail, connection) -> EmailMessage:  # noqa: ANN001
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=email.headers,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due_emails(
    *, batch_size: int = 50, now: datetime.datetime | None = None
) -> DeliveryResult:
    """Send the queued emails whose time has come. Safe to run on several servers at once."""
    result = DeliveryResult()
    now = now or timezone.now()
    connection = get_connection(settings.SRP_DELIVERY_EMAIL_BACKEND, fail_silently=False)
    while True:
        with transaction.atomic():
            batch = list(
                OutboundEmail.objects.due(now)
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")[:batch_size]
            )
            if not batch:
                break
            for email in batch:
                email.attempts += 1
                try:
                    _as_message(email, connection).send()
                except Exception as exc:  # noqa: BLE001 - any transport error is retried
                    email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                        email.status = OutboundEmail.Status.FAILED
                        result.failed += 1
                        logger.error("Email %s failed for good: %s", email.pk, email.last_error)
                    else:
                        email.next_attempt_at = now + retry_delay(email.attempts)
                        result.retried += 1
                        logger.warning("Email %s will be retried: %s", email.pk, email.last_error)
                else:
                    email.status = OutboundEmail.Status.SENT
                    email.sent_at = timezone.now()
                    email.last_error = ""
                    result.sent += 1
                email.save(
                    update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
                )
    return result


def email_queue(
    *,
    to: Sequence[str],
    template: str,
    context: dict,
    language: str = "en",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    reply_to: Sequence[str] = (),
) -> OutboundEmail:
    """Render `<template>_subject.txt` and `<template>.txt` in `language` and queue the email.

    Always writes to the outbox, whatever EMAIL_BACKEND says, so that a request never waits on
    or fails with a mail server.
    """
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=list(to), reply_to=list(reply_to))
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return store_message(message)
