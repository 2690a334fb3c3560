from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from complaints import dashboard, demo, reminders, roster
        from srp.cache import app_feeds_figures
        from srp.registry import (
            DashboardSection,
            DemoSeeder,
            NavItem,
            PublicLink,
            Reminder,
            registry,
        )
        from srp.roles import Role

        readers = frozenset({Role.PROGRAM_ADMIN, Role.INVESTIGATOR, Role.AGENCY_LIAISON})
        registry.add_nav_item(
            NavItem(
                _("Complaints"), "complaints:list", readers, order=30, active_prefix="/complaints/"
            )
        )
        registry.add_nav_group("complaints", _("Complaints"))
        registry.add_nav_item(
            NavItem(
                _("Response letter wording"),
                "complaints:letter_text_list",
                frozenset({Role.PROGRAM_ADMIN}),
                order=31,
                active_prefix="/complaints/letters/",
            )
        )
        registry.add_public_link(
            PublicLink(
                _("File a complaint"),
                "complaints_public:process",
                _(
                    "Tell us about a problem with a school resource officer or security staff, "
                    "and follow it with a private link."
                ),
                order=10,
            )
        )
        registry.add_dashboard_section(
            DashboardSection(
                key="complaints.due",
                template="complaints/dashboard/section.html",
                roles=readers,
                context=dashboard.section_context,
                order=30,
            )
        )
        registry.add_demo_seeder(DemoSeeder("complaints", demo.seed, order=40))
        registry.add_reminder(Reminder("complaints.due", reminders.run, order=30))
        from complaints import notify

        notify.register()  # who is told when a complaint waits on them (issue #14 item 5)
        roster.connect_signals()
        # An investigator sees the complaints assigned to them, a liaison those referred to
        # their provider.
        registry.add_personal_roles(Role.INVESTIGATOR, Role.AGENCY_LIAISON)
        # The log of who opened a complaint and reminder bookkeeping feed no figure.
        app_feeds_figures(
            self,
            ignore=["AccessLog", "ReminderSent"],
            district_paths={
                name: "complaint.district_id"
                for name in (
                    "Allegation",
                    "Attachment",
                    "Event",
                    "InvestigationNote",
                    "Extension",
                    "ProviderResponse",
                    "ProviderDocument",
                )
            },
        )

        # The history page of a complaint shows its allegations and findings, investigation
        # notes, extensions and attachments (issue #13).
        from complaints import models as complaint_models

        registry.add_history_children(
            "complaints.complaint",
            lambda complaint: [
                (model.history.filter(complaint_id=complaint.pk), label)  # type: ignore[attr-defined]
                for model, label in (
                    (complaint_models.Allegation, _("Allegation")),
                    (complaint_models.InvestigationNote, _("Investigation note")),
                    (complaint_models.Extension, _("Extension")),
                    (complaint_models.Attachment, _("Attachment")),
                    (complaint_models.ProviderResponse, _("Provider's response")),
                    (complaint_models.ProviderDocument, _("Provider's document")),
                )
            ],
        )
