from django.urls import path

from kaifang.risk import views

app_name = "risk"

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("my-visits/", views.my_follow_ups, name="my_follow_ups"),
]
