"""Enterprise appeals (企业诉求), the staff view: the list with the page's filters, one appeal
with its timeline and the actions the caller may take now, and each staff action (派单, 签收,
退回, 办结 …) through the same form, action, timeline, audit and notifications as the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kaifang.api.common import Page, PageQuery, Ref, cleaned, error_docs, paginate, ref, responses
from kaifang.core.lib.requests import current_user
from kaifang.servicedesk import actions, selectors
from kaifang.servicedesk.forms import ACTION_FORMS, AppealFilterForm
from kaifang.servicedesk.models import Appeal, AppealStatus, Category
from kaifang.servicedesk.selectors import AppealFilters

router = Router(tags=["企业诉求（办理）"])


class AppealQuery(PageQuery):
    q: str = Field("", description="标题、企业名称、查询码或内容关键词")
    status: str = Field(
        "", description="状态：" + "、".join(f"{v} {lb}" for v, lb in AppealStatus.choices)
    )
    category: str = Field(
        "", description="类别：" + "、".join(f"{v} {lb}" for v, lb in Category.choices)
    )
    unit: int | None = Field(None, description="承办单位 id")
    view: str = Field(
        "",
        description="视图：to_accept 待本单位签收 / due_soon 即将到期 / overdue 已逾期 / "
        "duplicates 疑似重复",
    )


class AppealOut(Schema):
    id: int
    tracking_code: str = Field(description="查询码")
    title: str
    enterprise: Ref
    enterprise_name: str = Field(description="提交时的企业名称")
    category: str
    category_label: str
    source: str
    source_label: str
    unit: Ref | None = Field(description="承办单位")
    status: str
    status_label: str
    registered_at: dt.datetime
    accept_due: dt.date
    reply_due: dt.date
    resolve_due: dt.date
    resolved_at: dt.datetime | None
    rating: int | None
    supervised: bool = Field(description="已转督办")


class AppealEventOut(Schema):
    at: dt.datetime
    kind: str
    text: str
    actor: str | None
    unit: str | None


class ActionOut(Schema):
    name: str
    label: str


class AppealDetailOut(AppealOut):
    description: str
    contact_name: str
    contact_phone: str
    resolution: str
    commitment_date: dt.date | None
    events: list[AppealEventOut]
    attachments: list[str] = Field(description="附件文件名（下载请在页面）")
    available_actions: list[ActionOut] = Field(description="当前用户现在可执行的办理操作")


class RouteIn(Schema):
    unit: int | None = Field(None, description="承办单位 id；留空按分办规则派单")


class ReasonIn(Schema):
    reason: str = Field(description="理由（不超过 300 字）")


class TextIn(Schema):
    text: str = Field(description="内容")


class ResolveIn(Schema):
    resolution: str = Field(description="办理结果")


class CommitIn(Schema):
    commitment_date: dt.date = Field(description="承诺办结日期")
    reason: str = Field(description="理由")


def _out(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "tracking_code": a.tracking_code,
        "title": a.title,
        "enterprise": ref(a.enterprise),
        "enterprise_name": a.enterprise_name,
        "category": a.category,
        "category_label": a.get_category_display(),
        "source": a.source,
        "source_label": a.get_source_display(),
        "unit": ref(a.unit),
        "status": a.status,
        "status_label": a.get_status_display(),
        "registered_at": a.registered_at,
        "accept_due": a.accept_due,
        "reply_due": a.reply_due,
        "resolve_due": a.resolve_due,
        "resolved_at": a.resolved_at,
        "rating": a.rating,
        "supervised": a.supervised,
    }


def _detail(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    user = current_user(request)
    a = selectors.appeal_get(user=user, pk=appeal_id)
    return {
        **_out(a),
        "description": a.description,
        "contact_name": a.contact_name,
        "contact_phone": a.contact_phone,
        "resolution": a.resolution,
        "commitment_date": a.commitment_date,
        "events": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "text": e.text,
                "actor": e.actor.display_name if e.actor else None,
                "unit": str(e.unit) if e.unit else None,
            }
            for e in a.events.select_related("actor", "unit")
        ],
        "attachments": [f.original_name for f in a.attachments.all()],
        "available_actions": [
            {"name": name, "label": actions.ACTION_LABELS[name]}
            for name in actions.available_actions(user, a)
        ],
    }


def _act(request: HttpRequest, appeal_id: int, action: str, body: Schema | None) -> dict[str, Any]:
    """The page's appeal_act: fetch through the gate, validate with the action's form, call
    the one action; a refusal is a 422 in the action's own words."""
    user = current_user(request)
    appeal = selectors.appeal_get(
        user=user, pk=appeal_id, write=action not in actions.READ_SCOPE_ACTIONS
    )
    data: dict[str, Any] = {}
    form_class = ACTION_FORMS.get(action)
    if form_class is not None:
        raw = body.model_dump(mode="json") if body is not None else {}
        data = cleaned(form_class(data={k: v for k, v in raw.items() if v is not None}))
    actions.appeal_act(appeal=appeal, actor=user, action=action, data=data)
    return _detail(request, appeal_id)


