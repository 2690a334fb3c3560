from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from srp.scope import get_scope
from srp.second_factor import second_factor_step

# Paths a signed-in user may reach before passing the second factor.
SECOND_FACTOR_EXEMPT_URL_NAMES = (
    "account:otp_verify",
    "account:otp_setup",
    "logout",
    "set_language",
)


class ScopeMiddleware:
    """Attach `request.scope`: the user's roles and schools in the active district."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: get_scope(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class SecondFactorMiddleware:
    """Users with a TOTP device must pass it; districts may require one for administrators."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not self._exempt(request):
            step = second_factor_step(user)
            if step == "verify":
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account:otp_verify')}?{query}")
            if step == "setup":
                return redirect("account:otp_setup")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # Static files never get here: WhiteNoise answers them earlier in MIDDLEWARE.
        return request.path_info in {reverse(name) for name in SECOND_FACTOR_EXEMPT_URL_NAMES}


class SecurityHeadersMiddleware:
    """Headers Django does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages behind login hold student data: never keep them in shared caches.
            response.setdefault("Cache-Control", "private, no-store")
        return response
