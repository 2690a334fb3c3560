"""The program administrator's outbox page: the district's emails that failed or were never
confirmed, each of which may be re-queued (SPEC R-27)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.models import District, OutboundEmail
from srp.outbox import OutboxError, outbox_requeue
from srp.roles import Role
from srp.rules import show_rule_error


def _require_admin(request: AuthenticatedHttpRequest) -> District:
    return request.scope.require(Role.PROGRAM_ADMIN)


def _get_email_for_admin(request: AuthenticatedHttpRequest, pk: int) -> OutboundEmail:
    """One of the active district's emails: 403 for other roles, 404 for another district's."""
    district = _require_admin(request)
    return get_object_or_404(OutboundEmail.objects.for_district(district), pk=pk)


def masked_address(address: str) -> str:
    """`ana.lopez@example.org` → `a…@example.org`: enough to recognise, not to copy."""
    local, at, domain = address.rpartition("@")
    if not at:
        return address[:1] + "…"
    return f"{local[:1]}…@{domain}"


def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _require_admin(request)
    now = timezone.now()
    emails = OutboundEmail.objects.for_district(district)
    attention = (
        emails.needs_attention(now)
        .only("subject", "to", "status", "attempts", "last_error", "created_at", "claimed_at")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(attention, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "email": email,
            "recipients": [masked_address(a) for a in email.to],
            "unconfirmed": email.status == OutboundEmail.Status.SENDING,
        }
        for email in page
    ]
    waiting = emails.filter(status=OutboundEmail.Status.QUEUED).count()
    return render(
        request,
        "srp/outbox.html",
        {"page": page, "rows": rows, "waiting": waiting, "district": district},
    )


@require_POST
def outbox_requeue_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    email = _get_email_for_admin(request, pk)
    try:
        outbox_requeue(email=email, by=request.user)
    except OutboxError as error:
        show_rule_error(request, None, error)
    else:
        messages.success(
            request,
            _("“%(subject)s” is back in the queue; it is sent at the next delivery run.")
            % {"subject": email.subject},
        )
    return redirect("srp:outbox")


def outbox_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    email = _get_email_for_admin(request, pk)
    return render_history(request, email, back_url=reverse("srp:outbox"), title=email.subject)
