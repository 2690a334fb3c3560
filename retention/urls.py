from __future__ import annotations

from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rules/<str:record_type>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/history/", views.rule_history, name="rule_history"),
    path("holds/", views.holds_all, name="hold_list"),
    path("holds/new/", views.hold_create, name="hold_create"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("holds/<int:pk>/history/", views.hold_history, name="hold_history"),
    path("runs/new/", views.run_prepare, name="run_prepare"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("log/", views.destruction_log, name="log"),
]
