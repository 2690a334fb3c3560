from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Calls, interventions and incidents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incidents import dashboard, demo, paging, reminders
        from srp.cache import app_feeds_figures
        from srp.registry import DemoSeeder, NavItem, Reminder, registry
        from srp.roles import Role

        call_roles = frozenset({Role.PROGRAM_ADMIN, Role.PRINCIPAL, Role.SAFETY_STAFF})
        registry.add_nav_item(
            NavItem(
                _("Calls"),
                "incidents:call_list",
                call_roles,
                order=40,
                active_prefix="/incidents/calls/",
            )
        )
        registry.add_nav_item(
            NavItem(
                _("Requests"),
                "incidents:intervention_list",
                call_roles | {Role.SCHOOL_STAFF},
                order=41,
                active_prefix="/incidents/requests/",
            )
        )
        registry.add_nav_item(
            NavItem(
                _("Restraint reports"),
                "incidents:restraint_list",
                call_roles,
                order=42,
                active_prefix="/incidents/restraint/",
            )
        )
        registry.add_nav_item(
            NavItem(
                _("Import"),
                "incidents:import_upload",
                frozenset({Role.PROGRAM_ADMIN}),
                order=43,
                active_prefix="/incidents/import/",
            )
        )
        registry.add_nav_group("incidents", _("Calls and incidents"))
        # Safety staff see their own calls, school staff their own requests, and principals and
        # safety staff the outside-agency requests they logged.
        registry.add_personal_roles(Role.SAFETY_STAFF, Role.SCHOOL_STAFF, Role.PRINCIPAL)
        app_feeds_figures(
            self,
            district_paths={
                "StudentInvolved": "call.district_id",
                "LawEnforcementActivity": "call.district_id",
            },
        )
        paging.register_surfaces()
        dashboard.register()
        registry.add_demo_seeder(DemoSeeder("incidents", demo.seed, order=40))
        registry.add_reminder(
            Reminder("incidents.restraint", reminders.restraint_clocks_remind, order=40)
        )
        from incidents import notify

        notify.register()  # who is told of a new intervention request (issue #14 item 5)

        # The history page of a call shows its students' and activities' changes (issue #13).
        from incidents.models import LawEnforcementActivity, StudentInvolved

        registry.add_history_children(
            "incidents.call",
            lambda call: [
                (StudentInvolved.history.filter(call_id=call.pk), _("Student")),  # type: ignore[attr-defined]
                (LawEnforcementActivity.history.filter(call_id=call.pk), _("Activity")),  # type: ignore[attr-defined]
            ],
        )
