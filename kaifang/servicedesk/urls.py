from django.urls import path

from kaifang.servicedesk.views import appeals

app_name = "servicedesk"

urlpatterns = [
    path("", appeals.appeal_list, name="appeal_list"),
]
