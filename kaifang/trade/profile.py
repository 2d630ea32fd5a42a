"""Trade's contributions to the enterprise register: the 一企一档 trade panel and the list
filters that need trade data (trade size band, trading or not in a period). Registered from
TradeConfig.ready(); the register never imports trade."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django import forms
from django.core.cache import cache
from django.db.models import BigIntegerField, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import HttpRequest

from kaifang.core.lib.numbers import amount_unit
from kaifang.core.lib.requests import current_user
from kaifang.core.models import User
from kaifang.core.scope import visible_to
from kaifang.enterprises import list_filters, panels
from kaifang.enterprises.models import Enterprise
from kaifang.trade.figures import CACHE_SECONDS, report_month
from kaifang.trade.models import Dimension, TradeRollup
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import (
    Keys,
    Query,
    TrendPoint,
    breakdown,
    concentration_of,
    top_rows,
    totals_by_flow,
    trend,
)
from kaifang.trade.selectors.breakdown import names_for, prime_tables
from kaifang.trade.selectors.measures import add_months
from kaifang.trade.templatetags.trade_analysis import records_url

# --- profile panel ------------------------------------------------------------------------

PANEL_ROWS = 8  # the partners and products the panel lists (the template's slices)
REFILL_FIRMS = 20  # the largest firms of each refilled scope whose panel the worker computes
VIEWED_FIRMS = 200  # the firms last opened whose panel the worker computes too
VIEWED_KEY = "trade:profile:viewed"  # their ids, newest first (no figures: nothing to scope)


def trade_panel_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, object]:
    """Figures for one enterprise in the latest report month the viewer has (the profile page
    already passed the scope gate; the panel asks it again, as the figures are kept per firm,
    not per scope, and computed through it)."""
    user = current_user(request)
    latest = report_month(user)  # kept per rollup version and scope, as the trade pages'
    if latest is None or not _sees(user, enterprise):
        return {"has_trade": False}
    return panel_figures(user, enterprise.pk, latest, viewed=True)


def _sees(user: User, enterprise: Enterprise) -> bool:
    return visible_to(Enterprise.objects.filter(pk=enterprise.pk), user).exists()


def panel_cache_key(enterprise_id: int, latest: dt.date) -> str:
    return f"trade:profile:{rollup_version()}:{enterprise_id}:{latest:%Y-%m}"


def panel_figures(
    user: User, enterprise_id: int, latest: dt.date, *, viewed: bool = False
) -> dict[str, object]:
    """The panel's figures of one firm in a report month, kept in the shared cache per rollup
    version, firm and month (a rebuild or an enterprise change retires them), so the worker
    can compute the largest firms' after an import (`refill`): on a province the largest
    firm's stage rollups are read from disk on its first view (issue 17). Not per scope: the
    trade scope (`selectors.base.reach`) is a set of whole firms, by the same fields as the
    register's gate (district, park, liaison), so whoever passed the profile's gate for this
    firm sees all of its trade and the same figures (decision 0032). Only the rows the panel
    lists are kept. A panel a user waited for (`viewed`) names its firm among those the
    worker computes after the next import (`remember_viewed`)."""
    key = panel_cache_key(enterprise_id, latest)
    found = cache.get(key)
    if isinstance(found, dict):
        return _with_fresh_names(found)
    computed = _panel(user, enterprise_id, latest)
    cache.set(key, computed, CACHE_SECONDS)
    if viewed:
        remember_viewed(enterprise_id)
    return computed


def remember_viewed(enterprise_id: int) -> None:
    """Put a firm first among the VIEWED_FIRMS whose panel the worker computes after an
    import, besides each scope's largest: the firms people open are few and return (a
    liaison officer's own, the ones a leader follows), and at 50 M records a firm's first
    view after an import reads its stage rollups from disk. Only on a computed panel, so a
    kept one costs no write; a firm stays listed until VIEWED_FIRMS others were computed
    after it. Two processes writing at once may lose one id: a hint, the panel is computed
    on view."""
    ids = [i for i in cache.get(VIEWED_KEY, []) if i != enterprise_id]
    cache.set(VIEWED_KEY, [enterprise_id, *ids][:VIEWED_FIRMS], None)


def _with_fresh_names(panel: dict[str, Any]) -> dict[str, object]:
    """A kept panel with its partners', headings' and trade modes' names read afresh, as the
    breakdown page does: a renamed partner shows at once, and no version marks a rename."""
    if not panel.get("has_trade"):
        return panel
    found = dict(panel)
    listed = [*panel["partners"].rows, *panel["gained"], *panel["lost"]]
    partner_names = names_for("partner", [r.key for r in listed])
    for name, by in (("partners", "partner"), ("products", "hs4"), ("modes", "mode")):
        table = panel[name]
        names = partner_names if by == "partner" else names_for(by, [r.key for r in table.rows])
        rows = [replace(r, name=names.get(r.key, r.name)) for r in table.rows]
        found[name] = replace(table, rows=rows)
    for name in ("gained", "lost"):
        found[name] = [replace(r, name=partner_names.get(r.key, r.name)) for r in panel[name]]
    return found


def _panel(user: User, enterprise_id: int, latest: dt.date) -> dict[str, object]:
    q = Query(year=latest.year, month=latest.month, flow="total", currency="usd")
    keys = Keys(enterprise=str(enterprise_id))
    points = trend(viewer=user, end=q.period, currency=q.currency, keys=keys)
    # The points, not the chart's values: those are rounded to 0.01 万美元, and a firm's
    # months of under 50 dollars each are trade too.
    if not any(p.export or p.import_ for p in points):
        return {"has_trade": False}
    chart = _chart(points, q, keys)
    # The three tables within one enterprise come from one grouping of each of its two stage
    # rollups (by partner; by HS heading and trade mode), not from its records.
    memo: dict[Any, Any] = {}
    prime_tables(viewer=user, bys=("partner", "hs4", "mode"), q=q, keys=keys, memo=memo)
    partners = breakdown(viewer=user, by="partner", q=q, keys=keys, memo=memo)
    products = breakdown(viewer=user, by="hs4", q=q, keys=keys, memo=memo)
    gained = [r for r in partners.rows if r.ytd and not r.ytd_prev and r.key != "-"]
    lost = [r for r in partners.rows if r.ytd_prev and not r.ytd and r.key != "-"]
    return {
        "has_trade": True,
        "q": q,
        "keys": keys,
        "chart": chart,
        "chart_id": f"enterprise-trend-{enterprise_id}",
        "cards": totals_by_flow(viewer=user, q=q, keys=keys),
        "partners": replace(partners, rows=partners.rows[:PANEL_ROWS]),
        "products": replace(products, rows=products.rows[:PANEL_ROWS]),
        "modes": breakdown(viewer=user, by="mode", q=q, keys=keys, memo=memo),
        "concentration": concentration_of(partners),
        "gained": gained,
        "lost": lost,
        "unit": amount_unit("usd", small=True),
    }


def refill() -> int:
    """Compute and cache the panel of the REFILL_FIRMS largest firms (this year to date) of
    each scope the trade figures are refilled for (`refill.refill_viewers(owners=False)`),
    in its report month, then of the firms last viewed (`remember_viewed`) that the scope
    sees; a firm in several scopes once a month. Run by the worker after the rollup version
    moves; returns the number of panels computed."""
    from kaifang.trade.refill import refill_viewers

    viewers = [(u, m) for u in refill_viewers(owners=False) if (m := report_month(u))]
    done: set[tuple[int, dt.date]] = set()

    def compute(user: User, firm: int, latest: dt.date) -> None:
        if (firm, latest) not in done:
            done.add((firm, latest))
            panel_figures(user, firm, latest)

    for user, latest in viewers:
        q = Query(year=latest.year, month=latest.month, flow="total", currency="usd")
        for row in top_rows(viewer=user, by="enterprise", q=q, limit=REFILL_FIRMS):
            if row.key.isdigit():
                compute(user, int(row.key), latest)
    viewed = [i for i in cache.get(VIEWED_KEY, []) if isinstance(i, int)]
    # through each scope's gate: a firm deleted since, or in no refilled scope, is left out
    for user, latest in viewers:
        seen = set(
            visible_to(Enterprise.objects.filter(pk__in=viewed), user).values_list("pk", flat=True)
        )
        for firm in viewed:
            if firm in seen:
                compute(user, firm, latest)
    return len(done)


def _chart(points: list[TrendPoint], q: Query, keys: Keys) -> dict[str, Any]:
    series = []
    for flow, label in (("export", "出口"), ("import", "进口")):
        values = [
            float(round((p.export if flow == "export" else p.import_) / Decimal(10_000), 2))
            for p in points
        ]
        links = [
            records_url(
                Query(year=p.period.year, month=p.period.month, flow=flow, currency=q.currency),
                keys,
                "month",
            )
            for p in points
        ]
        series.append({"name": label, "values": values, "links": links})
    return {
        "labels": [p.period.strftime("%Y-%m") for p in points],
        "series": series,
        "unit": "万美元",
    }


# --- register list filters ----------------------------------------------------------------

SIZE_BANDS: dict[str, tuple[str, Decimal | None, Decimal | None]] = {
    "none": ("近12个月无进出口", None, None),
    "lt1m": ("100万美元以下", Decimal(0), Decimal(1_000_000)),
    "1m-10m": ("100万–1000万美元", Decimal(1_000_000), Decimal(10_000_000)),
    "10m-100m": ("1000万–1亿美元", Decimal(10_000_000), Decimal(100_000_000)),
    "ge100m": ("1亿美元及以上", Decimal(100_000_000), None),
}


def _last_12_months() -> list[dt.date]:
    modes = TradeRollup.objects.filter(dimension=Dimension.MODE)  # one seek in the unique key
    latest = modes.order_by("-period").values_list("period", flat=True).first()
    if latest is None:
        return []
    return [add_months(latest, -i) for i in range(12)]


def enterprise_totals_last_12_months() -> dict[int, Decimal]:
    """进出口 USD by enterprise over the 12 months up to the latest month with data (from the
    enterprise rollup: the filter only picks ids, the register's own scope still applies)."""
    months = _last_12_months()
    rows = (
        TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE, period__in=months)
        .values("key")
        .annotate(total=Sum("value_usd"))
        .order_by()
    )
    return {int(r["key"]): r["total"] or Decimal(0) for r in rows if r["key"].isdigit()}


