from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisConfig(AppConfig):
    """Rosters and demographics loaded from the student information system (OneRoster)."""

    name = "sis"
    verbose_name = _("Student information system imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from srp.cache import app_feeds_figures
        from srp.registry import NavItem, registry
        from srp.roles import Role

        registry.add_nav_item(
            NavItem(
                _("Roster from the SIS"),
                "sis:import_upload",
                frozenset({Role.PROGRAM_ADMIN}),
                order=82,
                active_prefix="/sis/roster/",
                group="srp",
            )
        )
        # The subgroup counts are the denominators of the rates per 1,000 by subgroup. The audit
        # record of an import and the student records (read only by the call form) feed no
        # figure; the import changes `srp.Enrollment` through signals and marks the district's
        # figures stale itself for the rows it writes in bulk.
        app_feeds_figures(
            self,
            ignore=["RosterImport", "StudentRecord"],
            district_paths={"EnrollmentSubgroup": "school.district_id"},
        )
