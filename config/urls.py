"""Root URL configuration: each module's urls under its own prefix."""

from django.contrib import admin
from django.urls import include, path

from kaifang.api.urls import api

handler403 = "kaifang.core.views.errors.forbidden"
handler404 = "kaifang.core.views.errors.not_found"
handler500 = "kaifang.core.views.errors.server_error"

admin.site.site_header = "开放通 · 系统管理"
admin.site.site_title = "开放通"
admin.site.index_title = "字典与系统设置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/tokens/", include("kaifang.api.token_urls")),
    path("enterprises/", include("kaifang.enterprises.urls")),
    path("trade/", include("kaifang.trade.urls")),
    path("servicedesk/", include("kaifang.servicedesk.urls")),
    path("service/policies/", include("kaifang.library.public_urls")),
    path("service/", include("kaifang.servicedesk.public_urls")),
    path("supervision/", include("kaifang.supervision.urls")),
    path("library/", include("kaifang.library.urls")),
    path("indicators/", include("kaifang.indicators.urls")),
    path("reports/", include("kaifang.reports.urls")),
    path("zones/", include("kaifang.zones.urls")),
    path("risk/", include("kaifang.risk.urls")),
    path("", include("kaifang.core.urls")),
]
