from __future__ import annotations

from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.notice_start, name="start"),
    path("<int:pk>/history/", views.notice_history, name="history"),
    path("<int:pk>/publish/", views.notice_publish_view, name="publish"),
    path("<int:pk>/unpublish/", views.notice_unpublish_view, name="unpublish"),
    path("<int:pk>/languages/add/", views.translation_add, name="translation_add"),
    path("<int:pk>/languages/<str:language>/", views.translation_edit, name="translation_edit"),
    path("languages/<int:pk>/history/", views.translation_history, name="translation_history"),
    path("schools/<int:school_pk>/", views.school_detail, name="school"),
    path("schools/<int:school_pk>/all.pdf", views.school_bundle_pdf, name="school_bundle_pdf"),
    path("schools/<int:school_pk>/<str:language>/", views.school_preview, name="school_preview"),
    path("schools/<int:school_pk>/<str:language>.pdf", views.school_pdf, name="school_pdf"),
    path(
        "schools/<int:school_pk>/record/<str:kind>/",
        views.delivery_create,
        name="delivery_create",
    ),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/evidence/", views.delivery_evidence_add, name="evidence_add"),
    path(
        "deliveries/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("deliveries/<int:pk>/withdraw/", views.delivery_withdraw_view, name="withdraw"),
    path("deliveries/<int:pk>/history/", views.delivery_history, name="delivery_history"),
    path("archive/", views.archive_start, name="archive_start"),
    path("archive/<int:pk>/", views.archive_status, name="archive"),
    path("archive/<int:pk>/step/", views.archive_step_view, name="archive_step"),
    path("archive/<int:pk>/download/", views.archive_download, name="archive_download"),
]
