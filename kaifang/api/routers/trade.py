"""Trade figures (外贸统计) within the caller's scope: one breakdown exactly as
`kaifang trade-stats --json` prints it, and the customs records behind any figure, with the
drill-down page's filters, so a total always equals the sum of its records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kaifang.api.common import Invalid, PageQuery, error_docs, responses
from kaifang.core.lib.requests import current_user
from kaifang.core.models import Partner
from kaifang.enterprises.selectors import enterprise_get
from kaifang.trade.figures import report_month
from kaifang.trade.selectors import (
    Keys,
    drill_page,
    drill_records,
    drill_totals,
)
from kaifang.trade.selectors import Query as TradeQuery
from kaifang.trade.selectors.stats import stats_json

router = Router(tags=["外贸统计"])

Flow = Literal["export", "import", "total"]
Currency = Literal["usd", "cny"]
By = Literal[
    "partner", "partner-group", "industry", "hs2", "hs4", "mode", "district", "park", "enterprise"
]
Span = Literal["month", "ytd", "ytd_prev", "prev_month", "month_prev"]


class StatsQuery(Schema):
    year: int = Field(description="年份")
    month: int = Field(description="月份（1–12）；累计为 1 月至该月")
    by: By = Field(description="分组维度")
    flow: Flow = Field("total", description="export 出口 / import 进口 / total 进出口")
    currency: Currency = Field("usd", description="usd 美元 / cny 人民币")
    level: int = Field(1, ge=1, le=4, description="行业层级 1–4（by=industry 时）")


class StatsRow(Schema):
    key: str
    name: str
    month: str = Field(description="当月")
    ytd: str = Field(description="累计")
    ytd_prev: str = Field(description="上年同期累计")
    yoy_pct: str | None = Field(description="累计同比（%）")
    share_pct: str | None = Field(description="占比（%）")
    month_prev: str = Field(description="上年同月")
    month_yoy_pct: str | None = Field(description="当月同比（%）")
    prev_month: str = Field(description="上月")
    mom_pct: str | None = Field(description="环比（%）")
    contribution_pp: str | None = Field(description="拉动（百分点）")


class StatsOut(Schema):
    year: int
    month: int
    by: str
    flow: str
    currency: str
    source: str = Field(description="数据来源（汇总表或明细）")
    total: StatsRow
    rows: list[StatsRow]
    note: str | None = Field(None, description="说明（仅在需要时出现）")


class RecordsQuery(PageQuery):
    year: int | None = Field(None, description="年份（默认：有数据的最近月份）")
    month: int | None = Field(None, description="月份（默认同上）")
    flow: Flow = Field("total", description="export / import / total")
    currency: Currency = Field("usd", description="排序和合计所用币种")
    span: Span = Field(
        "ytd",
        description="month 当月 / ytd 累计 / ytd_prev 上年同期累计 / prev_month 上月 / "
        "month_prev 上年同月",
    )
    partner: str = Field("", description="国别(地区)海关代码；- 表示无")
    group: str = Field("", description="国别分组代码")
    hs: str = Field("", description="商品编码前缀（2/4/8 位）；- 表示无")
    mode: str = Field("", description="贸易方式代码；- 表示无")
    enterprise: str = Field("", description="企业 id")
    district: str = Field("", description="县区单位 id；- 表示无")
    park: str = Field("", description="园区单位 id；- 表示无")
    industry: str = Field("", description="行业门类字母或代码前缀；- 表示无")


class EnterpriseRef(Schema):
    id: int
    name: str
    uscc: str | None
    customs_code: str | None


class RecordOut(Schema):
    id: int
    period: str = Field(description="年月 YYYY-MM")
    enterprise: EnterpriseRef
    flow: str
    flow_label: str
    hs_code: str
    partner_code: str
    partner_name: str
    trade_mode: str
    value_usd: Decimal | None
    value_cny: Decimal | None


class RecordsPage(Schema):
    count: int = Field(description="符合条件的记录总数")
    total_usd: Decimal = Field(description="全部符合条件记录的美元合计（不只本页）")
    total_cny: Decimal = Field(description="人民币合计")
    year: int | None
    month: int | None
    span: str
    items: list[RecordOut]


def _query(year: int, month: int, flow: str, currency: str) -> TradeQuery:
    try:
        return TradeQuery(year=year, month=month, flow=flow, currency=currency)
    except ValueError:
        raise Invalid({"month": ["年份或月份不正确。"]}) from None


@router.get(
    "/stats",
    response=responses(StatsOut, 422),
    exclude_unset=True,
    summary="外贸统计（当月、累计、同比、占比、拉动）",
    description="按一个维度分组的统计，与命令 `kaifang trade-stats --json` 的输出完全相同，"
    "但只统计当前用户数据范围内的企业。金额为全精度十进制字符串。",
    openapi_extra=error_docs(422),
)
def trade_stats(request: HttpRequest, params: Query[StatsQuery]) -> dict[str, Any]:
    user = current_user(request)
    q = _query(params.year, params.month, params.flow, params.currency)
    return stats_json(viewer=user, by=params.by, q=q, level=params.level)


@router.get(
    "/records",
    response=responses(RecordsPage, 404, 422),
    summary="外贸明细（一个数字背后的海关记录）",
    description="与下钻明细页面相同的筛选：年月、进出口、时段（当月、累计……）和各维度键。"
    "合计等于对应统计数字。",
    openapi_extra=error_docs(404, 422),
)
def trade_records(request: HttpRequest, params: Query[RecordsQuery]) -> dict[str, Any]:
    user = current_user(request)
    keys = Keys.from_params(params.model_dump())
    if keys.enterprise:
        enterprise_get(user=user, pk=keys.enterprise)  # 404 outside the scope, like the page
    year, month = params.year, params.month
    if year is None or month is None:
        latest = report_month(user)
        if latest is None and year is None:
            return {
                "count": 0,
                "total_usd": Decimal(0),
                "total_cny": Decimal(0),
                "year": None,
                "month": None,
                "span": params.span,
                "items": [],
            }
        today = timezone.localdate()
        base = latest or dt.date(today.year, today.month, 1)
        year = year or base.year
        month = month or (base.month if year == base.year else 12)
    q = _query(year, month, params.flow, params.currency)
    # As the page: count and totals from the rollups where they answer (else one aggregate),
    # and the slice's plan chosen from that count and its depth (decision 0018).
    summary = drill_totals(viewer=user, q=q, span=params.span, keys=keys)
    top = params.offset + params.limit
    qs = drill_records(
        viewer=user, q=q, span=params.span, keys=keys, depth=top, matching=summary.count
    )
    records = drill_page(qs, params.offset, top, q=q, keys=keys)
    names = dict(
        Partner.objects.filter(code__in={r.partner_code for r in records}).values_list(
            "code", "name_zh"
        )
    )
    return {
        "count": summary.count,
        "total_usd": summary.usd,
        "total_cny": summary.cny,
        "year": q.year,
        "month": q.month,
        "span": params.span,
        "items": [
            {
                "id": r.pk,
                "period": r.period.strftime("%Y-%m"),
                "enterprise": {
                    "id": r.enterprise.pk,
                    "name": r.enterprise.name,
                    "uscc": r.enterprise.uscc,
                    "customs_code": r.enterprise.customs_code,
                },
                "flow": r.flow,
                "flow_label": r.get_flow_display(),
                "hs_code": r.hs_code,
                "partner_code": r.partner_code,
                "partner_name": names.get(r.partner_code, ""),
                "trade_mode": r.trade_mode,
                "value_usd": r.value_usd,
                "value_cny": r.value_cny,
            }
            for r in records
        ],
    }
