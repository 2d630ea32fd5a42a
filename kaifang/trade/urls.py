from django.urls import path

from kaifang.trade.views import analysis, imports

app_name = "trade"

urlpatterns = [
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/remap/", imports.import_remap, name="import_remap"),
    path("imports/<int:pk>/poll/", imports.import_poll, name="import_poll"),
    path("imports/<int:pk>/commit/", imports.import_commit, name="import_commit"),
    path("imports/<int:pk>/errors.xlsx", imports.import_error_report, name="import_error_report"),
    path("analysis/", analysis.overview, name="analysis_overview"),
    path("analysis/by/<str:by>/", analysis.breakdown_page, name="analysis_breakdown"),
    path(
        "analysis/by/<str:by>/export.xlsx",
        analysis.breakdown_export,
        name="analysis_breakdown_export",
    ),
    path("analysis/records/", analysis.records_page, name="analysis_records"),
    path(
        "analysis/records/export.xlsx",
        analysis.records_export,
        name="analysis_records_export",
    ),
    path("analysis/<str:kind>/", analysis.dynamic_page, name="analysis_dynamic"),
    path(
        "analysis/<str:kind>/export.xlsx",
        analysis.dynamic_export,
        name="analysis_dynamic_export",
    ),
]