def filter_size_band(qs: QuerySet[Enterprise], data: dict[str, Any]) -> QuerySet[Enterprise]:
    band = data.get("trade_size") or ""
    if band not in SIZE_BANDS:
        return qs
    totals = enterprise_totals_last_12_months()
    if band == "none":
        return qs.exclude(pk__in=[pk for pk, v in totals.items() if v > 0])
    _, low, high = SIZE_BANDS[band]
    ids = [
        pk
        for pk, value in totals.items()
        if value > 0 and (low is None or value >= low) and (high is None or value < high)
    ]
    return qs.filter(pk__in=ids)


def _month(raw: str) -> dt.date | None:
    try:
        year, month = raw.split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


def filter_trading(qs: QuerySet[Enterprise], data: dict[str, Any]) -> QuerySet[Enterprise]:
    """有/无进出口 in [trade_from, trade_to] (months; either end may be open)."""
    choice = data.get("trading") or ""
    if choice not in {"yes", "no"}:
        return qs
    # The enterprise rollup has a row exactly where an enterprise has records in a month, and
    # is a small fraction of the facts: the list's count and page each read it, not the facts.
    months = TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE)
    start, end = _month(data.get("trade_from") or ""), _month(data.get("trade_to") or "")
    if start:
        months = months.filter(period__gte=start)
    if end:
        months = months.filter(period__lte=end)
    traded = months.annotate(enterprise_id=Cast("key", BigIntegerField())).values("enterprise_id")
    return qs.filter(pk__in=traded) if choice == "yes" else qs.exclude(pk__in=traded)


