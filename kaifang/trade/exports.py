"""外贸分析 exports: the table a page shows as an Excel file, with its audit entry. The
drill-down's records and a breakdown's table are also written by the worker when they are
long (kaifang.core.exports); both paths run the same writer as the same user."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.http import Http404, QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, export_stamp, exporter
from kaifang.core.lib.xlsx import Cell, table_xlsx
from kaifang.core.models import Partner, User
from kaifang.trade.models import Flow
from kaifang.trade.selectors import SPANS, Breakdown, drill_records, drill_totals
from kaifang.trade.selectors.breakdown import named_rows
from kaifang.trade.selectors.records import SHOWN_FIELDS
from kaifang.trade.views.setup import Setup, breakdown_for, money_header, records_for, subtitle

RECORDS_WRITER = "trade.records"
BREAKDOWN_WRITER = "trade.breakdown"
# a breakdown's figure columns after its name and code, {unit} the money's (`breakdown_rows`)
_FIGURE_HEADERS = (
    "当月({unit})",
    "上年同月({unit})",
    "当月同比(%)",
    "上月({unit})",
    "环比(%)",
    "累计({unit})",
    "上年同期累计({unit})",
    "累计同比(%)",
    "占比(%)",
    "拉动(百分点)",
)
BREAKDOWN_COLUMNS = 2 + len(_FIGURE_HEADERS)
RECORDS_HEADERS = (
    "年月",
    "企业",
    "统一社会信用代码/海关编码",
    "进出口",
    "商品编码",
    "国别代码",
    "国别(地区)",
    "贸易方式",
    "美元",
    "人民币(元)",
)
# Rows read between two progress reports of a background export.
PROGRESS_EVERY = 2_000


def xlsx_file(
    *,
    user: User,
    slug: str,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: list[Sequence[Cell]],
    changes: dict[str, Any],
) -> ExportFile:
    stamp = export_stamp(user)
    content = table_xlsx(
        title=title,
        subtitle=f"{subtitle}　{stamp}",
        headers=headers,
        rows=rows,
        widths=[28] + [16] * (len(headers) - 1),
    )
    audit.record(
        actor=user,
        action=f"export.trade_{slug}",
        object_type="trade.customsrecord",
        object_repr=f"{title}（{len(rows)} 行）",
        changes={**changes, "rows": len(rows)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # named as the table is titled (外贸分析-分国别（地区）-20261205-1030.xlsx), like the other
    # apps' exports; characters a file name cannot hold become "-"
    name = re.sub(r"[\\/:*?\"<>|：]+", "-", title)
    return ExportFile(name=f"{name}-{stamp}.xlsx", content=content, rows=len(rows))


@exporter(RECORDS_WRITER)
def records_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    """The drill-down's records in the page's order, with the total row."""
    setup, span, qs = records_for(user, params)
    if qs is None or setup.q is None:
        raise Http404("还没有可导出的数据")
    summary = drill_totals(viewer=setup.user, q=setup.q, span=span, keys=setup.keys)
    # every matching record is read: the plan is chosen for that depth, as a page's is for
    # its own (the default plan walked a trade mode's whole value index for a liaison
    # officer's 3,514 records of a month: 14.7 s against 79 ms at 5.6 M records)
    qs = drill_records(
        viewer=setup.user,
        q=setup.q,
        span=span,
        keys=setup.keys,
        depth=max(summary.count, 1),
        matching=summary.count,
    )
    names = dict(Partner.objects.values_list("code", "name_zh"))
    flows = dict(Flow.choices)
    rows: list[Sequence[Cell]] = []
    # tuples of the fields the plan carries (SHOWN_FIELDS), not model instances: building each
    # record and its firm was most of the reading
    read = qs.values_list(*SHOWN_FIELDS).iterator(chunk_size=2000)
    for period, flow, hs_code, partner, mode, usd, cny, firm, uscc, customs_code in read:
        rows.append(
            (
                period.strftime("%Y-%m"),
                firm,
                uscc or customs_code or "",
                flows.get(flow, flow),
                hs_code,
                partner,
                names.get(partner, ""),
                mode,
                usd,
                cny,
            )
        )
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            # reading is about four fifths of the work; writing the workbook the rest
            done = 80 * len(rows) / max(summary.count, 1)
            progress(done, f"已读取 {len(rows):,} / {summary.count:,} 条明细")
    if progress is not None:
        progress(80, f"正在写入 Excel 文件（{len(rows):,} 行）")
    records = len(rows)
    rows.append(("合计", "", "", "", "", "", "", "", summary.usd, summary.cny))
    written = xlsx_file(
        user=setup.user,
        slug="records",
        title=f"外贸明细（{SPANS[span]}）",
        subtitle=subtitle(setup.q, setup.keys),
        headers=RECORDS_HEADERS,
        rows=rows,
        changes={"span": span, **setup.q.params(), **setup.keys.params()},
    )
    return replace(written, rows=records)  # the records, not the total row


def breakdown_rows(table: Breakdown) -> tuple[list[str], list[Sequence[Cell]]]:
    """A breakdown's headers and rows as the page shows them, the total row last."""
    unit = money_header(table.query)
    headers = [table.label, "代码", *(header.format(unit=unit) for header in _FIGURE_HEADERS)]
    rows: list[Sequence[Cell]] = []
    for r in [*table.rows, table.total]:
        s = r.sums
        rows.append(
            [
                r.name,
                r.key,
                s.month,
                s.month_prev,
                r.month_yoy_pct,
                s.prev_month,
                r.mom_pct,
                s.ytd,
                s.ytd_prev,
                r.yoy_pct,
                r.share_pct,
                r.contribution_pp,
            ]
        )
    return headers, rows


def breakdown_xlsx(*, setup: Setup, by: str, table: Breakdown) -> ExportFile:
    """The breakdown's table as the page's export, every row named (the page names the rows it
    shows; naming the city's 5,692 codes is spent only on a file), with its audit
    entry."""
    rows_named = named_rows(by, table.rows)
    if rows_named is not table.rows:  # the same list when no name changed
        table = replace(table, rows=rows_named)
    headers, rows = breakdown_rows(table)
    return xlsx_file(
        user=setup.user,
        slug=f"by-{by}",
        title=f"外贸分析：分{table.label}",
        subtitle=subtitle(table.query, setup.keys),
        headers=headers,
        rows=rows,
        changes={"by": by, **table.query.params(), **setup.keys.params()},
    )


@exporter(BREAKDOWN_WRITER)
def breakdown_file(
    *, user: User, params: QueryDict, progress: Progress | None = None
) -> ExportFile:
    """A breakdown's table (`params["by"]` and the page's query) as the user sees it."""
    if progress is not None:
        progress(10, "正在汇总")
    setup, table = breakdown_for(user, params, params.get("by", ""))
    if table is None:
        raise Http404("还没有可导出的数据")
    if progress is not None:
        progress(50, f"正在写入 Excel 文件（{len(table.rows) + 1:,} 行）")
    return breakdown_xlsx(setup=setup, by=table.by, table=table)
