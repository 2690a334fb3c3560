from __future__ import annotations

from django.urls import URLPattern, path

from notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="list"),
    path("settings/", views.notification_settings, name="settings"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/done/", views.notification_done, name="done"),
]
