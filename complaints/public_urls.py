"""Public pages (no account), under /p/<district_code>/complaints/."""

from __future__ import annotations

app_name = "complaints_public"
urlpatterns: list = []
