"""Gather the monthly briefing's figures for the whole city from the selectors the pages use
(so each figure in the text equals the page it came from) and phrase them the way Chinese
statistical releases do: “1—N月，全市进出口总值X亿元，同比增长Y%……”."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count
from django.utils import timezone

from kaifang.indicators import measures, selectors
from kaifang.indicators.models import COUNT_UNITS, Region, RegionKind
from kaifang.reports.renderers.briefing import Briefing, Section, Table
from kaifang.reports.renderers.charts import Chart, Series
from kaifang.trade.selectors import (
    Query,
    breakdown,
    new_exporters,
    stopped_traders,
    top_rows,
    trend,
)

YI = Decimal(100_000_000)
WAN = Decimal(10_000)
CITY_NAME = "全市"


def one(value: Decimal | None, places: int = 1) -> str:
    """Rounded half-up as statistical releases print (one decimal by default)."""
    if value is None:
        return "—"
    step = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(step, rounding=ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:.{places}f}"


def change(value: Decimal | None) -> str:
    """增长Y% / 下降Y% / 持平."""
    if value is None:
        return "上年同期无可比数据"
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded > 0:
        return f"增长{rounded:.1f}%"
    if rounded < 0:
        return f"下降{-rounded:.1f}%"
    return "与上年同期持平"


def yoy(value: Decimal | None) -> str:
    """The year-on-year clause after an amount: 同比增长Y% / 同比下降Y%, but 与上年同期持平 and
    上年同期无可比数据 stand alone (同比 before them would say it twice)."""
    text = change(value)
    return f"同比{text}" if text[:2] in ("增长", "下降") else text


def amount(value: Decimal | None, unit: str) -> str:
    """An indicator's value as the text prints it: whole for counts, one decimal otherwise."""
    return one(value, 0 if unit in COUNT_UNITS else 1)


def span(month: int) -> str:
    return "1月" if month == 1 else f"1—{month}月"


def _yi(value: Decimal) -> str:
    return one(value / YI)


def headline(year: int, month: int) -> dict[str, Any]:
    """The lead's figures: 进出口, 出口, 进口 (official series where present), the province's
    growth and the city's rank among peers."""
    city = selectors.city_region()
    memo: dict[Any, Any] = {}
    out: dict[str, Any] = {"source": "企业进出口记录"}
    for code in ("trade_total", "export", "import"):
        indicator = selectors.indicators().filter(code=code).first()
        if indicator is None or city is None:
            continue
        out[code] = selectors.line(indicator, city, year, month, memo)
        out["source"] = out[code].figure.source
    trade_total = selectors.indicators().filter(code="trade_total").first()
    out["peers"] = selectors.peers(trade_total, year, month, memo) if trade_total else None
    return out


def lead_text(year: int, month: int, h: dict[str, Any]) -> str:
    total, export, import_ = h.get("trade_total"), h.get("export"), h.get("import")
    if total is None or total.figure.ytd is None:
        return f"{span(month)}，{CITY_NAME}进出口数据暂缺。"
    text = (
        f"{span(month)}，{CITY_NAME}进出口总值{one(total.figure.ytd)}亿元，"
        f"{yoy(total.figure.ytd_yoy)}"
    )
    peers = h.get("peers")
    if peers is not None:
        above = peers.above_province_pp
        if above is not None:
            word = "高于" if above >= 0 else "低于"
            text += f"，增速{word}全省{one(abs(above))}个百分点"
        if peers.city is not None and peers.city.rank is not None:
            text += f"、在对标城市中居第{peers.city.rank.rank}位"
    text += "。"
    if export is not None and import_ is not None:
        text += (
            f"其中，出口{one(export.figure.ytd)}亿元，{change(export.figure.ytd_yoy)}；"
            f"进口{one(import_.figure.ytd)}亿元，{change(import_.figure.ytd_yoy)}。"
        )
    if total.target is not None:
        text += (
            f"完成年度目标{one(total.target)}亿元的{one(total.progress.done_pct)}%，"
            f"{total.progress.label}。"
        )
    return text


