"""Evaluate a support item's conditions against one enterprise's facts. Pure: no Django.

Each condition is a dict with a "type"; each answers met (True), not met (False) or unknown
(None, for lack of data) with a Chinese reason. Missing data is never silently eligible: an
enterprise is eligible only when every condition is met; any condition not met rules it out;
otherwise it is unknown (待核实). A ruling out by trade thresholds alone and within a small
margin is a near-miss, explained ("出口增长 8.0%，差 2.0 个百分点").

Condition types:
    industry      {"codes": ["C", "C39", "F51"]}     GB/T 4754 code prefixes
    district      {"units": [id, ...]}               the enterprise's district
    park          {"units": [id, ...]}
    tag           {"names": ["跨境电商", ...]}        any of
    ownership     {"values": ["private", ...]}
    size          {"values": ["small", "micro"]}
    exports       {"min": "500", "start": "2026-01", "end": "2026-06"}   万美元 in the period
    export_growth {"min": "10", "start": "2026-01", "end": "2026-06"}    % over the same months
                                                                          a year earlier
    new_exporter  {"year": 2026}     first export month in the year, none in the 12 before it
    fair          {"fairs": [id, ...]}   took part in any of the named fairs (参展); a fair
                                         whose exhibitor list is not imported yet is unknown
Periods are whole months, both ends included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

TEN_THOUSAND = Decimal(10000)
GROWTH_MARGIN_PP = Decimal(5)  # a growth short by up to 5 points is a near-miss
AMOUNT_MARGIN = Decimal("0.2")  # exports short by up to 20 % of the threshold likewise

TYPES = {
    "industry": "所属行业",
    "district": "所属县区",
    "park": "所在园区",
    "tag": "企业标签",
    "ownership": "企业性质",
    "size": "企业规模",
    "exports": "出口额",
    "export_growth": "出口增长",
    "new_exporter": "新增出口企业",
    "fair": "参加展会",
}
TRADE_TYPES = {"exports", "export_growth", "new_exporter"}


@dataclass(frozen=True)
class Facts:
    """What the register and the customs data say of one enterprise. `exports` maps a month
    (first day) to its export value in USD; `covered` is the set of months for which the city
    has customs data at all (a month outside it is unknown, not zero). `fairs` are the fairs the
    enterprise exhibited at; `fairs_known` the fairs whose exhibitor list has been imported (an
    enterprise missing from a list that is not there yet is unknown, not absent)."""

    district_id: int | None = None
    park_id: int | None = None
    industry_code: str = ""
    tags: frozenset[str] = frozenset()
    ownership: str = ""
    size: str = ""
    exports: Mapping[dt.date, Decimal] = field(default_factory=dict)
    covered: frozenset[dt.date] = frozenset()
    fairs: frozenset[int] = frozenset()
    fairs_known: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Reason:
    condition: str
    met: bool | None
    value: str
    near: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"condition": self.condition, "met": self.met, "value": self.value}


@dataclass(frozen=True)
class Result:
    eligible: bool | None
    near: bool
    reasons: list[Reason]


def month(text: str) -> dt.date:
    """ "2026-03" → 2026-03-01 (ValueError otherwise)."""
    year, mon = text.strip().split("-")[:2]
    return dt.date(int(year), int(mon), 1)


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    current = start
    while current <= end:
        out.append(current)
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def year_before(day: dt.date) -> dt.date:
    return dt.date(day.year - 1, day.month, 1)


def _label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def _period_label(start: dt.date, end: dt.date) -> str:
    if start == end:
        return _label(start)
    if start.year == end.year:
        return f"{start.year}年{start.month}–{end.month}月"
    return f"{_label(start)}至{_label(end)}"


def _fmt(value: Decimal, places: int = 1) -> str:
    return f"{value:,.{places}f}"


def _missing(needed: Iterable[dt.date], covered: frozenset[dt.date]) -> list[dt.date]:
    return [m for m in needed if m not in covered]


def _sum(facts: Facts, period: Sequence[dt.date]) -> Decimal:
    return sum((facts.exports.get(m, Decimal(0)) for m in period), Decimal(0))


def _choice(
    label: str, have: str | int | None, wanted: Iterable[Any], names: Mapping[str, str]
) -> Reason:
    wanted_set = {str(w) for w in wanted}
    if have in (None, ""):
        return Reason(label, met=None, value="未登记")
    shown = names.get(str(have), str(have))
    return Reason(label, met=str(have) in wanted_set, value=shown)


def evaluate_one(
    condition: Mapping[str, Any], facts: Facts, names: Mapping[str, str] | None = None
) -> Reason:
    """The answer of one condition for one enterprise. `names` turns codes and unit ids into
    names for the reasons."""
    names = names or {}
    kind = str(condition.get("type", ""))
    label = TYPES.get(kind, kind)
    if kind == "industry":
        if not facts.industry_code:
            return Reason(label, met=None, value="未登记行业")
        codes = [str(c).upper() for c in condition.get("codes", [])]
        shown = names.get(facts.industry_code, facts.industry_code)
        return Reason(label, met=any(facts.industry_code.startswith(c) for c in codes), value=shown)
    if kind in {"district", "park"}:
        have = facts.district_id if kind == "district" else facts.park_id
        return _choice(label, have, condition.get("units", []), names)
    if kind == "tag":
        if not facts.tags:
            return Reason(label, met=None, value="未登记标签")
        wanted = {str(n) for n in condition.get("names", [])}
        hit = sorted(facts.tags & wanted)
        return Reason(
            label, met=bool(hit), value="、".join(hit) if hit else "、".join(sorted(facts.tags))
        )
    if kind in {"ownership", "size"}:
        value = facts.ownership if kind == "ownership" else facts.size
        return _choice(label, value, condition.get("values", []), names)
    if kind == "exports":
        return _exports(label, condition, facts)
    if kind == "export_growth":
        return _growth(label, condition, facts)
    if kind == "new_exporter":
        return _new_exporter(label, condition, facts)
    if kind == "fair":
        return _fair(label, condition, facts, names)
    return Reason(label, met=None, value=f"未知条件类型 {kind}")


def _fair_name(fair_id: int, names: Mapping[str, str]) -> str:
    return names.get(f"fair:{fair_id}", f"展会 {fair_id}")


def _fair(
    label: str, condition: Mapping[str, Any], facts: Facts, names: Mapping[str, str]
) -> Reason:
    wanted = [int(f) for f in condition.get("fairs", [])]
    hit = [f for f in wanted if f in facts.fairs]
    if hit:
        return Reason(
            label, met=True, value="参加了" + "、".join(_fair_name(f, names) for f in hit)
        )
    missing = [f for f in wanted if f not in facts.fairs_known]
    if missing:
        shown = "、".join(_fair_name(f, names) for f in missing)
        return Reason(label, met=None, value=f"{shown}参展名单尚未导入")
    return Reason(
        label, met=False, value="未参加" + "、".join(_fair_name(f, names) for f in wanted)
    )


def _period(condition: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    start, end = month(str(condition["start"])), month(str(condition["end"]))
    if end < start:
        raise ValueError("period ends before it starts")
    return start, end


def _exports(label: str, condition: Mapping[str, Any], facts: Facts) -> Reason:
    start, end = _period(condition)
    period = months(start, end)
    missing = _missing(period, facts.covered)
    if missing:
        return Reason(label, met=None, value=f"海关数据尚未覆盖{_label(missing[0])}")
    total = _sum(facts, period) / TEN_THOUSAND
    threshold = Decimal(str(condition.get("min", "0")))
    text = f"{_period_label(start, end)}出口 {_fmt(total)} 万美元"
    if total >= threshold:
        return Reason(label, met=True, value=text)
    gap = threshold - total
    return Reason(
        label,
        met=False,
        value=f"{text}，差 {_fmt(gap)} 万美元",
        near=gap <= threshold * AMOUNT_MARGIN,
    )


def _growth(label: str, condition: Mapping[str, Any], facts: Facts) -> Reason:
    start, end = _period(condition)
    period = months(start, end)
    before = [year_before(m) for m in period]
    missing = _missing(before + period, facts.covered)
    if missing:
        return Reason(label, met=None, value=f"海关数据尚未覆盖{_label(missing[0])}")
    current, previous = _sum(facts, period), _sum(facts, before)
    if previous == 0:
        return Reason(label, met=None, value="上年同期无出口，增长率无法计算")
    growth = (current - previous) / previous * 100
    threshold = Decimal(str(condition.get("min", "0")))
    text = f"{_period_label(start, end)}出口增长 {_fmt(growth)}%"
    if growth >= threshold:
        return Reason(label, met=True, value=text)
    gap = threshold - growth
    return Reason(
        label, met=False, value=f"{text}，差 {_fmt(gap)} 个百分点", near=gap <= GROWTH_MARGIN_PP
    )


def _new_exporter(label: str, condition: Mapping[str, Any], facts: Facts) -> Reason:
    year = int(condition["year"])
    this_year = [m for m in months(dt.date(year, 1, 1), dt.date(year, 12, 1)) if m in facts.covered]
    exported = sorted(m for m in this_year if facts.exports.get(m, Decimal(0)) > 0)
    if not exported:
        if not this_year:
            return Reason(label, met=None, value=f"海关数据尚未覆盖{year}年")
        return Reason(label, met=False, value=f"{year}年无出口记录")
    first = exported[0]
    window = months(dt.date(first.year - 1, first.month, 1), dt.date(first.year, first.month, 1))
    window = window[:-1]
    missing = _missing(window, facts.covered)
    earlier = [m for m in window if facts.exports.get(m, Decimal(0)) > 0]
    if earlier:
        return Reason(label, met=False, value=f"{_label(earlier[-1])}已有出口")
    if missing:
        return Reason(label, met=None, value=f"首次出口{_label(first)}，此前海关数据不全")
    return Reason(label, met=True, value=f"首次出口于{_label(first)}")


def evaluate(
    conditions: Sequence[Mapping[str, Any]], facts: Facts, names: Mapping[str, str] | None = None
) -> Result:
    """All conditions: eligible only when every one is met (no conditions: eligible)."""
    reasons = [evaluate_one(c, facts, names) for c in conditions]
    failed = [r for r in reasons if r.met is False]
    if failed:
        near = all(r.near for r in failed)
        return Result(eligible=False, near=near, reasons=reasons)
    if any(r.met is None for r in reasons):
        return Result(eligible=None, near=False, reasons=reasons)
    return Result(eligible=True, near=False, reasons=reasons)


def describe(condition: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A condition in words, for the item's page: "出口增长 ≥ 10%（2026年1–6月）"."""
    names = names or {}
    kind = str(condition.get("type", ""))
    label = TYPES.get(kind, kind)
    if kind == "industry":
        return f"{label}：" + "、".join(names.get(c, c) for c in condition.get("codes", []))
    if kind in {"district", "park"}:
        units = condition.get("units", [])
        return f"{label}：" + "、".join(names.get(str(u), str(u)) for u in units)
    if kind == "tag":
        return f"{label}：" + "、".join(condition.get("names", []))
    if kind in {"ownership", "size"}:
        return f"{label}：" + "、".join(names.get(v, v) for v in condition.get("values", []))
    if kind in {"exports", "export_growth"}:
        start, end = _period(condition)
        unit = "万美元" if kind == "exports" else "%"
        return f"{label} ≥ {condition.get('min')}{unit}（{_period_label(start, end)}）"
    if kind == "new_exporter":
        return f"{condition.get('year')}年新增出口企业"
    if kind == "fair":
        shown = "或".join(_fair_name(int(f), names) for f in condition.get("fairs", []))
        return f"{label}：{shown}"
    return label
