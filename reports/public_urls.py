"""Public pages (no account), under /p/<district_code>/reports/."""

from __future__ import annotations

from django.urls import path

from reports import public_views

app_name = "reports_public"
urlpatterns = [
    path("", public_views.public_index, name="index"),
    path("<str:label>/", public_views.public_report_view, name="report"),
    path("<str:label>/report.pdf", public_views.public_pdf, name="pdf"),
    path("<str:label>/report.zip", public_views.public_csv, name="csv"),
    path("<str:label>/report.json", public_views.public_json, name="json"),
    path("<str:label>/board-packet.pdf", public_views.public_board_packet, name="board_packet"),
]
