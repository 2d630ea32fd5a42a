from django.urls import path

from kaifang.servicedesk.views import public

app_name = "service"

urlpatterns = [
    path("", public.submit, name="submit"),
]
