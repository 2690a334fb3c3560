from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SrpConfig(AppConfig):
    name = "srp"
    verbose_name = _("School safety program")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from srp import cache, dashboard, rollover
        from srp.checks import check_cache_is_shared
        from srp.registry import NavItem, registry
        from srp.roles import Role

        admin_only = frozenset({Role.PROGRAM_ADMIN})
        registry.add_nav_item(
            NavItem(
                _("Schools"),
                "srp:school_list",
                frozenset({Role.PROGRAM_ADMIN, Role.PRINCIPAL}),
                order=80,
                active_prefix="/district/schools/",
            )
        )
        registry.add_nav_item(NavItem(_("People"), "srp:people_list", admin_only, order=85))
        registry.add_nav_item(
            NavItem(
                _("Settings"),
                "srp:district_settings",
                admin_only,
                order=90,
                active_prefix="/district/settings/",
            )
        )
        registry.add_nav_item(NavItem(_("Access log"), "srp:access_log", admin_only, order=91))
        registry.add_nav_item(
            NavItem(_("Audit history"), "srp:audit_history", admin_only, order=92)
        )
        registry.add_nav_item(
            NavItem(_("Districts"), "srp:host_district_list", frozenset({"host_admin"}), order=95)
        )
        registry.add_nav_group("srp", _("District"))
        dashboard.register()
        rollover.register()
        # The mail outbox, sign-ins (`last_login`) and the disclosure log feed no figure.
        cache.app_feeds_figures(
            self,
            ignore=["User", "OutboundEmail", "OutboundEmailAttachment", "DisclosureLog"],
            district_paths={
                "Enrollment": "school.district_id",
                "NonInstructionalDay": "school_year.district_id",
            },
        )
        cache.connect_signals()
        register(check_cache_is_shared, Tags.caches, deploy=True)


class SrpAdminConfig(AdminConfig):
    """The Django admin, open to superusers (the instance's operators) only."""

    default_site = "srp.admin_site.SuperuserOnlyAdminSite"
