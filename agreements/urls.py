from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from agreements import import_views as import_views
from agreements import rollover_views, views

app_name = "agreements"
# Agreements and providers live under register/ so that the "Agreements" navigation item is not
# also marked current on the staff and training pages, which share the /agreements/ prefix.
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="agreements:agreement_list"), name="index"),
    path("register/", views.agreement_list, name="agreement_list"),
    path(
        "staff/carried-forward/<int:pk>/confirm/",
        rollover_views.carried_assignment_confirm,
        name="carried_assignment_confirm",
    ),
    path(
        "staff/carried-forward/<int:pk>/end/",
        rollover_views.carried_assignment_end,
        name="carried_assignment_end",
    ),
    path("register/new/", views.agreement_create, name="agreement_create"),
    path("register/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("register/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("register/<int:pk>/history/", views.agreement_history, name="agreement_history"),
    path("register/<int:pk>/checklist/", views.agreement_checklist, name="agreement_checklist"),
    path("register/<int:pk>/status/", views.agreement_transition, name="agreement_transition"),
    path("register/<int:pk>/adopt/", views.agreement_adopt, name="agreement_adopt"),
    path("register/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path(
        "register/<int:pk>/document/upload/",
        views.agreement_document_upload,
        name="agreement_document_upload",
    ),
    path("register/<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path(
        "register/<int:pk>/reviews/<int:review_pk>/events/new/",
        views.event_create,
        name="event_create",
    ),
    path(
        "register/<int:pk>/events/<int:event_pk>/correct/",
        views.event_correct,
        name="event_correct",
    ),
    path("register/<int:pk>/events/<int:event_pk>/void/", views.event_void, name="event_void"),
    path(
        "register/<int:pk>/events/<int:event_pk>/history/",
        views.event_history,
        name="event_history",
    ),
    path(
        "register/<int:pk>/attachments/<int:attachment_pk>/void/",
        views.attachment_void,
        name="attachment_void",
    ),
    path(
        "register/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("register/providers/", views.provider_list, name="provider_list"),
    path("register/providers/new/", views.provider_edit, name="provider_create"),
    path("register/providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("register/providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path(
        "register/providers/<int:pk>/liaison/",
        views.provider_liaison_link,
        name="provider_liaison_link",
    ),
    path("register/providers/<int:pk>/history/", views.provider_history, name="provider_history"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_edit, name="staff_create"),
    path("staff/import/", import_views.staff_import, name="staff_import"),
    path(
        "staff/import/template.csv",
        import_views.staff_import_template,
        name="staff_import_template",
    ),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/history/", views.staff_history, name="staff_history"),
    path("staff/<int:pk>/account/link/", views.staff_account_link, name="staff_account_link"),
    path("staff/<int:pk>/account/invite/", views.staff_account_invite, name="staff_account_invite"),
    path("staff/<int:pk>/account/unlink/", views.staff_account_unlink, name="staff_account_unlink"),
    path("staff/<int:pk>/assignments/new/", views.assignment_add, name="assignment_add"),
    path(
        "staff/<int:pk>/assignments/<int:assignment_pk>/correct/",
        views.assignment_correct,
        name="assignment_correct",
    ),
    path(
        "staff/<int:pk>/assignments/<int:assignment_pk>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("staff/<int:pk>/training/new/", views.training_add, name="training_add"),
    path(
        "staff/<int:pk>/training/<int:record_pk>/correct/",
        views.training_correct,
        name="training_correct",
    ),
    path(
        "staff/<int:pk>/training/<int:record_pk>/void/", views.training_void, name="training_void"
    ),
    path("staff/<int:pk>/esd/new/", views.esd_add, name="esd_add"),
    path("staff/<int:pk>/esd/<int:document_pk>/", views.esd_download, name="esd_download"),
    path("staff/<int:pk>/esd/<int:document_pk>/correct/", views.esd_correct, name="esd_correct"),
    path("staff/<int:pk>/esd/<int:document_pk>/void/", views.esd_void, name="esd_void"),
    path("staff/<int:pk>/hiring/new/", views.hiring_add, name="hiring_add"),
    path(
        "staff/<int:pk>/hiring/<int:record_pk>/correct/",
        views.hiring_correct,
        name="hiring_correct",
    ),
    path("staff/<int:pk>/hiring/<int:record_pk>/void/", views.hiring_void, name="hiring_void"),
    path("staff/<int:pk>/evaluations/new/", views.evaluation_add, name="evaluation_add"),
    path(
        "staff/<int:pk>/evaluations/<int:record_pk>/correct/",
        views.evaluation_correct,
        name="evaluation_correct",
    ),
    path(
        "staff/<int:pk>/evaluations/<int:record_pk>/void/",
        views.evaluation_void,
        name="evaluation_void",
    ),
    path(
        "staff/<int:pk>/records/<str:kind>/<int:record_pk>/history/",
        views.staff_record_history,
        name="staff_record_history",
    ),
    path("training/", views.training_compliance, name="training_compliance"),
]
