"""Public pages (no account), under /p/<district_code>/complaints/."""

from __future__ import annotations

from django.urls import path

from complaints import public_views

app_name = "complaints_public"
urlpatterns = [
    path("", public_views.process, name="process"),
    path("new/", public_views.intake, name="intake"),
    path("sent/", public_views.submitted, name="submitted"),
    path("status/<str:token>/", public_views.status, name="status"),
    path("status/<str:token>/letter.pdf", public_views.status_letter, name="status_letter"),
]
