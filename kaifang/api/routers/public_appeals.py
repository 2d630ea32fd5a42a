"""Appeal intake for other government channels (a mini-program, the 12345 platform):
`POST /api/v1/public/appeals` and `GET /api/v1/public/appeals/{tracking_code}`, each with the
channel's own bearer token, never a user session. The same validation and action as the
public page; a channel learns about one appeal only by its tracking code. The same code tells
the channel which policies the appeal's enterprise qualifies for (政策直达) and shows the
clauses the answers cite: `GET /api/v1/public/appeals/{tracking_code}/policies`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from kaifang.api.body import BodyError, json_object
from kaifang.api.common import error_docs
from kaifang.library.selectors.service import cited_clauses, public_policies, public_texts
from kaifang.servicedesk import actions, codes
from kaifang.servicedesk.channels import channel_for_token
from kaifang.servicedesk.forms import AppealFields
from kaifang.servicedesk.models import Category, Channel, Source
from kaifang.servicedesk.selectors import public_appeal, public_timeline


class ChannelToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Channel | None:
        return channel_for_token(token)


router = Router(tags=["企业诉求（外部渠道）"], auth=ChannelToken())


class DueOut(Schema):
    accept: str
    reply: str
    resolve: str
    provisional: bool


class CreatedOut(Schema):
    tracking_code: str
    status: str
    due: DueOut


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class EventOut(Schema):
    at: str
    text: str


class StatusOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    timeline: list[EventOut]


REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": [
                        "enterprise_name",
                        "uscc",
                        "category",
                        "description",
                        "contact_name",
                        "contact_phone",
                    ],
                    "properties": {
                        "enterprise_name": {"type": "string", "description": "企业名称"},
                        "uscc": {"type": "string", "description": "统一社会信用代码"},
                        "category": {
                            "type": "string",
                            "description": "诉求类别：编码或中文名称，如 logistics 或 物流运输",
                            "enum": [
                                *(value for value, _label in Category.choices),
                                *(str(label) for _value, label in Category.choices),
                            ],
                        },
                        "description": {"type": "string", "description": "问题描述"},
                        "contact_name": {"type": "string"},
                        "contact_phone": {"type": "string"},
                    },
                }
            }
        },
    }
}


def _category_code(given: str) -> str | None:
    """A category by its code (`logistics`) or its Chinese name (物流运输); an empty value is
    left for the form to call missing; None when it is neither."""
    given = given.strip()
    if not given:
        return ""
    for value, label in Category.choices:
        if given.lower() == value or given == label:
            return str(value)
    return None


def _channel(request: HttpRequest) -> Channel:
    auth: Any = getattr(request, "auth", None)
    assert isinstance(auth, Channel)  # noqa: S101 (the router's auth guarantees it)
    return auth


@router.post(
    "/appeals",
    response={
        201: CreatedOut,
        400: ErrorOut,
        401: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
    summary="提交企业诉求",
    openapi_extra={
        **error_docs(400, 415, 422, ok=201, ok_text="已登记，返回查询码"),
        **REQUEST_BODY,
    },
)
def create_appeal(request: HttpRequest) -> Status[CreatedOut | ErrorOut]:
    try:
        body = json_object(request)
    except BodyError as error:
        return Status(error.status, ErrorOut(detail=error.detail))
    if any(not isinstance(v, str) for v in body.values()):
        return Status(400, ErrorOut(detail="所有字段都必须是字符串。"))
    category = _category_code(body.get("category", ""))
    form = AppealFields(data=body if category is None else {**body, "category": category})
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        if category is None:
            allowed = "、".join(f"{value}（{label}）" for value, label in Category.choices)
            errors["category"] = [
                f"无效的诉求类别“{body['category']}”。可用编码或中文名称：{allowed}。"
            ]
        return Status(422, ErrorOut(detail="参数校验失败。", errors=errors))
    data = form.cleaned_data
    try:
        appeal = actions.appeal_create(
            actor=None, source=Source.API, channel=_channel(request), **data
        )
    except ValidationError as error:
        return Status(422, ErrorOut(detail="参数校验失败。", errors=dict(error.message_dict)))
    return Status(
        201,
        CreatedOut(
            tracking_code=appeal.tracking_code,
            status=appeal.status,
            due=DueOut(
                accept=appeal.accept_due.isoformat(),
                reply=appeal.reply_due.isoformat(),
                resolve=appeal.resolve_due.isoformat(),
                provisional=appeal.due_provisional,
            ),
        ),
    )


@router.get(
    "/appeals/{tracking_code}",
    response={200: StatusOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="按查询码查询诉求进度",
    openapi_extra=error_docs(404, 429),
)
def get_appeal(request: HttpRequest, tracking_code: str) -> Status[StatusOut | ErrorOut]:
    # Per channel token, not per address: a channel's servers may share one address, and a
    # leaked token must not become a fast way to try tracking codes.
    if is_ratelimited(
        request,
        group="api.public.tracking",
        key=lambda _group, req: f"channel:{_channel(req).pk}",
        rate=settings.API_TRACKING_RATE,
        method=ALL,
        increment=True,
    ):
        return Status(429, ErrorOut(detail="查询过于频繁，请稍后再试。"))
    appeal = public_appeal(codes.normalise(tracking_code))
    # A channel reads only the appeals it submitted: a token is not a key to every appeal.
    if appeal is not None and appeal.channel_id != _channel(request).pk:
        appeal = None
    if appeal is None:
        return Status(404, ErrorOut(detail="查询码不存在。"))
    return Status(
        200,
        StatusOut(
            tracking_code=appeal.tracking_code,
            status=appeal.status,
            status_label=appeal.get_status_display(),
            timeline=[
                EventOut(at=e.created_at.isoformat(), text=e.public_text)
                for e in public_timeline(appeal)
            ],
        ),
    )


class PublicPolicyOut(Schema):
    item_id: int
    policy: str
    doc_number: str
    clause: str
    title: str
    benefit: str
    amount_wan_yuan: str | None
    rate: str
    no_application: bool
    ledger_status: str
    window_start: str | None
    window_end: str | None
    responsible_unit: str
    conditions: list[str]
    is_new: bool
    first_seen: str | None


class CitedClauseOut(Schema):
    citation: str
    text: str
    url: str


class PoliciesOut(Schema):
    tracking_code: str
    enterprise: str
    policies: list[PublicPolicyOut]
    cited_clauses: list[CitedClauseOut]


@router.get(
    "/appeals/{tracking_code}/policies",
    response={200: PoliciesOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="按查询码查询企业可享政策与答复引用的条款",
    description=(
        "政策直达（外部渠道）：该诉求所属企业当前符合条件的惠企政策（仅本企业、仅“符合”，"
        "不含任何统计数值），以及办理答复中引用的政策条款原文与公开阅读链接。"
        "`since`（YYYY-MM-DD）只返回该日及以后新匹配的政策，便于渠道推送新增政策。"
    ),
    openapi_extra=error_docs(404, 422, 429),
)
def get_appeal_policies(
    request: HttpRequest, tracking_code: str, since: str = ""
) -> Status[PoliciesOut | ErrorOut]:
    if is_ratelimited(
        request,
        group="api.public.tracking",
        key=lambda _group, req: f"channel:{_channel(req).pk}",
        rate=settings.API_TRACKING_RATE,
        method=ALL,
        increment=True,
    ):
        return Status(429, ErrorOut(detail="查询过于频繁，请稍后再试。"))
    day = None
    if since:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            return Status(
                422,
                ErrorOut(detail="参数校验失败。", errors={"since": ["日期应写作 2026-01-31。"]}),
            )
    appeal = public_appeal(codes.normalise(tracking_code))
    if appeal is not None and appeal.channel_id != _channel(request).pk:
        appeal = None
    if appeal is None:
        return Status(404, ErrorOut(detail="查询码不存在。"))
    base = f"{request.scheme}://{request.get_host()}"
    return Status(
        200,
        PoliciesOut(
            tracking_code=appeal.tracking_code,
            enterprise=appeal.enterprise_name,
            policies=[
                PublicPolicyOut(**p.as_dict())
                for p in public_policies(appeal.enterprise_id, since=day)
            ],
            cited_clauses=[
                CitedClauseOut(
                    citation=c.citation,
                    text=c.text,
                    url=base
                    + reverse(
                        "library_public:cited_document", args=[appeal.tracking_code, c.document_id]
                    )
                    + f"#{c.anchor}",
                )
                for c in cited_clauses(public_texts(appeal))
            ],
        ),
    )
