"""The email outbox (SPEC R-27).

`EMAIL_BACKEND` is `OutboxEmailBackend`: every message Django sends (password resets included)
is written to `OutboundEmail` inside the current transaction, so it is kept exactly when the change
that caused it is kept. `deliver_due_emails()` sends them through `SRP_DELIVERY_EMAIL_BACKEND`
with retries and back-off.

Each email is delivered at most once. It is claimed (queued → sending) and that claim is
committed before the mail server is called; only then is it sent, and marked sent. A sender that
stops between the two leaves at most the one email it was sending in `sending`: it may have gone
out, so it is never sent again on its own; it shows as unconfirmed for a program administrator,
who may re-queue it (`outbox_requeue`), as they may an email that failed for good.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from srp.cache import data_changed
from srp.history import as_done_by
from srp.models import District, OutboundEmail, OutboundEmailAttachment
from srp.rules import RuleError

if TYPE_CHECKING:
    from srp.models import User

logger = logging.getLogger(__name__)


class OutboxError(RuleError):
    """An outbox rule was broken; the message is for a person (shown with `show_rule_error`)."""


class OutboxEmailBackend(BaseEmailBackend):
    """Stores messages in the outbox instead of sending them.

    The messages Django itself sends are password links ("choose your password", "reset your
    password"), so they are kept as holding a private link and purged after sending.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            store_message(message, private_link=True)
        return len(email_messages)


def store_message(
    message: EmailMessage, *, district: District | None = None, private_link: bool = False
) -> OutboundEmail:
    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html_body = str(content)
    email = OutboundEmail(
        district=district,
        subject=str(message.subject),
        body=str(message.body),
        html_body=html_body,
        from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        headers=dict(message.extra_headers),
        private_link=private_link,
    )
    # The history records the administrator's re-queues, not every email written.
    email.skip_history_when_saving = True
    email.save()
    del email.skip_history_when_saving
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
    purged: int = 0


def _claim_next(now: datetime.datetime) -> OutboundEmail | None:
    """Claim the next due email (queued → sending) and commit the claim.

    On PostgreSQL `SKIP LOCKED` lets several senders pick different rows; everywhere the
    conditional UPDATE is what makes the claim atomic: a row another sender claimed first
    updates nothing and the next one is tried.
    """
    while True:
        with transaction.atomic():
            email = (
                OutboundEmail.objects.due(now)
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if email is None:
                return None
            claimed_at = timezone.now()
            claimed = OutboundEmail.objects.filter(
                pk=email.pk, status=OutboundEmail.Status.QUEUED
            ).update(
                status=OutboundEmail.Status.SENDING,
                claimed_at=claimed_at,
                attempts=F("attempts") + 1,
            )
        if claimed:
            email.status = OutboundEmail.Status.SENDING
            email.claimed_at = claimed_at
            email.attempts += 1
            return email


def _record(email: OutboundEmail, **fields: object) -> None:
    """Write a delivery's outcome, only while the email is still this sender's claim."""
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENDING).update(**fields)


def _attention_changed(email: OutboundEmail) -> None:
    """The district's dashboard counts the emails that need its administrator: redraw it."""
    if email.district_id is not None:
        data_changed(email.district_id)


def deliver_due_emails(
    *, batch_size: int | None = None, now: datetime.datetime | None = None
) -> DeliveryResult:
    """Send the queued emails whose time has come, each at most once; then purge old private
    links. Safe to run on several servers at once. Must not run inside a transaction (each
    claim is committed before its email is handed to the mail server).

    `batch_size` caps how many emails this run sends (None: all that are due).
    """
    result = DeliveryResult()
    now = now or timezone.now()
    connection = get_connection(settings.SRP_DELIVERY_EMAIL_BACKEND, fail_silently=False)
    while batch_size is None or result.sent + result.retried + result.failed < batch_size:
        email = _claim_next(now)
        if email is None:
            break
        try:
            _as_message(email, connection).send()
        except Exception as exc:  # noqa: BLE001 - any transport error is retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                _record(email, status=OutboundEmail.Status.FAILED, last_error=error)
                _attention_changed(email)
                result.failed += 1
                logger.error("Email %s failed for good: %s", email.pk, error)
            else:
                _record(
                    email,
                    status=OutboundEmail.Status.QUEUED,
                    last_error=error,
                    next_attempt_at=now + retry_delay(email.attempts),
                )
                result.retried += 1
                logger.warning("Email %s will be retried: %s", email.pk, error)
        else:
            _record(email, status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error="")
            result.sent += 1
    result.purged = outbox_purge(now=now)
    return result


def outbox_requeue(*, email: OutboundEmail, by: User) -> OutboundEmail:
    """Put an email that failed for good, or whose sending was never confirmed, back in the queue.

    Preconditions: the email is failed, or unconfirmed (`sending` for longer than
    `OutboundEmail.UNCONFIRMED_AFTER`). An unconfirmed email may already have reached its
    recipient: re-queuing it is the administrator's decision. Effects: queued, due now, with a
    fresh count of attempts; the history records who re-queued it.
    """
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != OutboundEmail.Status.FAILED and not locked.is_unconfirmed():
            raise OutboxError(
                _("Only an email that failed or was never confirmed can be re-queued.")
            )
        if locked.purged_at is not None:
            raise OutboxError(_("This email's text was removed; it cannot be sent again."))
        locked.status = OutboundEmail.Status.QUEUED
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.claimed_at = None
        as_done_by(locked, by, "re-queued by a program administrator")
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
        _attention_changed(locked)
    logger.info("Email %s re-queued by user %s", locked.pk, by.pk)
    return locked


def outbox_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove the text of sent emails holding a private link, OUTBOX_PURGE_DAYS after sending.

    The row stays (who was written to, when, and the subject); the link is gone.
    """
    now = now or timezone.now()
    note = (
        f"[Removed on {formats.date_format(timezone.localdate(now), 'Y-m-d')}: this email held "
        f"a private link and was sent more than {settings.OUTBOX_PURGE_DAYS} days earlier.]"
    )
    return (
        OutboundEmail.objects.purgeable(now)
        .order_by()
        .update(body=note, html_body="", purged_at=now)
    )


def email_queue(
    *,
    to: Sequence[str],
    template: str,
    context: dict,
    district: District | None,
    language: str = "en",
    attachments: Sequence[tuple[str, bytes, str]] = (),
    reply_to: Sequence[str] = (),
    private_link: bool = False,
) -> OutboundEmail:
    """Render `<template>_subject.txt` and `<template>.txt` in `language` and queue the email.

    `district` is the district the email is about (None for the host's own); its program
    administrators see it if it fails. `private_link` marks a body holding a private link (a
    complaint's status link), whose text is removed OUTBOX_PURGE_DAYS after sending.

    Always writes to the outbox, whatever EMAIL_BACKEND says, so that a request never waits on
    or fails with a mail server.
    """
    from django.utils import translation

    with translation.override(language):
        # One line of plain text: a name such as O'Brien must not arrive as "O&#x27;Brien".
        subject = " ".join(_render_plain_text(f"{template}_subject.txt", context).split())
        body = _render_plain_text(f"{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=list(to), reply_to=list(reply_to))
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return store_message(message, district=district, private_link=private_link)


def _render_plain_text(template_name: str, context: dict) -> str:
    """A text template rendered without HTML escaping: emails here are plain text, where an
    escaped apostrophe or ampersand would reach the reader as an entity."""
    from django.template import Context, Engine

    template = Engine.get_default().get_template(template_name)  # the engine's own Template
    return template.render(Context(context, autoescape=False))
