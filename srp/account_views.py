"""Accounts: the signed-in user's profile, password and TOTP second factor; password reset."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.decorators import ratelimit

from srp.forms import BackupCodeForm, OtpVerifyForm, ProfileForm
from srp.http import AuthenticatedHttpRequest
from srp.outbox import email_queue
from srp.second_factor import (
    backup_codes_left,
    confirmed_device,
    issue_backup_codes,
    remove_second_factor,
    second_factor_required,
    use_backup_code,
)


def _rate(setting: str) -> Callable[[str, HttpRequest], str]:
    """A django-ratelimit rate read from settings at each request."""
    return lambda group, request: getattr(settings, setting)


def _reset_address(group: str, request: HttpRequest) -> str:
    # Every request for an address counts, whether or not an account has it, so that the limit
    # (and its 429) says nothing about which addresses are registered.
    return request.POST.get("email", "").strip().casefold()


# A refusal raises django_ratelimit's Ratelimited, which its middleware answers with the shared
# 429 page (RATELIMIT_VIEW), as on the public forms.
def second_factor_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Codes are limited per signed-in user and per client, on top of django-otp's back-off."""
    for key in ("user", "ip"):
        view = ratelimit(
            group=f"account_second_factor_{key}",
            key=key,
            rate=_rate("RATELIMIT_SECOND_FACTOR"),
            method="POST",
        )(view)
    return view


_password_reset_view = auth_views.PasswordResetView.as_view()


@login_not_required
@ratelimit(
    group="account_password_reset_ip",
    key="ip",
    rate=_rate("RATELIMIT_PASSWORD_RESET_IP"),
    method="POST",
)
@ratelimit(
    group="account_password_reset_email",
    key=_reset_address,
    rate=_rate("RATELIMIT_PASSWORD_RESET_EMAIL"),
    method="POST",
)
def password_reset(request: HttpRequest) -> HttpResponseBase:
    """Django's reset form, limited per address asked for and per client."""
    return _password_reset_view(request)


def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("account:profile")
    return render(
        request,
        "account/profile.html",
        {
            "form": form,
            "device": confirmed_device(request.user),
            "required": second_factor_required(request.user),
            "backup_codes_left": backup_codes_left(request.user),
        },
    )


@second_factor_limited
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create an unconfirmed TOTP device, show its QR code, confirm it with a first code."""
    if confirmed_device(request.user):
        messages.info(request, _("Your second factor is already set up."))
        return redirect("account:profile")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = OtpVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(
                request, _("Second factor set up. You will be asked for a code at each sign-in.")
            )
            # Shown once, in this response: a lost phone must not need an administrator.
            return _show_backup_codes(request, issue_backup_codes(request.user))
        form.add_error(
            "token", _("That code is not right. Check your phone's clock and try again.")
        )
    secret = b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))
    return render(
        request,
        "account/otp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308 - SVG generated by segno from our own data
            "required": second_factor_required(request.user),
        },
    )


def _next_target(request: AuthenticatedHttpRequest) -> str:
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "srp:dashboard"
    return target


@second_factor_limited
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect("srp:dashboard")
    using_backup = request.method == "POST" and "backup_code" in request.POST
    form = OtpVerifyForm(request.POST if request.method == "POST" and not using_backup else None)
    backup_form = BackupCodeForm(request.POST if using_backup else None)
    if using_backup and backup_form.is_valid():
        backup, refusal = use_backup_code(request.user, backup_form.cleaned_data["backup_code"])
        if backup is not None:
            otp_login(request, backup)
            left = backup_codes_left(request.user)
            email_queue(
                to=[request.user.email],
                template="account/email/backup_code_used",
                context={"user": request.user, "left": left},
                district=None,
            )
            messages.warning(
                request,
                _(
                    "You signed in with a backup code; %(left)s are left. Make new codes on "
                    "your account page when few are left, and set up your new phone."
                )
                % {"left": left},
            )
            return redirect(_next_target(request))
        backup_form.add_error(
            "backup_code",
            _("Wait a few seconds before trying again.")
            if refusal == "throttled"
            else _("That backup code is not right, or it was used already."),
        )
    if not using_backup and request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Wait a few seconds before trying again."))
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_target(request))
        else:
            form.add_error("token", _("That code is not right."))
    return render(
        request,
        "account/otp_verify.html",
        {"form": form, "backup_form": backup_form, "using_backup": using_backup},
    )


def _show_backup_codes(request: AuthenticatedHttpRequest, codes: list[str]) -> HttpResponse:
    response = render(request, "account/backup_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


def backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a new set of backup codes (the old ones stop working), shown once."""
    if confirmed_device(request.user) is None:
        messages.info(request, _("Set up the authenticator app first; backup codes come with it."))
        return redirect("account:otp_setup")
    if request.method == "POST":
        return _show_backup_codes(request, issue_backup_codes(request.user))
    return render(
        request,
        "account/backup_codes.html",
        {"codes": None, "left": backup_codes_left(request.user)},
    )


@require_POST
def otp_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    if second_factor_required(request.user):
        messages.error(request, _("Your district requires a second factor for your role."))
        return redirect("account:profile")
    remove_second_factor(request.user)
    messages.success(request, _("Second factor removed."))
    return redirect("account:profile")