def _rows_table(title: str, label: str, rows: list[Any], limit: int = 10) -> Table:
    return Table(
        title=title,
        columns=[label, "累计(亿元)", "同比(%)", "占比(%)", "拉动(百分点)"],
        rows=[
            [r.name, _yi(r.ytd), one(r.yoy_pct), one(r.share_pct), one(r.contribution_pp)]
            for r in rows[:limit]
        ],
    )


def _line_rows(lines: list[selectors.Line]) -> list[list[Any]]:
    rows = []
    for ln in lines:
        f = ln.figure
        rows.append(
            [
                ln.indicator.name,
                ln.indicator.unit,
                amount(f.month, ln.indicator.unit),
                amount(f.ytd, ln.indicator.unit),
                one(f.ytd_yoy),
                amount(ln.target, ln.indicator.unit),
                one(ln.progress.done_pct),
            ]
        )
    return rows


def _num(value: Decimal | None) -> float | None:
    """A chart value rounded as the tables print it (one decimal), so both read the same."""
    return None if value is None else float(one(value))


def monthly_chart(year: int, month: int) -> Chart | None:
    """当月出口 and 进口 for January to the report month, stacked, and last year's same months
    as a line (亿元): the trade overview's monthly trend, city-wide."""
    points = trend(viewer=None, end=dt.date(year, month, 1), currency="cny", months=12 + month)
    now, before = points[12:], points[:month]
    if not any(p.total for p in now):
        return None
    return Chart(
        title=f"{span(month)}{CITY_NAME}月度进出口",
        kind="columns",
        labels=[f"{p.period.month}月" for p in now],
        series=[
            Series("出口", [_num(p.export / YI) for p in now]),
            Series("进口", [_num(p.import_ / YI) for p in now]),
        ],
        line=Series(f"{year - 1}年同月进出口", [_num(p.total / YI) for p in before]),
        unit="亿元",
        notes=("数据来源：企业进出口记录。",),
    )


def ranked_chart(
    title: str, rows: list[tuple[str, Decimal | None]], unit: str, highlight: str | None = None
) -> list[Chart]:
    """Horizontal bars, largest on top; no chart when there is nothing to draw."""
    if not rows:
        return []
    return [
        Chart(
            title=title,
            kind="bars",
            labels=[name for name, _ in rows],
            series=[Series(unit, [_num(v) for _, v in rows])],
            unit=unit,
            highlight=highlight,
        )
    ]


def _number(sections: list[Section]) -> None:
    """图1, 图2 … and 表1, 表2 … in the order they are printed (a module that is absent
    leaves no gap in the numbers)."""
    charts = tables = 0
    for part in sections:
        numbered = []
        for chart in part.charts:
            charts += 1
            numbered.append(replace(chart, title=f"图{charts}　{chart.title}"))
        part.charts = numbered
        for table in part.tables:
            tables += 1
            table.title = f"表{tables}　{NUMBERED.sub('', table.title)}"


NUMBERED = re.compile(r"^表\d+　")


LINE_COLUMNS = ["指标", "单位", "本月", "累计", "累计同比(%)", "年度目标", "完成(%)"]


