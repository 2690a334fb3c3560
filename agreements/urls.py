from __future__ import annotations

app_name = "agreements"
urlpatterns: list = []
