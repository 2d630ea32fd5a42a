from django.urls import path

from kaifang.reports import views

app_name = "reports"

urlpatterns = [
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/generate/", views.briefing_generate, name="briefing_generate"),
    path("briefings/<int:pk>/download/", views.briefing_download, name="briefing_download"),
    path("briefings/<int:pk>/annex/", views.briefing_annex, name="briefing_annex"),
]