def register_all() -> None:
    panels.register(
        panels.ProfilePanel(
            key="trade",
            title="进出口情况",
            order=10,
            template="trade/partials/profile_trade.html",
            context=trade_panel_context,
        )
    )
    list_filters.register(
        list_filters.ListFilter(
            key="trade_size",
            order=10,
            fields={
                "trade_size": lambda: forms.ChoiceField(
                    label="外贸规模",
                    required=False,
                    choices=[("", "全部"), *[(k, v[0]) for k, v in SIZE_BANDS.items()]],
                    help_text="近12个月进出口总额（美元）",
                )
            },
            apply=filter_size_band,
        )
    )
    list_filters.register(
        list_filters.ListFilter(
            key="trading",
            order=20,
            fields={
                "trading": lambda: forms.ChoiceField(
                    label="进出口实绩",
                    required=False,
                    choices=[("", "全部"), ("yes", "期间内有进出口"), ("no", "期间内无进出口")],
                ),
                "trade_from": lambda: forms.CharField(
                    label="自",
                    required=False,
                    widget=forms.DateInput({"type": "month", "placeholder": "2025-01"}),
                ),
                "trade_to": lambda: forms.CharField(
                    label="至",
                    required=False,
                    widget=forms.DateInput({"type": "month", "placeholder": "2025-12"}),
                ),
            },
            apply=filter_trading,
        )
    )
