from django.contrib.auth import views as auth_views
from django.urls import path

from kaifang.core.views import account, audit, dictionaries, home, units

app_name = "core"

urlpatterns = [
    path("", home.workbench_view, name="workbench"),
    path("healthz", home.healthz, name="healthz"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", account.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("profile/", account.profile, name="profile"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_edit, name="unit_create"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", units.unit_delete, name="unit_delete"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("dictionaries/", dictionaries.dictionaries, name="dictionaries"),
]
