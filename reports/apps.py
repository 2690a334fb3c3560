from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PUBLISHED = "reports-published"


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reports.dashboard import report_overview
        from reports.demo import seed_reports
        from srp.registry import DashboardSection, DemoSeeder, NavItem, PublicLink, registry
        from srp.roles import Role

        readers = frozenset({Role.PROGRAM_ADMIN, Role.BOARD_MEMBER, Role.PRINCIPAL})
        registry.add_nav_item(
            NavItem(_("Reports"), "reports:index", readers, order=70, active_prefix="/reports/")
        )
        registry.add_dashboard_section(
            DashboardSection(
                key="reports.annual",
                template="reports/dashboard/annual.html",
                roles=readers,
                context=report_overview,
                order=80,
            )
        )
        registry.add_public_link(
            PublicLink(
                _("Annual report"),
                "reports_public:index",
                _("Calls for service, students involved, complaints and the agreements in force."),
                order=30,
            )
        )
        registry.add_demo_seeder(DemoSeeder("reports", seed_reports, order=900))
        # What is drawn from a published snapshot changes only when a report is (re)published
        # or a board packet (re)released.
        from reports.models import BoardPacket, PublishedReport
        from reports.presentation import register_surfaces
        from srp.cache import app_feeds_figures, watch_topic

        watch_topic(PUBLISHED, [PublishedReport, BoardPacket])
        app_feeds_figures(self)
        register_surfaces()
