from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("<str:label>/", views.report_detail, name="detail"),
    path("<str:label>/report.pdf", views.report_pdf, name="pdf"),
    path("<str:label>/report.zip", views.report_csv, name="csv"),
    path("<str:label>/report.json", views.report_json_view, name="json"),
    path("<str:label>/board-packet.pdf", views.board_packet, name="board_packet"),
    path("<str:label>/state-package.pdf", views.state_package_pdf, name="state_package_pdf"),
    path("<str:label>/state-package.zip", views.state_package_csv, name="state_package_csv"),
    path("<str:label>/publish/", views.publish, name="publish"),
    path("<str:label>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:label>/history/", views.published_history, name="history"),
    path("<str:label>/board-packet/release/", views.packet_release, name="packet_release"),
    path("<str:label>/board-packet/withdraw/", views.packet_withdraw, name="packet_withdraw"),
    path("<str:label>/board-packet/history/", views.packet_history, name="packet_history"),
    path("<str:label>/close/", views.close_year, name="close"),
]
