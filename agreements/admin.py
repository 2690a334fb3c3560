from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import (
    Agreement,
    AgreementElement,
    AnnualReview,
    EngagementEvent,
    LiaisonLink,
    Provider,
    StaffAssignment,
    StaffMember,
)


class NoDeleteAdmin(SimpleHistoryAdmin):
    """Records are corrected or voided through the app, never deleted (issue #13)."""

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ElementInline(admin.TabularInline):
    model = AgreementElement
    extra = 0

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(NoDeleteAdmin):
    list_display = ["title", "provider", "status", "adopted_on", "review_due_on"]
    list_filter = ["status", "district"]
    inlines = [ElementInline]


@admin.register(Provider)
class ProviderAdmin(NoDeleteAdmin):
    list_display = ["name", "kind", "district"]


@admin.register(StaffMember)
class StaffMemberAdmin(NoDeleteAdmin):
    list_display = ["last_name", "first_name", "kind", "employer", "badge_number"]
    search_fields = ["last_name", "badge_number"]


admin.site.register([LiaisonLink, StaffAssignment, AnnualReview, EngagementEvent], NoDeleteAdmin)
