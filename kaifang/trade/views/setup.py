"""What an analysis page or export asks for, read from its parameters: the period, flow,
currency, drill keys and level, with the viewer's report month as the default. Shared by the
pages (from the request) and the exports the worker writes (from the query string kept on
the job), so a file written in the background holds what the page showed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404, QueryDict
from django.utils import timezone

from kaifang.core.models import User
from kaifang.enterprises.selectors import enterprise_get
from kaifang.trade.figures import kept_breakdown, report_month
from kaifang.trade.forms import AnalysisForm
from kaifang.trade.selectors import (
    BREAKDOWNS,
    INDUSTRY_LEVELS,
    NONE_KEY,
    SPANS,
    Breakdown,
    Keys,
    Query,
    drill_records,
)
from kaifang.trade.selectors.breakdown import names_for


@dataclass(frozen=True)
class Setup:
    user: User
    form: AnalysisForm
    q: Query | None  # None: no data the user can see yet
    keys: Keys
    level: int


def setup_for(user: User, params: QueryDict, *, default_flow: str = "total") -> Setup:
    form = AnalysisForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    keys = Keys.from_params(params)
    if keys.enterprise:
        enterprise_get(user=user, pk=keys.enterprise)  # 404 outside the user's scope
    try:
        level = int(params.get("level") or 1)
    except ValueError:
        level = 1
    level = level if level in INDUSTRY_LEVELS else 1
    latest = report_month(user)  # the report month by default
    year, month = data.get("year"), data.get("month")
    if latest is None and not year:
        return Setup(user, form, None, keys, level)
    today = timezone.localdate()
    base = latest or dt.date(today.year, today.month, 1)
    if not year:
        year = base.year
    if not month:
        month = base.month if year == base.year else 12
    q = Query(
        year=year,
        month=month,
        flow=data.get("flow") or default_flow,
        currency=data.get("currency") or "usd",
    )
    if not form.is_bound:
        form = AnalysisForm(initial=q.params())
    return Setup(user, form, q, keys, level)


def records_for(user: User, params: QueryDict) -> tuple[Setup, str, Any]:
    """The drill-down's setup, span and records (None before any data the user may see)."""
    setup = setup_for(user, params)
    span = params.get("span") or "ytd"
    if span not in SPANS:
        span = "ytd"
    if setup.q is None:
        return setup, span, None
    qs = drill_records(viewer=setup.user, q=setup.q, span=span, keys=setup.keys)
    return setup, span, qs


def breakdown_for(
    user: User, params: QueryDict, by: str, *, deadline: float | None = None
) -> tuple[Setup, Breakdown | None]:
    """A breakdown page's setup and its kept table, rows unnamed: the page names the rows it
    shows, an export every row it writes (`named_rows`); None before any data the user may
    see. A breakdown that does not exist is a 404. `deadline`: as `kept_breakdown`'s."""
    if by not in BREAKDOWNS:
        raise Http404("没有这种分析维度")
    setup = setup_for(user, params)
    if setup.q is None:
        return setup, None
    return setup, kept_breakdown(
        setup.user, by, setup.q, setup.keys, setup.level, deadline=deadline
    )


def money_header(q: Query) -> str:
    """The unit of a table's money columns in the query's currency."""
    return "美元" if q.currency == "usd" else "元"


def keys_labels(keys: Keys) -> list[tuple[str, str]]:
    """The active drill keys in words, for the page's filter line."""
    labels = []
    for name, value in keys.params().items():
        by = {"hs": f"hs{len(value)}" if value != NONE_KEY else "hs2"}.get(name, name)
        title = {"hs": "商品", "group": "分组"}.get(name, BREAKDOWNS.get(by, (name,))[0])
        if name == "industry":
            title = "行业"
        shown = names_for(by if by in BREAKDOWNS else name, [value]).get(value, value)
        # a code beside its name (HS 85, partner 502), not a group's internal code ("rcep")
        coded = value not in {shown, NONE_KEY} and name != "group"
        labels.append((title, f"{value} {shown}" if coded else shown))
    return labels


def subtitle(q: Query, keys: Keys) -> str:
    parts = [
        f"{q.label}（累计 {q.ytd_label}）",
        q.flow_label,
        "美元" if q.currency == "usd" else "人民币",
    ]
    parts += [f"{t}：{v}" for t, v in keys_labels(keys)]
    return "，".join(parts)
