from django.urls import path

from kaifang.trade import views

app_name = "trade"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/remap/", views.import_remap, name="import_remap"),
    path("imports/<int:pk>/poll/", views.import_poll, name="import_poll"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/errors.xlsx", views.import_error_report, name="import_error_report"),
]
