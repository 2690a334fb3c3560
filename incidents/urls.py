from __future__ import annotations

from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/export.csv", views.call_export, name="call_export"),
    path("calls/new/", views.call_create_view, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("calls/<int:pk>/void/", views.call_void_view, name="call_void"),
    path("calls/<int:pk>/history/", views.call_history, name="call_history"),
    path("calls/<int:pk>/students/new/", views.student_create, name="student_create"),
    path(
        "calls/<int:pk>/students/<int:student_pk>/edit/",
        views.student_edit,
        name="student_edit",
    ),
    path(
        "calls/<int:pk>/students/<int:student_pk>/void/",
        views.student_void_view,
        name="student_void",
    ),
    path("calls/<int:pk>/activities/new/", views.activity_create_view, name="activity_create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/void/", views.activity_void_view, name="activity_void"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export.csv", views.activity_export, name="activity_export"),
    path("activities/<int:pk>/history/", views.activity_history, name="activity_history"),
    path("requests/", views.intervention_list, name="intervention_list"),
    path("requests/export.csv", views.intervention_export, name="intervention_export"),
    path("requests/new/", views.intervention_create, name="intervention_create"),
    path("requests/self-initiated/", views.intervention_self_initiated, name="self_initiated"),
    path("requests/<int:pk>/", views.intervention_detail, name="intervention_detail"),
    path(
        "requests/<int:pk>/respond/", views.intervention_respond_view, name="intervention_respond"
    ),
    path(
        "requests/<int:pk>/withdraw/",
        views.intervention_withdraw_view,
        name="intervention_withdraw",
    ),
    path(
        "requests/<int:pk>/correct/", views.intervention_correct_view, name="intervention_correct"
    ),
    path(
        "requests/<int:pk>/edit/",
        views.intervention_request_correct_view,
        name="intervention_request_correct",
    ),
    path("requests/<int:pk>/history/", views.intervention_history, name="intervention_history"),
    path("restraint/", views.restraint_list, name="restraint_list"),
    path("restraint/export.csv", views.restraint_export, name="restraint_export"),
    path("restraint/summary/", views.restraint_summary, name="restraint_summary"),
    path("restraint/new/", views.restraint_create, name="restraint_create"),
    path("restraint/<int:pk>/", views.restraint_detail, name="restraint_detail"),
    path("restraint/<int:pk>/edit/", views.restraint_edit, name="restraint_edit"),
    path("restraint/<int:pk>/void/", views.restraint_void_view, name="restraint_void"),
    path("restraint/<int:pk>/history/", views.restraint_history, name="restraint_history"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/export.csv", views.incident_export, name="incident_export"),
    path("agency-requests/", views.agency_request_list, name="agency_request_list"),
    path("agency-requests/new/", views.agency_request_create, name="agency_request_create"),
    path("agency-requests/<int:pk>/", views.agency_request_detail, name="agency_request_detail"),
    path("agency-requests/<int:pk>/edit/", views.agency_request_edit, name="agency_request_edit"),
    path(
        "agency-requests/<int:pk>/void/", views.agency_request_void_view, name="agency_request_void"
    ),
    path(
        "agency-requests/<int:pk>/history/",
        views.agency_request_history,
        name="agency_request_history",
    ),
    path(
        "agency-requests/<int:pk>/answer/",
        views.agency_request_answer_view,
        name="agency_request_answer",
    ),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/void/", views.import_void, name="import_void"),
]
