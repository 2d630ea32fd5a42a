"""The register (外向型企业名录): the list with the page's filters, and one enterprise's
profile: identity, tags, liaison, and its trade in the latest month the caller can see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kaifang.api.common import Page, PageQuery, Ref, cleaned, error_docs, paginate, ref, responses
from kaifang.core.lib.requests import current_user
from kaifang.core.models import User
from kaifang.enterprises.forms import EnterpriseFilterForm, filters_of
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.selectors import enterprise_get, enterprise_list
from kaifang.trade.figures import report_month
from kaifang.trade.selectors import Keys, totals_by_flow
from kaifang.trade.selectors import Query as TradeQuery
from kaifang.trade.selectors.stats import row_json

router = Router(tags=["企业名录"])


class EnterpriseQuery(PageQuery):
    q: str = Field("", description="企业名称、曾用名、统一社会信用代码或海关编码")
    district: int | None = Field(None, description="县区（单位 id）")
    park: int | None = Field(None, description="园区（单位 id）")
    industry: str = Field("", description="行业代码（门类字母或代码前缀，如 C、C39）")
    tag: int | None = Field(None, description="标签 id")
    liaison: int | None = Field(None, description="包联干部（用户 id）")
    status: str = Field("", description="状态：active 正常 / pending 待审核 / closed 已注销")
    sort: str = Field("name", description="排序：name、-name、updated、created")
    trade_size: str = Field(
        "", description="外贸规模（近12个月进出口）：none、lt1m、1m-10m、10m-100m、ge100m"
    )
    trading: str = Field("", description="期间内有无进出口：yes / no（配合 trade_from、trade_to）")
    trade_from: str = Field("", description="期间起（年月，如 2025-01）")
    trade_to: str = Field("", description="期间止（年月，如 2025-12）")


class Person(Schema):
    id: int
    name: str
    unit: str | None


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str | None = Field(description="统一社会信用代码")
    customs_code: str | None = Field(description="海关编码")
    status: str
    status_label: str
    district: Ref | None
    park: Ref | None
    industry_code: str | None
    industry: str | None
    ownership: str
    size: str
    tags: list[str]
    liaison: Person | None = Field(description="包联干部")


class FlowFigures(Schema):
    month: str = Field(description="当月（全精度十进制字符串）")
    ytd: str = Field(description="1–N月累计")
    ytd_prev: str = Field(description="上年同期累计")
    yoy_pct: str | None = Field(description="累计同比（%）")
    month_prev: str
    month_yoy_pct: str | None
    prev_month: str
    mom_pct: str | None = Field(description="环比（%）")


class TradeSummary(Schema):
    year: int
    month: int
    currency: str
    export: FlowFigures
    import_: FlowFigures = Field(alias="import")
    total: FlowFigures


class EnterpriseDetailOut(EnterpriseOut):
    former_names: list[str]
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    problems: str = Field(description="存在问题")
    development_direction: str = Field(description="发展方向")
    created_at: dt.datetime
    updated_at: dt.datetime
    trade: TradeSummary | None = Field(description="最近有数据月份的进出口（美元），无数据为 null")


def _person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(id=user.pk, name=user.display_name, unit=str(user.unit) if user.unit else None)


def _out(e: Enterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.name,
        "uscc": e.uscc,
        "customs_code": e.customs_code,
        "status": e.status,
        "status_label": e.get_status_display(),
        "district": ref(e.district),
        "park": ref(e.park),
        "industry_code": e.industry.code if e.industry else None,
        "industry": e.industry.name if e.industry else None,
        "ownership": e.get_ownership_display(),
        "size": e.get_size_display(),
        "tags": [t.name for t in e.tags.all()],
        "liaison": _person(e.liaison),
    }


def _trade(user: User, enterprise: Enterprise) -> dict[str, Any] | None:
    latest = report_month(user)
    if latest is None:
        return None
    q = TradeQuery(year=latest.year, month=latest.month, currency="usd")
    flows = totals_by_flow(viewer=user, q=q, keys=Keys(enterprise=str(enterprise.pk)))
    if not any(r.ytd or r.ytd_prev or r.month for r in flows.values()):
        return None
    return {
        "year": q.year,
        "month": q.month,
        "currency": q.currency,
        **{flow: row_json(row) for flow, row in flows.items()},
    }


@router.get(
    "",
    response=responses(Page[EnterpriseOut], 422),
    summary="企业名录（分页）",
    description="当前用户数据范围内的企业，筛选条件与名录页面相同。",
    openapi_extra=error_docs(422),
)
def enterprise_list_api(request: HttpRequest, params: Query[EnterpriseQuery]) -> dict[str, Any]:
    user = current_user(request)
    form = EnterpriseFilterForm(request.GET, user=user)
    cleaned(form)  # 422 naming the bad parameters
    filters = filters_of(form)
    rows = enterprise_list(user=user, filters=filters).prefetch_related("tags", "liaison__unit")
    return paginate(rows, params, _out)


@router.get(
    "/{enterprise_id}",
    response=responses(EnterpriseDetailOut, 404, 422),
    by_alias=True,
    summary="企业档案（一企一档）",
    description="企业基本信息、标签、包联干部，以及最近有数据月份的进出口（美元）。",
    openapi_extra=error_docs(404, 422),
)
def enterprise_detail_api(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    user = current_user(request)
    e = enterprise_get(user=user, pk=enterprise_id)
    return {
        **_out(e),
        "former_names": list(e.former_names),
        "address": e.address,
        "legal_representative": e.legal_representative,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
        "problems": e.problems,
        "development_direction": e.development_direction,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "trade": _trade(user, e),
    }
