from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from notices.models import Delivery, Notice, NoticeArchive, NoticeTranslation


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = ["district", "school_year", "status", "published_at"]
    list_filter = ["status"]


@admin.register(NoticeTranslation)
class NoticeTranslationAdmin(SimpleHistoryAdmin):
    list_display = ["notice", "language", "updated_at"]


@admin.register(Delivery)
class DeliveryAdmin(SimpleHistoryAdmin):
    list_display = ["school", "school_year", "kind", "delivered_on", "status"]
    list_filter = ["kind", "status"]


@admin.register(NoticeArchive)
class NoticeArchiveAdmin(SimpleHistoryAdmin):
    list_display = ["district", "school_year", "status", "done", "total", "requested_at"]
