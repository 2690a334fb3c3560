from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """How long each kind of record is kept, legal holds, and the confirmed destruction runs."""

    name = "retention"
    verbose_name = _("Records retention")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from retention import demo
        from srp.registry import DemoSeeder, NavItem, registry
        from srp.roles import Role

        registry.add_demo_seeder(DemoSeeder("retention", demo.seed, order=95))

        registry.add_nav_item(
            NavItem(
                _("Retention"),
                "retention:overview",
                frozenset({Role.PROGRAM_ADMIN}),
                order=95,
                active_prefix="/retention/",
                group="srp",
            )
        )
