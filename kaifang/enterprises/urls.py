from django.urls import path

from kaifang.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("new/", views.enterprise_edit, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/merge/", views.enterprise_merge, name="merge"),
]
