"""Risk exposure, read-only: the watch list, the scenarios the caller may see, and a
scenario's result computed within the caller's scope (and the scenario's owner's)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kaifang.core.lib.requests import current_user
from kaifang.core.scope import get_for_user
from kaifang.risk import selectors
from kaifang.risk.matching import LOSS_FORMULAS
from kaifang.risk.matching import amount_text as _amount
from kaifang.risk.matching import ratio_text as _ratio
from kaifang.risk.models import Scenario

router = Router(tags=["风险预警"])


class WatchEntryOut(Schema):
    partner_code: str
    partner_name: str
    level: str
    level_label: str
    note: str
    since: dt.date


class ScenarioOut(Schema):
    id: int
    name: str
    flow: str
    shock: str
    partners: list[str]
    partner_groups: list[str]
    hs_codes: list[str]
    months: int
    until: dt.date | None
    currency: str
    unit: str | None


class EnterpriseOut(Schema):
    uscc: str
    name: str
    district: str
    park: str
    industry: str
    exposed: str
    own_trade: str
    share_of_own_trade: str | None
    loss: str


class GroupOut(Schema):
    key: str
    name: str
    enterprises: int
    exposed: str
    loss: str


class LineOut(Schema):
    line: int
    hs_code: str
    rate_pp: str | None
    codes: int = Field(description="本市数据中匹配该行的不同商品编码数")
    records: int = Field(description="匹配该行的海关记录数")
    exposed: str


class ResultOut(Schema):
    scenario: ScenarioOut
    months: list[str]
    currency: str
    formula: str
    total_exposed: str
    total_trade: str
    share: str | None
    total_loss: str
    enterprises: list[EnterpriseOut]
    by_district: list[GroupOut]
    by_park: list[GroupOut]
    by_industry: list[GroupOut]
    lines: list[LineOut]


def _scenario_out(s: Scenario) -> ScenarioOut:
    return ScenarioOut(
        id=s.pk,
        name=s.name,
        flow=s.flow,
        shock=s.shock,
        partners=sorted(p.code for p in s.partners.all()),
        partner_groups=sorted(g.name for g in s.partner_groups.all()),
        hs_codes=[p.hs_code for p in s.products.all()],
        months=s.months,
        until=s.until,
        currency=s.currency,
        unit=s.unit.name if s.unit else None,
    )


def _groups(rows: list[selectors.GroupRow]) -> list[GroupOut]:
    return [
        GroupOut(
            key=g.key,
            name=g.name,
            enterprises=g.enterprises,
            exposed=_amount(g.exposed),
            loss=_amount(g.loss),
        )
        for g in rows
    ]


@router.get(
    "/watchlist",
    response=list[WatchEntryOut],
    summary="关注国别(地区)",
    url_name="risk_watch_list",
)
def watch_list(request: HttpRequest) -> list[WatchEntryOut]:
    return [
        WatchEntryOut(
            partner_code=w.partner.code,
            partner_name=w.partner.name_zh,
            level=w.level,
            level_label=w.get_level_display(),
            note=w.note,
            since=w.since,
        )
        for w in selectors.watch_list()
    ]


@router.get(
    "/scenarios",
    response=list[ScenarioOut],
    summary="风险情景（数据范围内）",
    url_name="risk_scenario_list",
)
def scenario_list(request: HttpRequest) -> list[ScenarioOut]:
    user = current_user(request)
    scenarios = selectors.scenarios_for(user).prefetch_related(
        "partners", "partner_groups", "products"
    )
    return [_scenario_out(s) for s in scenarios]


@router.get(
    "/scenarios/{scenario_id}/result",
    response=ResultOut,
    summary="风险情景测算结果（按调用者数据范围）",
    url_name="risk_scenario_result",
)
def scenario_result(request: HttpRequest, scenario_id: int) -> ResultOut:
    user = current_user(request)
    scenario = get_for_user(Scenario.objects.select_related("unit"), user, scenario_id)
    result = selectors.exposure(
        viewer=user,
        spec=selectors.spec_for(scenario),
        owner=selectors.scenario_owner(scenario),
    )
    return ResultOut(
        scenario=_scenario_out(scenario),
        months=[f"{m:%Y-%m}" for m in result.months],
        currency=scenario.currency,
        formula=LOSS_FORMULAS[scenario.shock],
        total_exposed=_amount(result.total_exposed),
        total_trade=_amount(result.total_trade),
        share=_ratio(result.share),
        total_loss=_amount(result.total_loss),
        enterprises=[
            EnterpriseOut(
                uscc=e.uscc,
                name=e.name,
                district=e.district,
                park=e.park,
                industry=e.industry,
                exposed=_amount(e.exposed),
                own_trade=_amount(e.own_trade),
                share_of_own_trade=_ratio(e.share_of_own_trade),
                loss=_amount(e.loss),
            )
            for e in result.enterprises
        ],
        by_district=_groups(result.by_district),
        by_park=_groups(result.by_park),
        by_industry=_groups(result.by_industry),
        lines=[
            LineOut(
                line=row.line,
                hs_code=row.hs_code,
                rate_pp=None if row.rate_pp is None else str(row.rate_pp),
                codes=row.codes,
                records=row.records,
                exposed=_amount(row.exposed),
            )
            for row in selectors.product_lines(scenario, result)
        ],
    )
