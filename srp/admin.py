"""The Django admin is for the operators of the instance (superusers) only; staff use the app."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin

from srp.http import AuthenticatedHttpRequest
from srp.models import (
    DisclosureLog,
    District,
    Enrollment,
    Membership,
    OutboundEmail,
    School,
    SchoolYear,
    User,
)
from srp.outbox import OutboxError, outbox_requeue


@admin.register(User)
class SrpUserAdmin(UserAdmin, SimpleHistoryAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("srp", {"fields": ("is_host_admin",)}))
    list_display = ("username", "email", "first_name", "last_name", "is_host_admin", "is_active")


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code")


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("name", "building_code", "district", "level", "active")
    list_filter = ("district", "level", "active")


@admin.register(SchoolYear)
class SchoolYearAdmin(SimpleHistoryAdmin):
    list_display = ("label", "district", "first_instructional_day", "last_instructional_day")


@admin.register(Enrollment)
class EnrollmentAdmin(SimpleHistoryAdmin):
    list_display = ("school", "school_year", "students")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "district", "role", "active")
    list_filter = ("district", "role", "active")
    filter_horizontal = ("schools",)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "district", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "district")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["requeue"]

    @admin.action(description="Re-queue the selected failed or unconfirmed emails")
    def requeue(self, request: AuthenticatedHttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        """For the host's own emails (no district), which no program administrator sees."""
        done = 0
        for email in queryset:
            try:
                outbox_requeue(email=email, by=request.user)
            except OutboxError as error:
                self.message_user(request, f"{email.subject}: {error}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} email(s) back in the queue.", messages.SUCCESS)


@admin.register(DisclosureLog)
class DisclosureLogAdmin(admin.ModelAdmin):
    """Read-only: the disclosure log is never added to, changed or erased by hand."""

    list_display = ("at", "district", "user", "action", "record_type", "description", "rows")
    list_filter = ("district", "action", "record_type")
    list_select_related = ("district", "user")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
