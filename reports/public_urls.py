"""Public pages (no account), under /p/<district_code>/reports/."""

from __future__ import annotations

app_name = "reports_public"
urlpatterns: list = []
