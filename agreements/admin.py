from __future__ import annotations

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


class ElementInline(admin.TabularInline):
    model = AgreementElement
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "provider", "status", "adopted_on", "review_due_on"]
    list_filter = ["status", "district"]
    inlines = [ElementInline]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "district"]


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "kind", "employer", "badge_number"]
    search_fields = ["last_name", "badge_number"]


admin.site.register(
    [LiaisonLink, StaffAssignment, AnnualReview, EngagementEvent], SimpleHistoryAdmin
)
