"""Units (单位) the caller may see, in tree order with their depth, as on the unit page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kaifang.api.common import Page, PageQuery, error_docs, paginate, responses
from kaifang.core.lib.requests import current_user
from kaifang.core.selectors import UnitRow, unit_tree

router = Router(tags=["组织机构"])


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    code: str
    parent_id: int | None
    depth: int = Field(description="在可见树中的层级（0 为顶层）")
    is_active: bool


def _out(row: UnitRow) -> dict[str, Any]:
    u = row.unit
    return {
        "id": u.pk,
        "name": u.name,
        "short_name": u.short_name,
        "kind": u.kind,
        "kind_label": u.get_kind_display(),
        "code": u.code,
        "parent_id": u.parent_id,
        "depth": row.depth,
        "is_active": u.is_active,
    }


@router.get(
    "",
    response=responses(Page[UnitOut], 422),
    summary="单位（分页，按组织树顺序）",
    openapi_extra=error_docs(422),
)
def unit_list_api(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    return paginate(unit_tree(user=current_user(request)), params, _out)
