"""The JSON API (django-ninja) under /api/v1/, with its OpenAPI schema served offline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from kaifang.api.routers import me, public_appeals, risk

api = NinjaAPI(
    title="开放通 Kaifang API",
    version="1.0.0",
    description="对外开放工作平台数据接口。所有返回记录均经过数据权限过滤。",
    urls_namespace="api",
    auth=django_auth,
)
api.add_router("/me", me.router)
api.add_router("/public", public_appeals.router)
api.add_router("/risk", risk.router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "未认证：请登录，或提供有效的渠道令牌。"}, status=401
    )
