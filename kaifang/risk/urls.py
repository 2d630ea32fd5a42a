"""风险预警 under /risk/."""

from django.urls import path

from kaifang.risk import views

app_name = "risk"

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("scenarios/new/", views.scenario_new, name="scenario_new"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/records/", views.scenario_records, name="scenario_records"),
    path("scenarios/<int:pk>/import/", views.scenario_import, name="scenario_import"),
    path("scenarios/<int:pk>/follow-ups/", views.scenario_follow_ups, name="scenario_follow_ups"),
    path("scenarios/<int:pk>/export.xlsx", views.scenario_export, name="scenario_export"),
    path("scenarios/<int:pk>/brief.docx", views.scenario_brief, name="scenario_brief"),
    path("my-visits/", views.my_follow_ups, name="my_follow_ups"),
    path("watch/", views.watch_list, name="watch_list"),
    path("watch/<int:pk>/delete/", views.watch_delete, name="watch_delete"),
    path("dependence/", views.dependence, name="dependence"),
]