@router.get(
    "",
    response=responses(Page[AppealOut], 422),
    summary="企业诉求（分页）",
    description="当前用户数据范围内的诉求，筛选条件与诉求列表页面相同。",
    openapi_extra=error_docs(422),
)
def appeal_list_api(request: HttpRequest, params: Query[AppealQuery]) -> dict[str, Any]:
    user = current_user(request)
    data = cleaned(AppealFilterForm(request.GET))
    filters = AppealFilters(
        q=data["q"] or "",
        status=data["status"] or "",
        category=data["category"] or "",
        unit=data["unit"].pk if data["unit"] else None,
        view=data["view"] or "",
    )
    rows = selectors.appeal_list(user=user, filters=filters)  # newest first, as on the page
    return paginate(rows, params, _out)


@router.get(
    "/{appeal_id}",
    response=responses(AppealDetailOut, 404),
    summary="诉求详情（工作人员视图，含办理记录和可执行操作）",
    openapi_extra=error_docs(404),
)
def appeal_detail_api(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _detail(request, appeal_id)


ACT: dict[str, Any] = {
    "response": responses(AppealDetailOut, 403, 404, 422),
    "openapi_extra": error_docs(403, 404, 422),
    "description": "与诉求页面的同名操作相同：相同的校验、状态流转、办理记录、审计和通知。"
    "状态不允许或无权办理时返回 422 及中文原因。成功返回办理后的诉求详情。",
}


@router.post("/{appeal_id}/route", summary="派单", **ACT)
def appeal_route_api(request: HttpRequest, appeal_id: int, body: RouteIn) -> dict[str, Any]:
    return _act(request, appeal_id, "route", body)


@router.post("/{appeal_id}/accept", summary="签收", **ACT)
def appeal_accept_api(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _act(request, appeal_id, "accept", None)


@router.post("/{appeal_id}/return", summary="退回", **ACT)
def appeal_return_api(request: HttpRequest, appeal_id: int, body: ReasonIn) -> dict[str, Any]:
    return _act(request, appeal_id, "return", body)


@router.post("/{appeal_id}/start", summary="开始办理", **ACT)
def appeal_start_api(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _act(request, appeal_id, "start", None)


@router.post("/{appeal_id}/reply", summary="阶段答复", **ACT)
def appeal_reply_api(request: HttpRequest, appeal_id: int, body: TextIn) -> dict[str, Any]:
    return _act(request, appeal_id, "reply", body)


@router.post("/{appeal_id}/pause", summary="暂停（待企业补充）", **ACT)
def appeal_pause_api(request: HttpRequest, appeal_id: int, body: ReasonIn) -> dict[str, Any]:
    return _act(request, appeal_id, "pause", body)


@router.post("/{appeal_id}/resume", summary="恢复办理", **ACT)
def appeal_resume_api(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _act(request, appeal_id, "resume", None)


@router.post("/{appeal_id}/resolve", summary="办结", **ACT)
def appeal_resolve_api(request: HttpRequest, appeal_id: int, body: ResolveIn) -> dict[str, Any]:
    return _act(request, appeal_id, "resolve", body)


@router.post("/{appeal_id}/commit", summary="批准承诺办结日期", **ACT)
def appeal_commit_api(request: HttpRequest, appeal_id: int, body: CommitIn) -> dict[str, Any]:
    return _act(request, appeal_id, "commit", body)


@router.post("/{appeal_id}/mark", summary="领导督办", **ACT)
def appeal_mark_api(request: HttpRequest, appeal_id: int, body: TextIn) -> dict[str, Any]:
    return _act(request, appeal_id, "mark", body)


@router.post("/{appeal_id}/merge", summary="合并到疑似重复的诉求", **ACT)
def appeal_merge_api(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _act(request, appeal_id, "merge", None)
