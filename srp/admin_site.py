from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class SuperuserOnlyAdminSite(admin.AdminSite):
    site_header = "srp operations"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser
