"""Excel exports of the library: an item's matching enterprises with the reasons, an
enterprise's 可享政策, and the 免申即享 ledger (one item's, or every item's with totals per
policy). Rows come from the scoped selectors; the one .xlsx writer (core/lib/xlsx) neutralises
formula-like text; each export writes its audit entry. A long one is written by the worker
(kaifang.core.exports), through `table_for` as the user who asked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404, QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, export_stamp, exporter
from kaifang.core.lib.xlsx import Cell, Styled, table_xlsx
from kaifang.core.models import User
from kaifang.library import selectors
from kaifang.library.models import LedgerEntry, LedgerStatus, Match, Outcome
from kaifang.library.selectors import service
from kaifang.library.selectors.service import PolicyTotal

OUTCOME_FILL = {Outcome.ELIGIBLE: "E3F4E1", Outcome.NEAR: "FFF4D6", Outcome.UNKNOWN: "EEEEEE"}


def _local(value: Any) -> Any:
    return timezone.localtime(value) if value is not None else None


def reasons_text(reasons: Sequence[dict[str, Any]]) -> str:
    marks = {True: "满足", False: "不满足", None: "待核实"}
    return "\n".join(
        f"{marks.get(r.get('met'), '待核实')}｜{r.get('condition', '')}：{r.get('value', '')}"
        for r in reasons
    )


@dataclass(frozen=True)
class Table:
    """One export of the library, before it is written: its rows are read by `rows()`, so
    that a view can count them (`count`) and send a long one to the worker unread."""

    title: str
    headers: Sequence[str]
    rows: Callable[[], Iterable[Sequence[Cell | Styled]]]
    count: int
    action: str
    obj: Any = None
    widths: Sequence[int] | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def table_file(*, actor: User, table: Table) -> ExportFile:
    """The table written to .xlsx, with the export's audit entry."""
    materialised = [list(r) for r in table.rows()]
    content = table_xlsx(
        title=table.title,
        subtitle=export_stamp(actor, len(materialised)),
        headers=table.headers,
        rows=materialised,
        widths=table.widths,
        wrap=True,
    )
    obj = table.obj
    audit.record(
        actor=actor,
        action=table.action,
        obj=obj,
        object_type="" if obj is not None else "library.ledger",
        object_repr="" if obj is not None else f"{table.title}（{len(materialised)} 条）",
        changes={"rows": len(materialised), **table.changes},
    )
    name = f"{table.title}-{timezone.localdate():%Y%m%d}.xlsx"
    return ExportFile(name=name, content=content, rows=len(materialised))


LIBRARY_WRITER = "library.table"
_LEDGER_WIDTHS = [30, 20, 14, 30, 22, 12, 24, 14, 18, 18]


def table_for(user: User, params: QueryDict) -> Table:
    """The export `params["table"]` names (an item's matches or ledger, given `params["pk"]`;
    an enterprise's matches; the ledger across items, of `params["status"]` if given), as
    `user` sees it: the same scoped selectors as the pages."""
    kind, pk = params.get("table", ""), params.get("pk")
    if kind == "item_matches":
        item = selectors.item_for_user(user=user, pk=pk)
        matches = selectors.matches_for_item(user=user, item=item)
        return Table(
            title=f"可享企业-{item.title}",
            headers=ITEM_MATCH_HEADERS,
            rows=lambda: item_match_rows(matches),
            count=matches.count(),
            action="export.library_matches",
            obj=item,
            widths=[30, 22, 12, 16, 8, 60, 18],
        )
    if kind == "enterprise_matches":
        enterprise = selectors.enterprise_for_user(user=user, pk=pk)
        found = selectors.matches_for_enterprise(user=user, enterprise=enterprise)
        return Table(
            title=f"可享政策-{enterprise.name}",
            headers=ENTERPRISE_MATCH_HEADERS,
            rows=lambda: enterprise_match_rows(found),
            count=found.count(),
            action="export.library_matches",
            obj=enterprise,
            widths=[30, 18, 20, 10, 12, 8, 8, 60, 12],
        )
    entries = service.ledger_entries(user=user)
    if kind == "item_ledger":
        item = selectors.item_for_user(user=user, pk=pk)
        entries, obj, changes = entries.filter(item=item), item, {}
        title = f"免申即享台账-{item.title}"
    elif kind == "ledger":
        status = params.get("status", "")
        if status:
            entries = entries.filter(status=status)
        title, obj, changes = "免申即享台账", None, {"status": status}
    else:
        raise Http404("没有这种导出")
    totals = service.ledger_by_policy(entries)
    return Table(
        title=title,
        headers=LEDGER_HEADERS,
        rows=lambda: [*ledger_rows(entries), *ledger_total_rows(totals)],
        count=entries.count() + len(totals) + bool(totals),  # subtotals, then the total
        action="export.library_ledger",
        obj=obj,
        widths=_LEDGER_WIDTHS,
        changes=changes,
    )


