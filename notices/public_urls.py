"""Public pages (no account), under /p/<district_code>/notices/."""

from __future__ import annotations

from django.urls import path

from notices import public_views

app_name = "notices_public"
urlpatterns = [
    path("", public_views.public_index, name="index"),
    path("<str:building_code>/all.pdf", public_views.public_bundle, name="bundle_pdf"),
    path("<str:building_code>/<str:language>/", public_views.public_notice, name="notice"),
    path("<str:building_code>/<str:language>.pdf", public_views.public_pdf, name="pdf"),
]
