from django.urls import path

from kaifang.library import views
from kaifang.library.views import service as views_service

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
    path(
        "enterprises/<int:pk>/export/",
        views_service.enterprise_matches_export,
        name="enterprise_matches_export",
    ),
    path("items/<int:pk>/export/", views_service.item_matches_export, name="item_matches_export"),
    path(
        "items/<int:pk>/ledger/export/",
        views_service.item_ledger_export,
        name="item_ledger_export",
    ),
    path("ledger/", views_service.ledger_list, name="ledger_list"),
    path("ledger/export/", views_service.ledger_export, name="ledger_export"),
    path("fairs/", views_service.fair_list, name="fair_list"),
    path("fairs/new/", views_service.fair_create, name="fair_create"),
    path("fairs/<int:pk>/", views_service.fair_detail, name="fair_detail"),
    path("templates/", views_service.template_list, name="template_list"),
    path("templates/new/", views_service.template_create, name="template_create"),
    path("templates/<int:pk>/edit/", views_service.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", views_service.template_delete, name="template_delete"),
]