def build(year: int, month: int, *, today: dt.date | None = None) -> Briefing:
    today = today or timezone.localdate()
    q = Query(year=year, month=month, flow="total", currency="cny")
    h = headline(year, month)
    city = selectors.city_region()
    memo: dict[Any, Any] = {}
    tables: dict[Any, Any] = {}
    sections: list[Section] = []

    # 一、外贸进出口
    trade_lines = [h[c] for c in ("trade_total", "export", "import") if c in h]
    first = Section("一、外贸进出口")
    first.paragraphs.append(
        f"数据来源：{h['source']}。序时进度{one(measures.elapsed_pct(month))}%。"
    )
    first.tables.append(
        Table(f"表1　{span(month)}{CITY_NAME}外贸主要指标", LINE_COLUMNS, _line_rows(trade_lines))
    )
    monthly = monthly_chart(year, month)
    first.charts = [] if monthly is None else [monthly]
    sections.append(first)

    # 二、分市场
    groups = breakdown(viewer=None, by="group", q=q, memo=tables)
    partners = breakdown(viewer=None, by="partner", q=q, memo=tables)
    market = Section("二、分市场情况")
    if partners.rows:
        top = "、".join(
            f"{r.name}{_yi(r.ytd)}亿元（{change(r.yoy_pct)}）" for r in partners.rows[:3]
        )
        market.paragraphs.append(f"{span(month)}，前三大贸易伙伴依次为{top}。")
    market.charts = ranked_chart(
        f"{span(month)}分国别（地区）分组进出口",
        [(r.name, r.ytd / YI) for r in groups.rows[:10]],
        "亿元",
    )
    market.tables.append(_rows_table("表2　分国别（地区）分组", "分组", groups.rows))
    market.tables.append(_rows_table("表3　前十大贸易伙伴", "国别（地区）", partners.rows))
    sections.append(market)

    # 三、分商品和行业
    chapters = breakdown(viewer=None, by="hs2", q=q, memo=tables)
    industries = breakdown(viewer=None, by="industry", q=q, level=2, memo=tables)
    goods = Section("三、分商品和行业情况")
    if industries.rows:
        r = industries.rows[0]
        goods.paragraphs.append(
            f"按行业大类，{r.name}进出口{_yi(r.ytd)}亿元，占{one(r.share_pct)}%，"
            f"拉动{CITY_NAME}外贸增长{one(r.contribution_pp)}个百分点。"
        )
    goods.tables.append(_rows_table("表4　分商品（HS章）", "商品", chapters.rows))
    goods.tables.append(_rows_table("表5　分行业（GB/T 4754 大类）", "行业", industries.rows))
    sections.append(goods)

    # 四、分县区和园区
    place = Section("四、分县区和园区情况")
    trade_total = selectors.indicators().filter(code="trade_total").first()
    district_rows = []
    district_chart_rows: list[tuple[str, Decimal | None]] = []
    if trade_total is not None and city is not None:
        for d in _all_districts(trade_total, year, month, memo):
            f = d.figure
            district_chart_rows.append((d.region.name, f.ytd))
            district_rows.append(
                [
                    d.region.name,
                    one(f.ytd),
                    one(f.ytd_yoy),
                    one(d.share_pct),
                    one(d.contribution_pp),
                    one(d.progress.done_pct),
                ]
            )
    place.charts = ranked_chart(
        f"{span(month)}各县区进出口",
        district_chart_rows,
        "亿元",
    )
    place.tables.append(
        Table(
            "表6　分县区",
            ["县区", "累计(亿元)", "同比(%)", "占比(%)", "拉动(百分点)", "目标完成(%)"],
            district_rows,
        )
    )
    parks = breakdown(viewer=None, by="park", q=q, memo=tables)
    place.tables.append(_rows_table("表7　分园区", "园区", [r for r in parks.rows if r.key != "-"]))
    sections.append(place)

    # 五、外贸主体
    firms = Section("五、外贸主体")
    new = new_exporters(viewer=None, q=Query(year, month, "export", "cny"))
    stopped = stopped_traders(viewer=None, q=q)
    firms.paragraphs.append(
        f"{span(month)}，新增出口实绩企业{len(new)}家；连续3个月以上无进出口的企业{len(stopped)}家。"
    )
    leaders = top_rows(viewer=None, by="enterprise", q=q, limit=10, memo=tables)
    firms.tables.append(_rows_table("表8　进出口前十企业", "企业", leaders))
    sections.append(firms)

    # 六、利用外资和对外投资 / 七、消费
    for heading, codes, number in (
        ("六、利用外资和对外投资", ("fdi", "odi", "new_fie"), 9),
        ("七、消费", ("retail", "online_retail", "cbec"), 10),
    ):
        part = Section(heading)
        lines = (
            [
                selectors.line(ind, city, year, month, memo)
                for ind in selectors.indicators().filter(code__in=codes)
            ]
            if city is not None
            else []
        )
        for ln in lines:
            if ln.figure.ytd is not None:
                part.paragraphs.append(
                    f"{span(month)}，{CITY_NAME}{ln.indicator.name}"
                    f"{amount(ln.figure.ytd, ln.indicator.unit)}"
                    f"{ln.indicator.unit}，{yoy(ln.figure.ytd_yoy)}。"
                )
        part.tables.append(Table(f"表{number}　{heading[2:]}", LINE_COLUMNS, _line_rows(lines)))
        sections.append(part)

    # 八、开放平台和园区
    sections.append(_zones_section(year, today))

    # 九、与对标城市比较
    peers = h.get("peers")
    comparison = Section("九、与对标城市比较")
    if peers is not None:
        rows = []
        for p in peers.rows:
            f = p.figure
            rows.append(
                [
                    p.region.name,
                    one(f.ytd),
                    one(f.ytd_yoy),
                    "" if p.rank is None else str(p.rank.rank),
                    ""
                    if p.rank is None or p.rank.gap_to_above is None
                    else one(p.rank.gap_to_above),
                ]
            )
        comparison.charts = ranked_chart(
            f"{span(month)}对标地区进出口增速",
            sorted(
                (
                    (p.region.name, p.figure.ytd_yoy)
                    for p in peers.rows
                    if p.figure.ytd_yoy is not None
                ),
                key=lambda pair: -(pair[1] or 0),
            ),
            "%",
            highlight=peers.city.region.name if peers.city is not None else None,
        )
        comparison.tables.append(
            Table(
                "表11　进出口总额对标",
                ["地区", "累计(亿元)", "同比(%)", "增速排名", "与前一位差距(百分点)"],
                rows,
            )
        )
        if peers.city is not None and peers.city.rank is not None:
            r = peers.city.rank
            text = f"{CITY_NAME}外贸增速在对标城市中居第{r.rank}位"
            if r.gap_to_above is not None:
                text += f"，低于{r.above}{one(r.gap_to_above)}个百分点"
            if r.gap_to_best:
                text += f"，与最高者相差{one(r.gap_to_best)}个百分点"
            comparison.paragraphs.append(text + "。")
    sections.append(comparison)

    sections.append(_supervision_section(today))
    sections.append(_appeals_section(year, month))
    _number(sections)
    return Briefing(
        title="对外开放工作月报",
        number_line=(
            f"{year}年第{month}期　　{_bureau_name()}　　{today.year}年{today.month}月{today.day}日"
        ),
        lead=lead_text(year, month, h),
        sections=sections,
        footer_note="注：本月报金额按人民币计；海关统计数据发布后以海关统计为准，企业明细数据用于分析构成。",
    )


