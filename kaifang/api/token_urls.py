"""The profile page's token actions (the JSON API itself is kaifang/api/urls.py)."""

from django.urls import path

from kaifang.api import views

app_name = "api_tokens"

urlpatterns = [
    path("new/", views.token_create, name="create"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
