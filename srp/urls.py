from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from srp import account_views, audit_views, health, outbox_views, rollover_views, views
from srp import calendar_views as calendar_views
from srp import import_views as import_views
from srp.forms import SignInForm

srp_patterns = (
    [
        path("dashboard/", views.dashboard, name="dashboard"),
        path("district/switch/", views.switch_district, name="switch_district"),
        path("district/settings/", views.district_settings, name="district_settings"),
        path("district/settings/history/", views.district_history, name="district_history"),
        path(
            "district/settings/test-email/", views.district_test_email, name="district_test_email"
        ),
        path("district/audit/", audit_views.audit_history, name="audit_history"),
        path("district/access-log/", audit_views.access_log, name="access_log"),
        path("district/outbox/", outbox_views.outbox, name="outbox"),
        path(
            "district/outbox/<int:pk>/requeue/",
            outbox_views.outbox_requeue_view,
            name="outbox_requeue",
        ),
        path(
            "district/outbox/<int:pk>/history/", outbox_views.outbox_history, name="outbox_history"
        ),
        path("district/schools/", views.school_list, name="school_list"),
        path("district/schools/new/", views.school_edit, name="school_create"),
        path("district/schools/<int:pk>/", views.school_detail, name="school_detail"),
        path("district/schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
        path("district/schools/<int:pk>/history/", views.school_history, name="school_history"),
        path("district/schools/import/", import_views.school_import, name="school_import"),
        path(
            "district/schools/import/template.csv",
            import_views.school_import_template,
            name="school_import_template",
        ),
        path("district/years/", views.school_year_list, name="school_year_list"),
        path("district/years/new/", views.school_year_edit, name="school_year_create"),
        path("district/years/<int:pk>/edit/", views.school_year_edit, name="school_year_edit"),
        path(
            "district/years/<int:pk>/calendar/",
            calendar_views.calendar,
            name="school_year_calendar",
        ),
        path(
            "district/years/<int:pk>/calendar/new/",
            calendar_views.day_edit,
            name="calendar_day_create",
        ),
        path(
            "district/years/<int:pk>/calendar/import/",
            calendar_views.calendar_import_view,
            name="calendar_import",
        ),
        path(
            "district/years/<int:pk>/calendar/<int:day_pk>/edit/",
            calendar_views.day_edit,
            name="calendar_day_edit",
        ),
        path(
            "district/years/<int:pk>/calendar/<int:day_pk>/withdraw/",
            calendar_views.day_withdraw_view,
            name="calendar_day_withdraw",
        ),
        path(
            "district/years/<int:pk>/calendar/<int:day_pk>/history/",
            calendar_views.day_history,
            name="calendar_day_history",
        ),
        path("district/years/rollover/", rollover_views.rollover, name="rollover"),
        path(
            "district/years/rollover/<int:pk>/",
            rollover_views.rollover_result,
            name="rollover_result",
        ),
        path("district/people/", views.people_list, name="people_list"),
        path("district/people/new/", views.person_edit, name="person_create"),
        path("district/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
        path("district/people/<int:pk>/history/", views.person_history, name="person_history"),
        path("district/people/import/", import_views.people_import, name="people_import"),
        path(
            "district/people/import/template.csv",
            import_views.people_import_template,
            name="people_import_template",
        ),
        path("district/imports/", import_views.import_list, name="import_list"),
        path("district/imports/<int:pk>/", import_views.import_detail, name="import_detail"),
        path(
            "district/imports/<int:pk>/errors.csv",
            import_views.import_errors_csv,
            name="import_errors_csv",
        ),
        path("host/districts/", views.host_district_list, name="host_district_list"),
        path("host/districts/new/", views.host_district_create, name="host_district_create"),
        path("p/<str:district_code>/", views.public_district, name="public_district"),
    ],
    "srp",
)

account_patterns = (
    [
        path("", account_views.profile, name="profile"),
        path("second-factor/setup/", account_views.otp_setup, name="otp_setup"),
        path("second-factor/verify/", account_views.otp_verify, name="otp_verify"),
        path("second-factor/backup-codes/", account_views.backup_codes, name="backup_codes"),
        path("second-factor/remove/", account_views.otp_disable, name="otp_disable"),
        path(
            "password/",
            auth_views.PasswordChangeView.as_view(success_url="/account/password/done/"),
            name="password_change",
        ),
        path(
            "password/done/",
            auth_views.PasswordChangeDoneView.as_view(),
            name="password_change_done",
        ),
    ],
    "account",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("", include(srp_patterns)),
    path("account/", include(account_patterns)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", account_views.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("p/<str:district_code>/complaints/", include("complaints.public_urls")),
    path("p/<str:district_code>/notices/", include("notices.public_urls")),
    path("p/<str:district_code>/reports/", include("reports.public_urls")),
    path("agreements/", include("agreements.urls")),
    path("complaints/", include("complaints.urls")),
    path("incidents/", include("incidents.urls")),
    path("notices/", include("notices.urls")),
    path("reports/", include("reports.urls")),
    path("sis/", include("sis.urls")),
    path("notifications/", include("notifications.urls")),
    path("retention/", include("retention.urls")),
    path("ops/admin/", admin.site.urls),
]

if settings.BENCHMARK_FLOOR_VIEW:
    urlpatterns.append(path("bench/floor/", views.benchmark_floor, name="benchmark_floor"))

handler403 = "srp.views.error_403"
handler404 = "srp.views.error_404"
handler500 = "srp.views.error_500"
