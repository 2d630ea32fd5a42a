"""The library's public page (no login), under /service/policies/."""

from django.urls import path

from kaifang.library import public_views

app_name = "library_public"

urlpatterns = [
    path("<str:code>/<int:pk>/", public_views.cited_document, name="cited_document"),
]
