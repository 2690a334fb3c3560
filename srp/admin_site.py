from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.db.models.base import ModelBase
from django.http import HttpRequest


def _never(request: HttpRequest, obj: Any = None) -> bool:
    return False


class SuperuserOnlyAdminSite(admin.AdminSite):
    site_header = "srp operations"
    # Records are corrected or voided in the app with a reason, never deleted, not even
    # here. Only sign-in artefacts may be removed: a lost second-factor device, a lockout, a
    # session, a permission group.
    deletable_apps = frozenset({"auth", "axes", "otp_static", "otp_totp", "sessions"})

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: Any = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, admin_class, **options)
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            if model._meta.app_label not in self.deletable_apps:
                # Also hides the "delete selected" action, which checks this permission.
                self._registry[model].has_delete_permission = _never  # type: ignore[method-assign]
