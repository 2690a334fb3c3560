from __future__ import annotations

from django.urls import URLPattern, path

from sis import views

app_name = "sis"

urlpatterns: list[URLPattern] = [
    path("roster/", views.import_upload, name="import_upload"),
    path("roster/imports/", views.import_list, name="import_list"),
    path("roster/imports/<int:pk>/", views.import_detail, name="import_detail"),
]
