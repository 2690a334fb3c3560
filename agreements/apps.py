from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements and staff")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agreements.selectors import safety_staff_school_ids
        from srp.registry import registry
        from srp.roles import Role

        registry.set_school_resolver(Role.SAFETY_STAFF, safety_staff_school_ids)
