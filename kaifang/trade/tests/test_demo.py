"""The demo loaders (enterprises, trade) on a tiny city: valid codes, the 36 months up to the
last full month, firms entering and leaving, rollups equal to the facts, and a second run that
changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Count, Max, Min, Sum

from kaifang.core import demo
from kaifang.core.lib.uscc import is_customs_code, is_valid_uscc
from kaifang.core.models import Partner
from kaifang.core.reference_loader import (
    load_hs_codes,
    load_industries,
    load_partners,
    load_trade_modes,
)
from kaifang.enterprises import demo as enterprises_demo
from kaifang.enterprises.models import Enterprise
from kaifang.trade import demo as trade_demo
from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)
LOADERS = ("city", "enterprises", "trade")


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(enterprises_demo.ENTERPRISES, "small", 150)
    monkeypatch.setitem(trade_demo.LINES, "small", 700)
    load_industries()
    load_partners()
    load_trade_modes()
    load_hs_codes()


def snapshot() -> tuple:
    records = CustomsRecord.objects.aggregate(n=Count("id"), usd=Sum("value_usd"))
    return (
        Enterprise.objects.count(),
        records["n"],
        records["usd"],
        TradeRollup.objects.count(),
        sorted(Enterprise.objects.values_list("uscc", "name", "district__name", "industry__code")),
    )


@time_machine.travel(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC), tick=False)
def test_tiny_demo_city(tiny):
    demo.run(size="small", seed=7, log=lambda _: None, only=LOADERS)
    first = snapshot()
    demo.run(size="small", seed=7, log=lambda _: None, only=LOADERS)
    assert snapshot() == first, "a second run must change nothing"

    firms = Enterprise.objects.all()
    assert firms.count() == 150
    assert all(is_valid_uscc(e.uscc) for e in firms)
    codes = [e.customs_code for e in firms if e.customs_code]
    assert len(codes) > 120
    assert all(is_customs_code(c) for c in codes)
    assert not firms.filter(is_synthetic=False).exists()
    assert not firms.filter(district__isnull=True).exists()
    assert not firms.filter(industry__isnull=True).exists()
    assert firms.filter(tags__name="外资").exists()

    months = trade_demo.demo_months(TODAY)
    assert months[0] == dt.date(2023, 3, 1) and months[-1] == dt.date(2026, 2, 1)
    periods = sorted(set(CustomsRecord.objects.values_list("period", flat=True)))
    assert periods == months

    # Partners are real customs codes; every row has a value in both currencies.
    partner_codes = set(CustomsRecord.objects.values_list("partner_code", flat=True))
    assert partner_codes <= set(Partner.objects.values_list("code", flat=True))
    assert not CustomsRecord.objects.filter(value_usd__isnull=True).exists()
    assert not CustomsRecord.objects.filter(value_cny__lte=0).exists()

    # Firms entering (first month after the window starts) and leaving (silent 3+ months).
    lives = CustomsRecord.objects.values("enterprise").annotate(
        first=Min("period"), last=Max("period")
    )
    assert any(life["first"] > months[0] for life in lives)
    assert any(life["last"] <= months[-4] for life in lives)

    # A few large exporters dominate: the top 5 % carry over half the exports.
    by_firm = sorted(
        (
            row["usd"]
            for row in CustomsRecord.objects.filter(flow="export")
            .values("enterprise")
            .annotate(usd=Sum("value_usd"))
        ),
        reverse=True,
    )
    top = sum(by_firm[: max(1, len(by_firm) // 20)])
    assert top > sum(by_firm) / 2

    # Rollups are rebuilt: every dimension sums to the facts.
    facts = CustomsRecord.objects.filter(flow="export").aggregate(usd=Sum("value_usd"))["usd"]
    for dimension in (Dimension.PARTNER, Dimension.HS2, Dimension.ENTERPRISE):
        rolled = TradeRollup.objects.filter(dimension=dimension, flow="export").aggregate(
            usd=Sum("value_usd")
        )["usd"]
        assert abs(Decimal(rolled) - Decimal(facts)) < Decimal("0.01")


def test_sector_products_follow_industry(tiny):
    """A textile firm exports textile chapters; the same seed gives the same firms."""
    specs = enterprises_demo.enterprise_specs(3, 150)
    assert specs == enterprises_demo.enterprise_specs(3, 150)
    assert specs != enterprises_demo.enterprise_specs(4, 150)
    demo.run(size="small", seed=3, log=lambda _: None, only=LOADERS)
    textile = [s.uscc for s in specs if s.sector == "textiles"]
    chapters = {
        hs[:2]
        for hs in CustomsRecord.objects.filter(
            enterprise__uscc__in=textile, flow="export"
        ).values_list("hs_code", flat=True)
    }
    assert chapters
    assert chapters <= set(trade_demo.CHAPTERS["textiles"][0])


def test_without_reference_data_the_loaders_skip_and_say_why():
    said: list[str] = []
    demo.run(size="small", seed=1, log=said.append, only=LOADERS)
    assert not Enterprise.objects.exists()
    assert not CustomsRecord.objects.exists()
    assert any("load-reference" in line for line in said)


@time_machine.travel(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC), tick=False)
def test_a_second_run_that_moves_firms_back_keeps_the_pair_rollups_true(
    tiny, django_capture_on_commit_callbacks
):
    """The enterprise loader writes with bulk_update (no model signal): a firm it moves back to
    its district must take its trade with it in the pair rollups."""
    from collections import defaultdict

    from kaifang.trade.models import ScopeRollup
    from kaifang.trade.rollups import rebuild_rollups

    demo.run(size="small", seed=7, log=lambda _: None, only=LOADERS)
    firm = Enterprise.objects.filter(customs_records__isnull=False, park__isnull=True).first()
    elsewhere = Enterprise.objects.exclude(district=firm.district).first().district
    Enterprise.objects.filter(pk=firm.pk).update(district=elsewhere)
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True).distinct())
    with django_capture_on_commit_callbacks(execute=True):  # the pairs refresh at commit
        demo.run(size="small", seed=7, log=lambda _: None, only=("enterprises",))

    def pair_sums(rows) -> dict:
        sums: dict = defaultdict(Decimal)
        for pair, usd in rows:
            sums[pair] += usd
        return {k: v for k, v in sums.items() if v}

    rolled = pair_sums(
        ((r.district_id, r.park_id), r.value_usd)
        for r in ScopeRollup.objects.filter(dimension=Dimension.PARTNER)
    )
    facts = pair_sums(
        ((r.enterprise.district_id or 0, r.enterprise.park_id or 0), r.value_usd)
        for r in CustomsRecord.objects.select_related("enterprise")
    )
    assert Enterprise.objects.get(pk=firm.pk).district_id == firm.district_id
    assert rolled.keys() == facts.keys()
    assert all(abs(rolled[k] - facts[k]) < Decimal("0.01") for k in facts)


@time_machine.travel(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC), tick=False)
def test_demo_investment_has_a_year_before_to_compare_with(tiny):
    """实际使用外资 and 对外直接投资 of the firms tagged 外资 / 走出去, every year of the demo's
    36 months, in known countries, the same on a second run: the briefing and the indicators
    can say 同比 instead of 上年同期无可比数据."""
    from kaifang.indicators.selectors import investment_sums
    from kaifang.trade.models import InvestmentRecord

    loaders = (*LOADERS, "investment")
    demo.run(size="small", seed=7, log=lambda _: None, only=loaders)
    fdi = InvestmentRecord.objects.filter(kind="fdi")
    assert fdi.exists() and InvestmentRecord.objects.filter(kind="odi").exists()
    assert set(fdi.values_list("enterprise__tags__name", flat=True)) >= {"外资"}
    assert not fdi.exclude(enterprise__tags__name="外资").exists()
    assert {p.year for p in fdi.values_list("period", flat=True)} == {2023, 2024, 2025, 2026}
    codes = set(Partner.objects.values_list("code", flat=True))
    assert set(InvestmentRecord.objects.values_list("partner_code", flat=True)) <= codes
    sums = investment_sums("fdi", 2026, 2)
    assert sums["ytd"] > 0 and sums["ytd_prev"] > 0
    first = sorted(InvestmentRecord.objects.values_list("enterprise", "period", "amount_usd"))
    demo.run(size="small", seed=7, log=lambda _: None, only=loaders)
    assert (
        sorted(InvestmentRecord.objects.values_list("enterprise", "period", "amount_usd")) == first
    )
