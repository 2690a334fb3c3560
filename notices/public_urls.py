"""Public pages (no account), under /p/<district_code>/notices/."""

from __future__ import annotations

app_name = "notices_public"
urlpatterns: list = []
