from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements and staff")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agreements.dashboard import agreements_overview
        from agreements.demo import seed_agreements
        from agreements.identity import own_roster_entry
        from agreements.selectors import person_roster_panel, safety_staff_school_ids
        from agreements.services import agreement_reviews_remind
        from srp.cache import app_feeds_figures
        from srp.registry import (
            DashboardSection,
            DemoSeeder,
            NavItem,
            PersonPanel,
            Reminder,
            registry,
        )
        from srp.roles import Role

        registry.set_school_resolver(Role.SAFETY_STAFF, safety_staff_school_ids)
        from agreements import rollover

        rollover.register()
        registry.add_person_panel(
            PersonPanel(
                "agreements.roster_entry",
                "agreements/includes/person_roster_panel.html",
                person_roster_panel,
            )
        )
        registry.add_nav_group("agreements", _("Agreements and staff"))
        registry.add_nav_item(
            NavItem(
                _("Agreements"),
                "agreements:agreement_list",
                frozenset({Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON, Role.BOARD_MEMBER}),
                order=20,
                active_prefix="/agreements/register/",
            )
        )
        registry.add_nav_item(
            NavItem(
                _("Staff"),
                "agreements:staff_list",
                frozenset({Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON, Role.PRINCIPAL}),
                order=21,
                active_prefix="/agreements/staff/",
            )
        )
        registry.add_nav_item(
            NavItem(
                _("Training"),
                "agreements:training_compliance",
                frozenset({Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON, Role.PRINCIPAL}),
                order=22,
                active_prefix="/agreements/training/",
            )
        )
        registry.add_dashboard_section(
            DashboardSection(
                key="agreements.overview",
                template="agreements/dashboard/agreements.html",
                roles=frozenset({Role.PROGRAM_ADMIN}),
                context=agreements_overview,
                order=20,
            )
        )
        registry.add_demo_seeder(DemoSeeder("agreements", seed_agreements, order=20))
        # A roster entry of one's own may be a complaint's subject: it narrows what one sees.
        registry.add_identity_narrower("agreements.roster_entry", own_roster_entry)
        # Review reminders are bookkeeping.
        app_feeds_figures(
            self,
            ignore=["ReviewReminder"],
            district_paths={
                "LiaisonLink": "provider.district_id",
                "StaffAssignment": "staff_member.district_id",
                "AgreementElement": "agreement.district_id",
                "AnnualReview": "agreement.district_id",
                "EngagementEvent": "review.agreement.district_id",
                "EngagementAttachment": "event.review.agreement.district_id",
                "BoardAdoption": "agreement.district_id",
                "TrainingRecord": "staff_member.district_id",
                "EsdDocumentation": "staff_member.district_id",
                "HiringRecord": "staff_member.district_id",
                "PerformanceEvaluation": "staff_member.district_id",
            },
        )
        registry.add_reminder(Reminder("agreements.review_due", agreement_reviews_remind, order=20))
        from agreements import notify

        notify.register()  # training, agreement end and review notices (issue #14 item 5)

        # History pages: an agreement shows its checklist elements, annual reviews, engagement
        # events and board adoptions; a staff member their assignments, training, ESD
        # documentation, hiring records and evaluations (issue #13).
        from agreements import models as agreement_models

        m = agreement_models
        registry.add_history_children(
            "agreements.agreement",
            lambda agreement: [
                (m.AgreementElement.history.filter(agreement_id=agreement.pk), _("Element")),  # type: ignore[attr-defined]
                (m.AnnualReview.history.filter(agreement_id=agreement.pk), _("Annual review")),  # type: ignore[attr-defined]
                (
                    m.EngagementEvent.history.filter(review__agreement_id=agreement.pk),  # type: ignore[attr-defined]
                    _("Engagement event"),
                ),
                (m.BoardAdoption.history.filter(agreement_id=agreement.pk), _("Board adoption")),  # type: ignore[attr-defined]
            ],
        )
        registry.add_history_children(
            "agreements.staffmember",
            lambda staff: [
                (model.history.filter(staff_member_id=staff.pk), label)  # type: ignore[attr-defined]
                for model, label in (
                    (m.StaffAssignment, _("Assignment")),
                    (m.TrainingRecord, _("Training")),
                    (m.EsdDocumentation, _("ESD documentation")),
                    (m.HiringRecord, _("Hiring record")),
                    (m.PerformanceEvaluation, _("Evaluation")),
                )
            ],
        )
