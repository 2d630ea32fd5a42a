"""A scenario's result as an Excel workbook and a one-page Word brief for leaders. Plain
data in, bytes out, through the pure renderers (core/lib/xlsx, reports/renderers/docx); the
workbook of a scenario with many firms is written by the worker (`scenario_writer`,
kaifang.core.exports), as the user who asked."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.http import QueryDict
from openpyxl import load_workbook

from kaifang.core.exports import ExportFile, Progress, exporter
from kaifang.core.lib.numbers import amount_unit, percent, scaled
from kaifang.core.lib.xlsx import Cell, table_xlsx
from kaifang.core.models import User
from kaifang.core.scope import get_for_user
from kaifang.reports.renderers.docx import OfficialDocument, render_official
from kaifang.risk import actions, selectors
from kaifang.risk.matching import LOSS_FORMULAS
from kaifang.risk.models import Scenario
from kaifang.risk.selectors import Exposure, GroupRow, LineRow

ENTERPRISE_HEADERS = [
    "排名",
    "企业名称",
    "统一社会信用代码/海关编码",
    "所属县区",
    "所在园区",
    "行业",
    "包联干部",
    "受影响金额",
    "本企业同期同向贸易额",
    "依存度(受影响金额/本企业贸易额)",
    "预计损失",
]


def terms_text(scenario: Scenario, result: Exposure, partners: str) -> str:
    products = ", ".join(result.spec.lines) if result.spec.lines else "全部商品"
    return (
        f"{scenario.get_flow_display()}；国别(地区)：{partners or '全部'}；商品：{products}；"
        f"期间：{result.window_label}；冲击：{scenario.get_shock_display()}"
    )


def _share(value: Decimal | None) -> Decimal | None:
    return None if value is None else round(value, 6)


def scenario_xlsx(
    *,
    scenario: Scenario,
    result: Exposure,
    partners: str,
    lines: Sequence[LineRow],
) -> bytes:
    """Sheet 1: the enterprises; then sheets by district, park, industry and product line."""
    currency = "美元" if result.spec.currency == "usd" else "人民币元"
    rows: list[Sequence[Cell]] = [
        (
            rank,
            e.name,
            e.uscc,
            e.district,
            e.park,
            e.industry,
            e.liaison,
            e.exposed,
            e.own_trade,
            _share(e.share_of_own_trade),
            e.loss,
        )
        for rank, e in enumerate(result.enterprises, start=1)
    ]
    rows.append(("合计", "", "", "", "", "", "", result.total_exposed, "", "", result.total_loss))
    main = table_xlsx(
        title=f"{scenario.name} 受影响企业",
        subtitle=f"{terms_text(scenario, result, partners)}；金额单位：{currency}；"
        f"{LOSS_FORMULAS[scenario.shock]}",
        headers=ENTERPRISE_HEADERS,
        rows=rows,
        widths=[6, 36, 22, 16, 18, 18, 10, 16, 18, 14, 16],
    )
    book = load_workbook(io.BytesIO(main))
    for title, groups in (
        ("分县区", result.by_district),
        ("分园区", result.by_park),
        ("分行业", result.by_industry),
    ):
        _append_groups(book, title, groups)
    sheet = book.create_sheet("商品清单匹配")
    sheet.append(
        [
            "行号",
            "商品编码",
            "加征税率(百分点)",
            "商品说明",
            "匹配编码数",
            "匹配记录数",
            "受影响金额",
        ]
    )
    for line in lines:
        sheet.append(
            [
                line.line,
                line.hs_code,
                line.rate_pp,
                line.note,
                line.codes,
                line.records,
                line.exposed,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append_groups(book: object, title: str, groups: Sequence[GroupRow]) -> None:
    sheet = book.create_sheet(title)  # type: ignore[attr-defined]
    sheet.append([title[1:], "企业数", "受影响金额", "预计损失"])
    for g in groups:
        sheet.append([g.name, g.enterprises, g.exposed, g.loss])
    sheet.append(
        [
            "合计",
            sum(g.enterprises for g in groups),
            sum((g.exposed for g in groups), Decimal(0)),
            sum((g.loss for g in groups), Decimal(0)),
        ]
    )


def scenario_brief(
    *,
    scenario: Scenario,
    result: Exposure,
    partners: str,
    done: str,
    area: str = "全市",
    top: int = 10,
) -> bytes:
    """One page: what the shock is, how much is exposed, the most exposed enterprises."""
    currency = result.spec.currency
    unit = amount_unit(currency, small=True)
    scale = "wan"

    def money(value: Decimal) -> str:
        return f"{scaled(value, scale)}{unit}"

    districts = "、".join(f"{g.name}{money(g.exposed)}" for g in result.by_district[:3])
    paragraphs = [
        f"情景：{terms_text(scenario, result, partners)}。",
        f"{area}受影响{'出口' if result.spec.flow == 'export' else '进口'}"
        f"{money(result.total_exposed)}，占同期{'出口' if result.spec.flow == 'export' else '进口'}"
        f"{percent(result.share_pct)}，涉及企业 {len(result.enterprises)} 家，"
        f"预计损失{money(result.total_loss)}（{LOSS_FORMULAS[scenario.shock]}）。",
    ]
    if districts:
        paragraphs.append(f"受影响较大的县区：{districts}。")
    if done:
        paragraphs.append(f"已采取措施：{done}。")
    rows = [
        (
            str(rank),
            e.name,
            e.district,
            scaled(e.exposed, scale),
            percent(e.share_pct),
            scaled(e.loss, scale),
            e.liaison or "—",
        )
        for rank, e in enumerate(result.enterprises[:top], start=1)
    ]
    return render_official(
        OfficialDocument(
            title="风险敞口简报",
            subtitle=scenario.name,
            paragraphs=paragraphs,
            columns=[
                "序号",
                "企业",
                "县区",
                f"受影响({unit})",
                "依存度",
                f"预计损失({unit})",
                "包联干部",
            ],
            rows=rows,
            widths_cm=[1.2, 5.2, 2.6, 2.2, 1.8, 2.2, 1.8],
            landscape=False,
        )
    )


SCENARIO_WRITER = "risk.scenario"


def scenario_file(*, user: User, scenario: Scenario, result: Exposure) -> ExportFile:
    """The scenario's workbook as `user` sees it, recorded on the scenario and audited."""
    content = scenario_xlsx(
        scenario=scenario,
        result=result,
        partners=selectors.partners_label(scenario),
        lines=selectors.product_lines(scenario, result),
    )
    actions.scenario_export_recorded(actor=user, scenario=scenario, kind="xlsx")
    name = f"{scenario.name}-受影响企业.xlsx"
    return ExportFile(name=name, content=content, rows=len(result.enterprises))


@exporter(SCENARIO_WRITER)
def scenario_writer(
    *, user: User, params: QueryDict, progress: Progress | None = None
) -> ExportFile:
    """The workbook of the scenario `params["pk"]` (one the user sees), by the worker."""
    scenario = get_for_user(Scenario.objects.all(), user, params.get("pk"))
    if progress is not None:
        progress(10, "正在计算受影响企业")
    result = selectors.scenario_exposure(user, scenario)
    if progress is not None:
        progress(60, f"正在写入 Excel 文件（{len(result.enterprises):,} 家企业）")
    return scenario_file(user=user, scenario=scenario, result=result)