@exporter(LIBRARY_WRITER)
def library_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    """An export of the library written by the worker, as `user` (kaifang.core.exports)."""
    table = table_for(user, params)
    if progress is not None:
        progress(10, f"正在写入 Excel 文件（{table.count:,} 行）")
    return table_file(actor=user, table=table)


def item_match_rows(matches: Iterable[Match]) -> list[list[Cell | Styled]]:
    return [
        [
            m.enterprise.name,
            m.enterprise.uscc,
            str(m.enterprise.district or ""),
            str(m.enterprise.park or ""),
            Styled(m.get_outcome_display(), OUTCOME_FILL.get(Outcome(m.outcome), "")),
            reasons_text(m.reasons),
            _local(m.first_seen_at),
        ]
        for m in matches
    ]


ITEM_MATCH_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "县区",
    "园区",
    "结果",
    "逐条理由",
    "首次匹配",
]


def enterprise_match_rows(matches: Iterable[Match]) -> list[list[Cell | Styled]]:
    return [
        [
            m.item.document.title,
            m.item.document.doc_number,
            m.item.title,
            m.item.get_benefit_display(),
            m.item.amount,
            "是" if m.item.no_application else "否",
            Styled(m.get_outcome_display(), OUTCOME_FILL.get(Outcome(m.outcome), "")),
            reasons_text(m.reasons),
            m.item.window_end,
        ]
        for m in matches
    ]


ENTERPRISE_MATCH_HEADERS = [
    "政策文件",
    "文号",
    "支持条款",
    "支持方式",
    "金额（万元）",
    "免申即享",
    "结果",
    "逐条理由",
    "申报截止",
]


def ledger_rows(entries: Iterable[LedgerEntry]) -> list[list[Cell]]:
    return [
        [
            e.item.document.title,
            e.item.title,
            str(e.item.responsible_unit or ""),
            e.enterprise.name,
            e.enterprise.uscc,
            str(e.enterprise.district or ""),
            e.get_status_display(),
            e.amount,
            _local(e.confirmed_at),
            _local(e.paid_at),
        ]
        for e in entries
    ]


LEDGER_HEADERS = [
    "政策文件",
    "支持条款",
    "责任单位",
    "企业名称",
    "统一社会信用代码",
    "县区",
    "状态",
    "金额（万元）",
    "确认时间",
    "兑现时间",
]


def _status_counts(per_status: dict[str, tuple[int, Decimal]], count: int) -> str:
    return "、".join(f"{s.label}{per_status[str(s)][0]}家" for s in LedgerStatus) + f"，共{count}家"


def ledger_total_rows(totals: Sequence[PolicyTotal]) -> list[list[Cell]]:
    """Under the entries: one row per policy item (enterprises per status, 万元 in all), then
    the grand total, so the sheet's totals equal the sums of its rows."""
    out: list[list[Cell]] = []
    grand = {str(s): (0, Decimal(0)) for s in LedgerStatus}
    for t in totals:
        for status in LedgerStatus:
            n, amount = t.per_status[str(status)]
            grand[str(status)] = (grand[str(status)][0] + n, grand[str(status)][1] + amount)
        counts = _status_counts(t.per_status, t.count)
        subtotal: list[Cell] = [f"小计：{t.document_title}", t.item_title, t.responsible_unit]
        out.append([*subtotal, "", "", "", counts, t.amount, "", ""])
    if totals:
        count = sum(n for n, _ in grand.values())
        amount = sum((a for _, a in grand.values()), Decimal(0))
        out.append(["合计", "", "", "", "", "", _status_counts(grand, count), amount, "", ""])
    return out
