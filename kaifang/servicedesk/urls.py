"""Staff pages of the service desk under /servicedesk/."""

from django.urls import path

from kaifang.servicedesk.views import appeals, liaison, stats

app_name = "servicedesk"

urlpatterns = [
    path("", appeals.appeal_list, name="appeal_list"),
    path("appeals/export.xlsx", appeals.appeal_export, name="appeal_export"),
    path("appeals/new/", appeals.appeal_new, name="appeal_new"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal_detail"),
    path(
        "appeals/<int:pk>/attachments/<int:attachment_pk>/",
        appeals.attachment_download,
        name="attachment_download",
    ),
    path("appeals/<int:pk>/<str:action>/", appeals.appeal_act, name="appeal_act"),
    path("stats/", stats.stats_view, name="stats"),
    path("stats/export.xlsx", stats.stats_export, name="stats_export"),
    path("liaison/", liaison.roster, name="roster"),
    path("liaison/assign/", liaison.bulk_assign, name="bulk_assign"),
    path("liaison/targets/", liaison.set_target, name="set_target"),
    path("visits/", liaison.visit_list, name="visit_list"),
    path("visits/export.xlsx", liaison.visit_export, name="visit_export"),
    path("visits/new/<int:enterprise_pk>/", liaison.visit_new, name="visit_new"),
    path("visits/<int:pk>/", liaison.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/appeal/", liaison.visit_to_appeal, name="visit_to_appeal"),
]