def _bureau_name() -> str:
    from kaifang.core.models import Unit, UnitKind

    bureau = Unit.objects.filter(kind=UnitKind.BUREAU).first()
    return bureau.name if bureau else "市商务局"


def _all_districts(
    indicator: Any, year: int, month: int, memo: dict[Any, Any]
) -> list[selectors.DistrictRow]:
    every = list(Region.objects.filter(kind=RegionKind.DISTRICT, is_active=True))
    figures = {r.pk: selectors.figure(indicator, r, year, month, memo) for r in every}
    total = sum((f.ytd or Decimal(0) for f in figures.values()), Decimal(0))
    total_prev = sum((f.ytd_prev or Decimal(0) for f in figures.values()), Decimal(0))
    rows = []
    for region in every:
        f = figures[region.pk]
        target = selectors.target_for(indicator, region, year)
        rows.append(
            selectors.DistrictRow(
                region=region,
                figure=f,
                share_pct=None if not total or f.ytd is None else f.ytd / total * 100,
                contribution_pp=measures.contribution_pp(f.ytd, f.ytd_prev, total_prev),
                progress=measures.progress(f.ytd, None if target is None else target.value, month),
            )
        )
    rows.sort(key=lambda r: -(r.figure.ytd or Decimal(0)))
    return rows


