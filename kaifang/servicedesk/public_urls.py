"""Public pages (no login) under /service/."""

from django.urls import path

from kaifang.servicedesk.views import public

app_name = "service"

urlpatterns = [
    path("", public.submit, name="submit"),
    path("done/", public.done, name="done"),
    path("track/", public.track, name="track"),
    path("track/<str:code>/", public.track_code, name="track_code"),
]
