"""What every staff endpoint shares: the error body and its documented status codes, and
limit/offset pagination with the total in the body."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from django import forms
from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")
    errors: dict[str, list[str]] = Field(default={}, description="按字段列出的校验错误")


ERROR_TEXT = {
    401: "未认证：未提供凭据，或访问令牌无效、已被吊销",
    403: "无权限：记录在数据范围内，但当前用户不能执行此操作",
    404: "记录不存在，或不在当前用户的数据范围内",
    422: "参数校验失败，或当前状态不允许此操作",
}


def responses(ok: Any, *codes: int, status: int = 200) -> dict[int, Any]:
    """The response map of an endpoint: its success body and the error codes it may answer
    (401 always)."""
    result: dict[int, Any] = {status: ok, 401: ErrorOut}
    for code in codes:
        result[code] = ErrorOut
    return result


def error_docs(*codes: int, ok: int = 200, ok_text: str = "成功") -> dict[str, Any]:
    """openapi_extra that puts a Chinese description on the success and each error response."""
    docs: dict[int, Any] = {ok: {"description": ok_text}}
    for code in sorted({401, *codes}):
        docs[code] = {"description": ERROR_TEXT[code]}
    return {"responses": docs}


class Invalid(Exception):
    """Bad input found by a page's own form; answered as 422 with the form's errors."""

    def __init__(self, errors: Mapping[str, Any], detail: str = "参数校验失败。") -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}


def cleaned(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or Invalid (422) with its errors."""
    if not form.is_valid():
        raise Invalid(form.errors)
    return dict(form.cleaned_data)


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500，默认 50）")
    offset: int = Field(0, ge=0, description="跳过前面多少条（默认 0）")


class Page(Schema, Generic[T]):
    count: int = Field(description="符合条件的记录总数")
    items: list[T]


def paginate(
    rows: QuerySet[Any] | Sequence[Any], page: PageQuery, convert: Callable[[Any], T]
) -> dict[str, Any]:
    """{count, items} for one slice of `rows` (a queryset is counted and sliced in SQL)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    chunk = rows[page.offset : page.offset + page.limit]
    return {"count": count, "items": [convert(row) for row in chunk]}


class Ref(Schema):
    id: int
    name: str


def ref(obj: Any) -> Ref | None:
    return None if obj is None else Ref(id=obj.pk, name=str(obj))
