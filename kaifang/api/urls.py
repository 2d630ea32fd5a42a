"""The JSON API (django-ninja) under /api/v1/, with its OpenAPI schema served offline to
signed-in users. Staff endpoints authenticate with a personal access token or the session
(auth.py) and read and write through the same selectors, scope gate and actions as the pages;
the public appeal endpoints use channel tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from kaifang.api.auth import NOT_SIGNED_IN, STAFF_AUTH, TokenRejected, signed_in_only
from kaifang.api.common import ERROR_TEXT, Invalid
from kaifang.api.routers import (
    appeals,
    enterprises,
    indicators,
    library,
    me,
    public_appeals,
    risk,
    tasks,
    trade,
    units,
    visits,
    zones,
)


class KaifangAPI(NinjaAPI):
    """The schema states, for every staff operation, the errors every staff operation can
    answer, in Chinese: 401 (no or a revoked credential), 404 for a record by id (absent or
    outside the scope), 422 for bad parameters. Routers add their own (403, 415 …) and their
    own wording; this fills what a router left out, so a new module cannot forget them."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path, methods in schema.get("paths", {}).items():
            if path.startswith(("/api/v1/public", "/api/v1/me")):
                continue
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                needed = {"401"}
                if "{" in path:
                    needed.add("404")
                if operation.get("parameters") or operation.get("requestBody"):
                    needed.add("422")
                for code in sorted(needed - set(responses)):
                    responses[code] = {"description": ERROR_TEXT[int(code)]}
                for response in responses.values():
                    if response.get("description") in ("OK", "Created", None, ""):
                        response["description"] = "成功"
        return schema


api = KaifangAPI(
    title="开放通 Kaifang API",
    version="1.0.0",
    description=(
        "对外开放工作平台数据接口。以个人访问令牌（个人中心创建，或 `kaifang api-token 用户名`）"
        "调用：`Authorization: Bearer <令牌>`，以令牌所属用户的身份、数据范围和权限读取与办理；"
        "所有返回记录均经过数据权限过滤。列表接口以 `limit`、`offset` 分页，响应含 `count`。"
        "外部渠道提交诉求使用渠道令牌（/public/…）。"
    ),
    urls_namespace="api",
    auth=STAFF_AUTH,
    docs_decorator=signed_in_only,
)
api.add_router("/me", me.router)
api.add_router("/enterprises", enterprises.router)
api.add_router("/trade", trade.router)
api.add_router("/tasks", tasks.router)
api.add_router("/appeals", appeals.router)
api.add_router("/visits", visits.router)
api.add_router("/units", units.router)
api.add_router("/public", public_appeals.router)
api.add_router("/library", library.router)
api.add_router("", indicators.router)
api.add_router("/platforms", zones.platforms)
api.add_router("/parks", zones.parks)
api.add_router("/chains", zones.chains)
api.add_router("/projects", zones.projects)
api.add_router("/risk", risk.router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, TokenRejected):
        return api.create_response(request, {"detail": exc.message}, status=401)
    if request.path.startswith("/api/v1/public/"):
        detail = "未认证：请提供有效的渠道令牌。"
    else:
        detail = NOT_SIGNED_IN
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "记录不存在或不在您的数据范围内。"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "您没有执行此操作的权限。"}, status=403
    )


@api.exception_handler(DjangoValidationError)
def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """An action's refusal (wrong status, not the handler …), in its own Chinese words."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {}
    return api.create_response(
        request, {"detail": "；".join(exc.messages), "errors": errors}, status=422
    )


@api.exception_handler(Invalid)
def invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, "errors": exc.errors}, status=422)


@api.exception_handler(NinjaValidationError)
def bad_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = ".".join(str(part) for part in error.get("loc", ())[1:]) or "请求"
        errors.setdefault(name, []).append(str(error.get("msg", "")))
    return api.create_response(request, {"detail": "参数校验失败。", "errors": errors}, status=422)
