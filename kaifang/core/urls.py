from django.contrib.auth import views as auth_views
from django.urls import path

from kaifang.core.views import (
    account,
    audit,
    dictionaries,
    home,
    jobs,
    notifications,
    search,
    units,
)

app_name = "core"

urlpatterns = [
    path("", home.workbench_view, name="workbench"),
    path("healthz", home.healthz, name="healthz"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", account.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("profile/", account.profile, name="profile"),
    path("search/", search.search, name="search"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_edit, name="unit_create"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", units.unit_delete, name="unit_delete"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.xlsx", audit.audit_export, name="audit_export"),
    path("dictionaries/", dictionaries.dictionaries, name="dictionaries"),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/selftest/", jobs.job_selftest, name="job_selftest"),
    path("jobs/<uuid:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/download/", jobs.job_download, name="job_download"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/bell/", notifications.bell, name="bell"),
    path(
        "notifications/read-all/", notifications.notification_read_all, name="notification_read_all"
    ),
    path(
        "notifications/settings/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
]
