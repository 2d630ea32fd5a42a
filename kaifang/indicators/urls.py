from django.urls import path

from kaifang.indicators import views

app_name = "indicators"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("", views.indicator_list, name="indicator_list"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("official/", views.official_upload, name="official_upload"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("<str:code>/grid/", views.value_grid, name="value_grid"),
    path("<str:code>/targets/", views.target_edit, name="target_edit"),
    path("<str:code>/export.xlsx", views.indicator_export, name="indicator_export"),
]
