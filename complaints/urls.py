from __future__ import annotations

from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("export.csv", views.complaint_export, name="export"),
    path("letters/", views.letter_text_list, name="letter_text_list"),
    path("letters/new/", views.letter_text_edit, name="letter_text_create"),
    path("letters/<int:pk>/", views.letter_text_edit, name="letter_text_edit"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/history/", views.complaint_history, name="history"),
    path("<int:pk>/access-log/", views.complaint_access_log, name="access_log"),
    path("<int:pk>/letter.pdf", views.letter_download, name="letter"),
    path("<int:pk>/letter-preview.pdf", views.letter_preview, name="letter_preview"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/allegations/new/", views.allegation_edit, name="allegation_create"),
    path(
        "<int:pk>/allegations/<int:allegation_pk>/",
        views.allegation_edit,
        name="allegation_edit",
    ),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/provider-outcome/", views.provider_outcome_edit, name="provider_outcome"),
    path(
        "<int:pk>/provider-documents/<int:document_pk>/",
        views.provider_document_download,
        name="provider_document",
    ),
    path("<int:pk>/<slug:action>/", views.complaint_step, name="step"),
]
