from django.urls import path

from kaifang.library import views

app_name = "library"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/versions/new/", views.version_create, name="version_create"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path(
        "<int:pk>/versions/<int:number>/original/",
        views.version_original,
        name="version_original",
    ),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("sources/<int:pk>/", views.source_read, name="source_read"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/evaluate/", views.item_evaluate, name="item_evaluate"),
    path("ledger/<int:pk>/advance/", views.ledger_advance, name="ledger_advance"),
    path("enterprises/<int:pk>/", views.enterprise_matches, name="enterprise_matches"),
]