def _zones_section(year: int, today: dt.date) -> Section:
    """Platforms by status with their next milestone, parks against their tiers and output
    targets, the project pipeline: the whole city, as the zones pages show it to a leader."""
    part = Section("八、开放平台和园区")
    if not apps.is_installed("kaifang.zones"):
        part.paragraphs.append("开放平台模块尚未启用；园区外贸情况见分园区表。")
        return part
    from kaifang.zones.models import (
        Park,
        ParkOutput,
        ParkTier,
        Platform,
        PlatformMilestone,
        PlatformStatus,
        Project,
        Stage,
        ZoneSettings,
    )
    from kaifang.zones.selectors import milestone_light, stuck_q

    platforms = list(Platform.objects.select_related("kind").order_by("kind__order", "name"))
    if platforms:
        status = {value: 0 for value, _label in PlatformStatus.choices}
        for platform in platforms:
            status[platform.status] += 1
        steps = PlatformMilestone.objects.filter(done_on__isnull=True)
        overdue = steps.filter(due__lt=today).count()
        done = PlatformMilestone.objects.filter(done_on__year=today.year).count()
        part.paragraphs.append(
            f"截至{today.month}月{today.day}日，{CITY_NAME}开放平台{len(platforms)}个，其中运营"
            f"{status[PlatformStatus.OPERATING]}个、建设{status[PlatformStatus.BUILDING]}个、"
            f"获批{status[PlatformStatus.APPROVED]}个、申建{status[PlatformStatus.APPLYING]}个、"
            f"谋划{status[PlatformStatus.PLANNING]}个"
            + (
                f"、暂缓{status[PlatformStatus.SUSPENDED]}个"
                if status[PlatformStatus.SUSPENDED]
                else ""
            )
            + f"；今年完成节点{done}个，逾期未完成{overdue}个。"
        )
        nexts: dict[int, PlatformMilestone] = {}
        for open_step in steps.order_by("due", "id"):
            nexts.setdefault(open_step.platform_id, open_step)
        warn = ZoneSettings.current().milestone_warn_days
        lights = {"green": "已完成", "red": "逾期", "yellow": "临期", "blue": "正常推进"}
        rows: list[list[Any]] = []
        for platform in platforms:
            step = nexts.get(platform.pk)
            rows.append(
                [
                    platform.name,
                    platform.get_status_display(),
                    step.title if step else "—",
                    f"{step.due:%Y-%m-%d}" if step else "—",
                    lights[milestone_light(step, today=today, warn_days=warn)] if step else "—",
                ]
            )
        part.tables.append(
            Table("开放平台及下一节点", ["平台", "状态", "下一节点", "计划完成", "亮灯"], rows)
        )
    else:
        part.paragraphs.append("尚未登记开放平台。")

    parks = list(Park.objects.order_by("name"))
    if parks:
        outputs = {o.park_id: o for o in ParkOutput.objects.filter(year=year)}
        floors = {ParkTier.TEN_BILLION: Decimal(100), ParkTier.HUNDRED_BILLION: Decimal(1000)}
        tiers = {tier: [p for p in parks if p.tier == tier] for tier in floors}
        reached = {
            tier: sum(
                1
                for p in members
                if p.pk in outputs and (outputs[p.pk].output or 0) >= floors[tier]
            )
            for tier, members in tiers.items()
        }
        text = (
            f"{CITY_NAME}园区{len(parks)}个，其中千亿级目标园区"
            f"{len(tiers[ParkTier.HUNDRED_BILLION])}个（已达{reached[ParkTier.HUNDRED_BILLION]}个）、"
            f"百亿级目标园区{len(tiers[ParkTier.TEN_BILLION])}个"
            f"（已达{reached[ParkTier.TEN_BILLION]}个）"
        )
        paired = [o for o in outputs.values() if o.output is not None and o.target]
        if paired:
            total = sum((o.output or Decimal(0) for o in paired), Decimal(0))
            aim = sum((o.target or Decimal(0) for o in paired), Decimal(0))
            text += (
                f"；{year}年已报营业收入/产值{one(total)}亿元，"
                f"完成目标{one(aim)}亿元的{one(total / aim * 100)}%"
            )
        part.paragraphs.append(text + "。")
        rows = []
        for p in parks:
            o = outputs.get(p.pk)
            rows.append(
                [
                    p.name,
                    p.get_tier_display() if p.tier else "—",
                    one(o.output) if o else "—",
                    one(o.target) if o else "—",
                    one(o.progress_pct) if o else "—",
                ]
            )
        part.tables.append(
            Table(
                f"园区{year}年营业收入/产值",
                ["园区", "目标层级", "营业收入/产值(亿元)", "目标(亿元)", "完成(%)"],
                rows,
            )
        )

    projects = Project.objects.order_by()
    counts = {r["stage"]: r["n"] for r in projects.values("stage").annotate(n=Count("id"))}
    if counts:
        total = sum(counts.values())
        terminated = counts.get(Stage.TERMINATED, 0)
        active = total - terminated - counts.get(Stage.OPERATING, 0)
        part.paragraphs.append(
            f"招商项目{total}个，其中线索和洽谈"
            f"{counts.get(Stage.LEAD, 0) + counts.get(Stage.TALKS, 0)}个、签约和注册"
            f"{counts.get(Stage.SIGNED, 0) + counts.get(Stage.REGISTERED, 0)}个、开工"
            f"{counts.get(Stage.STARTED, 0)}个、投产/运营{counts.get(Stage.OPERATING, 0)}个"
            + (f"、终止{terminated}个" if terminated else "")
            + f"；在推进的{active}个项目中停滞{projects.filter(stuck_q(today)).count()}个。"
        )
    return part


