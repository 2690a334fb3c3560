"""Public pages (no account): the process, the intake form, the receipt and the status page."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from complaints.forms import FORM_TOKEN_MAX_AGE, ComplaintForm, make_form_token
from complaints.models import Event, Status
from complaints.roster import PublicRoster, cached_for_roster, public_roster
from complaints.services import ComplaintError, complaint_by_token, complaint_submit
from srp.models import District
from srp.rules import show_rule_error
from srp.uploads import serve_upload

# The receipt (reference and private status link) travels to the "sent" page in a signed cookie
# scoped to that page, not in a database session: no session row is written per submission, and
# the status token is not kept in clear on the server (only its hash is).
RECEIPT_COOKIE = "complaints_receipt"
RECEIPT_SALT = "complaints.receipt"
RECEIPT_MAX_AGE = 60 * 60
# The most a whole submission may weigh: 5 files of 10 MB plus the text fields.
MAX_REQUEST_BYTES = 5 * 10 * 1024 * 1024 + 2 * 1024 * 1024
# A form token (its nonce) is held while its complaint is being filed, so that a double click
# files once, and spent only once the complaint is committed. A submission that fails gives it
# back; one whose server died mid-way frees it after NONCE_SENDING_SECONDS.
NONCE_SENDING = "sending"
NONCE_SPENT = "spent"
NONCE_SENDING_SECONDS = 120

logger = logging.getLogger(__name__)


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Per-IP limits: RATELIMIT_PUBLIC_GET for reads, RATELIMIT_PUBLIC_POST for submissions.

    Answers 429 through RATELIMIT_VIEW (django-ratelimit's own `block=True` raises 403 unless
    its middleware is installed).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        post = request.method == "POST"
        limited = is_ratelimited(
            request,
            group=f"complaints_public_{'post' if post else 'get'}",
            key="ip",
            rate=settings.RATELIMIT_PUBLIC_POST if post else settings.RATELIMIT_PUBLIC_GET,
            method=ALL,
            increment=True,
        )
        if limited:
            return import_string(settings.RATELIMIT_VIEW)(request)
        return view(request, *args, **kwargs)

    return wrapper


def _district(district_code: str) -> District:
    return get_object_or_404(District, code=district_code)


@login_not_required
@rate_limited
def process(request: HttpRequest, district_code: str) -> HttpResponse:
    district = _district(district_code)
    return render(request, "complaints/public/process.html", {"district": district})


# Stands in the cached blank form for the signed token that each visitor gets.
FORM_TOKEN_SLOT = "__complaints_form_token__"  # noqa: S105 - a placeholder, not a secret


def _blank_form_html(district: District, roster: PublicRoster) -> SafeString:
    """The blank intake form's fields, drawn once per district, day and language.

    Drawing a thousand staff options and the form's layout cost tens of milliseconds, and the
    blank form is the same for every visitor but for its signed form token, so the drawn
    fragment is cached (until the district's roster changes) and each visitor's own fresh
    token is put in its slot.
    """
    language = translation.get_language()

    def draw() -> str:
        form = ComplaintForm(
            district=district, roster=roster, language=language, form_token=FORM_TOKEN_SLOT
        )
        html = str(render_crispy_form(form))
        if html.count(FORM_TOKEN_SLOT) != 1:  # pragma: no cover - a layout change would show it
            raise ImproperlyConfigured("The intake form must hold its token exactly once.")
        return html

    html = cached_for_roster("intake-form", district.pk, draw)
    return mark_safe(html.replace(FORM_TOKEN_SLOT, escape(make_form_token())))  # noqa: S308 - drawn by the form, token escaped


@login_not_required
@transaction.non_atomic_requests  # reads, and `complaint_submit` is atomic on its own
@rate_limited
def intake(request: HttpRequest, district_code: str) -> HttpResponse:
    district = _district(district_code)
    roster = public_roster(district)
    kwargs = {"district": district, "roster": roster, "language": translation.get_language()}
    if request.method != "POST":
        return render(
            request,
            "complaints/public/form.html",
            {"district": district, "form_html": _blank_form_html(district, roster)},
        )
    status = 400
    notice = ""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        form = ComplaintForm(**kwargs)
        notice = _("What you sent is too large. Attach at most 5 files of 10 MB each.")
        return render(
            request,
            "complaints/public/form.html",
            {"district": district, "form": form, "notice": notice},
            status=413,
        )
    form = ComplaintForm(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        nonce_key = f"complaints:nonce:{form.cleaned_data['form_token'].get('n', '')}"
        # A nonce files one complaint: a replayed form is refused, never filed twice.
        if not cache.add(nonce_key, NONCE_SENDING, timeout=NONCE_SENDING_SECONDS):
            if cache.get(nonce_key) == NONCE_SENDING:
                form.add_error(
                    None,
                    _(
                        "This form is being sent right now. Wait a minute: if no receipt "
                        "appears, send it again."
                    ),
                )
            else:
                form.add_error(
                    None,
                    _("This form was already sent. Check your email or start a new complaint."),
                )
        else:
            data = form.cleaned_data
            submission = None
            try:
                submission = complaint_submit(
                    district=district,
                    school=data["school"],
                    staff_member=data["staff_member"],
                    occurred_at=data["occurred_at"],
                    location=data["location"],
                    description=data["description"],
                    requested_outcome=data["requested_outcome"],
                    relationship=data["relationship"],
                    anonymous=data["anonymous"],
                    contact_name=data["contact_name"],
                    contact_preference=data["contact_preference"],
                    email=data["email"],
                    phone=data["phone"],
                    mailing_address=data["mailing_address"],
                    language=data["language"],
                    files=data["attachments"],
                )
            except ComplaintError as error:
                show_rule_error(request, form, error)
            except Exception:
                # Nothing was filed (the service's transaction rolled back). The family keeps
                # their text and their form token, and is told so plainly.
                logger.exception("A public complaint for district %s was not filed", district.pk)
                status = 500
                notice = _(
                    "Nothing was filed: something went wrong on our side while saving your "
                    "complaint. Your text is still below. Please send it again (attach any files "
                    "again)."
                )
            finally:
                # `complaint_submit` commits its own transaction (this view is not atomic), so a
                # submission returned is a complaint kept: only then is the token spent.
                try:
                    if submission is None:
                        cache.delete(nonce_key)
                    else:
                        cache.set(nonce_key, NONCE_SPENT, timeout=FORM_TOKEN_MAX_AGE)
                except Exception:  # the complaint's fate is settled; a cache fault must not hide it
                    logger.exception("The form token of a public complaint was not updated")
            if submission is not None:
                response = redirect("complaints_public:submitted", district_code=district.code)
                receipt = {
                    "reference": submission.complaint.reference,
                    "status_url": submission.status_url,
                    "email": bool(submission.complaint.email),
                    "district": district.code,
                }
                response.set_signed_cookie(
                    RECEIPT_COOKIE,
                    json.dumps(receipt),
                    salt=RECEIPT_SALT,
                    max_age=RECEIPT_MAX_AGE,
                    path=response["Location"],
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
    elif form.is_spam:
        # Nothing is filed. A bot learns nothing; a person in a hurry keeps their text (but not
        # the honeypot) in a fresh form and can send it again.
        kept = {
            name: request.POST.get(name, "")
            for name in form.fields
            if name not in {"website", "form_token", "attachments"}
        }
        form = ComplaintForm(initial=kept, **kwargs)
        notice = _("We could not accept this form. Please check it and send it again.")
    return render(
        request,
        "complaints/public/form.html",
        {"district": district, "form": form, "notice": notice},
        status=status,
    )


@login_not_required
def submitted(request: HttpRequest, district_code: str) -> HttpResponse:
    district = _district(district_code)
    signed = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE
    )
    try:
        receipt = json.loads(signed) if signed else None
    except ValueError:
        receipt = None
    if not isinstance(receipt, dict) or receipt.get("district") != district.code:
        return redirect("complaints_public:intake", district_code=district.code)
    response = render(
        request, "complaints/public/submitted.html", {"district": district, "receipt": receipt}
    )
    # The page shows the private status link: never cached, never sent on as a referrer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


STAGES = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.UNDER_INVESTIGATION,
    Status.FINDINGS,
    Status.RESPONSE_SENT,
    Status.CLOSED,
]
# What the family sees of each status: referral and findings are internal detail.
PUBLIC_STAGE = {
    Status.REFERRED: Status.UNDER_INVESTIGATION,
    Status.FINDINGS: Status.UNDER_INVESTIGATION,
    Status.APPEALED: Status.APPEALED,
}


@login_not_required
@transaction.non_atomic_requests  # reads only
@rate_limited
def status(request: HttpRequest, district_code: str, token: str) -> HttpResponse:
    district = _district(district_code)
    complaint = complaint_by_token(district=district, token=token)
    if complaint is None:
        raise Http404
    events = list(
        Event.objects.filter(complaint=complaint, public=True)
        .exclude(to_status="")
        .order_by("at", "pk")
    )
    reached: dict[str, object] = {}
    for event in events:
        stage = PUBLIC_STAGE.get(event.to_status, event.to_status)
        reached.setdefault(stage, event.at)
    public_status = PUBLIC_STAGE.get(complaint.status, complaint.status)
    stages = [
        {"label": Status(s).label, "at": reached.get(s), "current": s == public_status}
        for s in STAGES
        if s != Status.FINDINGS
    ]
    extensions = list(complaint.extensions.order_by("at"))
    response = render(
        request,
        "complaints/public/status.html",
        {
            "district": district,
            "complaint": complaint,
            "stages": stages,
            "public_status": Status(public_status).label,
            "extensions": extensions,
            "token": token,
        },
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@rate_limited
def status_letter(request: HttpRequest, district_code: str, token: str) -> HttpResponse:
    district = _district(district_code)
    complaint = complaint_by_token(district=district, token=token)
    if complaint is None or not complaint.response_letter:
        raise Http404
    return serve_upload(
        complaint.response_letter,
        filename=f"{complaint.reference}.pdf",
        content_type="application/pdf",
    )
