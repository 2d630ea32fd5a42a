"""Excel exports of the library: an item's matching enterprises with the reasons, an
enterprise's 可享政策, and the 免申即享 ledger (one item's, or every item's with totals per
policy). Rows come from the scoped selectors; the one .xlsx writer (core/lib/xlsx) neutralises
formula-like text; each export writes its audit entry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.xlsx import Cell, Styled, table_xlsx
from kaifang.core.models import User
from kaifang.library.models import LedgerEntry, LedgerStatus, Match, Outcome
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


def download(
    *,
    actor: User,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell | Styled]],
    action: str,
    obj: Any = None,
    widths: Sequence[int] | None = None,
    changes: dict[str, Any] | None = None,
) -> HttpResponse:
    materialised = [list(r) for r in rows]
    content = table_xlsx(
        title=title,
        subtitle=(
            f"导出时间 {timezone.localtime():%Y-%m-%d %H:%M}，共 {len(materialised)} 条，"
            f"导出人 {actor.display_name}"
        ),
        headers=headers,
        rows=materialised,
        widths=widths,
        wrap=True,
    )
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        object_type="" if obj is not None else "library.ledger",
        object_repr="" if obj is not None else f"{title}（{len(materialised)} 条）",
        changes={"rows": len(materialised), **(changes or {})},
    )
    return file_download(content=content, filename=f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


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
