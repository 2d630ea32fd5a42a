"""The current user and their effective data scope."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from kaifang.api.common import error_docs
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import effective_scope

router = Router(tags=["当前用户"])


class ScopeOut(Schema):
    widest: str | None
    widest_label: str
    sees_all: bool
    unit_ids: list[int]
    reasons: list[str]


class ErrorOut(Schema):
    detail: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    unit: str | None
    unit_id: int | None
    roles: list[str]
    scope: ScopeOut


@router.get(
    "",
    response={200: MeOut, 401: ErrorOut},
    summary="当前用户及其数据范围",
    openapi_extra=error_docs(401),
)
def me(request: HttpRequest) -> MeOut:
    user = current_user(request)
    scope = effective_scope(user)
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.display_name,
        unit=user.unit.name if user.unit else None,
        unit_id=user.unit_id,
        roles=[r.code for r in user.roles.all()],
        scope=ScopeOut(
            widest=scope.widest,
            widest_label=scope.widest_label,
            sees_all=scope.sees_all,
            unit_ids=sorted(scope.unit_ids),
            reasons=list(scope.reasons),
        ),
    )
