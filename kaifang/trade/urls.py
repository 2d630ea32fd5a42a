from django.urls import path

from kaifang.trade import views, views_analysis

app_name = "trade"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/remap/", views.import_remap, name="import_remap"),
    path("imports/<int:pk>/poll/", views.import_poll, name="import_poll"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/errors.xlsx", views.import_error_report, name="import_error_report"),
    path("analysis/", views_analysis.overview, name="analysis_overview"),
    path("analysis/by/<str:by>/", views_analysis.breakdown_page, name="analysis_breakdown"),
    path(
        "analysis/by/<str:by>/export.xlsx",
        views_analysis.breakdown_export,
        name="analysis_breakdown_export",
    ),
    path("analysis/records/", views_analysis.records_page, name="analysis_records"),
    path(
        "analysis/records/export.xlsx",
        views_analysis.records_export,
        name="analysis_records_export",
    ),
    path("analysis/<str:kind>/", views_analysis.dynamic_page, name="analysis_dynamic"),
    path(
        "analysis/<str:kind>/export.xlsx",
        views_analysis.dynamic_export,
        name="analysis_dynamic_export",
    ),
]