def _supervision_section(today: dt.date) -> Section:
    part = Section("十、督查督办")
    if not apps.is_installed("kaifang.supervision"):
        part.paragraphs.append("督查督办模块尚未启用。")
        return part
    from kaifang.supervision.models import Light
    from kaifang.supervision.selectors import task_queryset, with_light

    counts = {value: 0 for value, _label in Light.choices}
    for task in with_light(task_queryset(), today=today):
        light = str(getattr(task, "light", ""))
        counts[light] = counts.get(light, 0) + 1
    total = sum(counts.values())
    part.paragraphs.append(
        f"截至{today.month}月{today.day}日，督办事项共{total}项，其中已办结{counts['green']}项、"
        f"正常推进{counts['blue']}项、临期预警{counts['yellow']}项、逾期{counts['red']}项。"
    )
    part.tables.append(
        Table(
            "表12　督办事项亮灯情况",
            ["亮灯", "事项数"],
            [[str(label), counts[value]] for value, label in Light.choices],
        )
    )
    return part


def _appeals_section(year: int, month: int) -> Section:
    part = Section("十一、企业诉求办理")
    if not apps.is_installed("kaifang.servicedesk"):
        part.paragraphs.append("企业服务模块尚未启用。")
        return part
    from kaifang.servicedesk import stats
    from kaifang.servicedesk.models import Appeal

    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    row = stats.tally(stats.registered_between(Appeal.objects.all(), start, end))
    rate = "—" if row.on_time_rate is None else f"{row.on_time_rate:.1f}%"
    satisfaction = "—" if row.satisfaction is None else f"{row.satisfaction:.2f}分"
    part.paragraphs.append(
        f"{month}月，受理企业诉求{row.volume}件，办结{row.resolved}件，按期办结率{rate}，"
        f"满意度{satisfaction}（5分制），在办{row.open}件。"
    )
    return part
