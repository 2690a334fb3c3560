from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notices import dashboard, demo
        from notices.services import send_late_notice_reminders
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

        readers = frozenset({Role.PROGRAM_ADMIN, Role.PRINCIPAL})
        registry.add_nav_item(
            NavItem(_("Notices"), "notices:index", readers, order=40, active_prefix="/notices/")
        )
        registry.add_dashboard_section(
            DashboardSection(
                key="notices.delivery",
                template="notices/dashboard/section.html",
                roles=readers,
                context=dashboard.notices_section,
                order=40,
            )
        )
        registry.add_public_link(
            PublicLink(
                _("Your school's notice about safety staff"),
                "notices_public:index",
                _(
                    "Who the safety and security staff are at each school, what they do and do "
                    "not do, and how to make a complaint."
                ),
                order=20,
            )
        )
        registry.add_demo_seeder(DemoSeeder("notices", demo.seed, order=50))
        from notices import rollover

        rollover.register()
        registry.add_reminder(Reminder("notices.late", send_late_notice_reminders, order=40))
        # Archives being built and reminder bookkeeping feed no figure.
        app_feeds_figures(
            self,
            ignore=["NoticeArchive", "NoticeArchivePart", "LateNoticeReminder"],
            district_paths={
                "NoticeTranslation": "notice.district_id",
                "Delivery": "school.district_id",
                "DeliveryEvidence": "delivery.school.district_id",
            },
        )

        # History pages: a notice shows its translations and archives, a delivery its
        # evidence (issue #13).
        from notices.models import DeliveryEvidence, NoticeArchive, NoticeTranslation

        registry.add_history_children(
            "notices.notice",
            lambda notice: [
                (NoticeTranslation.history.filter(notice_id=notice.pk), _("Translation")),  # type: ignore[attr-defined]
                (NoticeArchive.history.filter(notice_id=notice.pk), _("Archive")),  # type: ignore[attr-defined]
            ],
        )
        registry.add_history_children(
            "notices.delivery",
            lambda delivery: [
                (DeliveryEvidence.history.filter(delivery_id=delivery.pk), _("Evidence")),  # type: ignore[attr-defined]
            ],
        )
