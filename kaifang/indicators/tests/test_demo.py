"""The demo loader: synthetic values for two years, targets, an official series consistent
with the demo customs records; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import Sum

from kaifang.core import demo
from kaifang.indicators.models import IndicatorValue, OfficialTrade, Target
from kaifang.trade.models import CustomsRecord, TradeRollup

pytestmark = pytest.mark.django_db


def test_demo_indicators_are_synthetic_idempotent_and_consistent(trade_data, city):
    # the trade fixture's records stand in for the demo firms' (source "demo")
    CustomsRecord.objects.update(source="demo")
    demo.run(size="small", log=lambda _m: None, only={"indicators"})
    values, targets, official = (
        IndicatorValue.objects.count(),
        Target.objects.count(),
        OfficialTrade.objects.count(),
    )
    assert values > 0 and targets > 0 and official > 0
    assert not IndicatorValue.objects.filter(is_synthetic=False).exists()
    assert set(IndicatorValue.objects.values_list("source", flat=True)) == {"演示数据（虚构）"}
    # a count (新设外资企业数, 家; 班列, 列) is whole in every month and district
    counted = IndicatorValue.objects.filter(indicator__unit__in=["家", "列"])
    assert counted.exists()
    for month_value, ytd_value in counted.values_list("month_value", "ytd_value"):
        assert month_value == month_value.to_integral_value(), month_value
        assert ytd_value == ytd_value.to_integral_value(), ytd_value
    years = {p.year for p in IndicatorValue.objects.values_list("period", flat=True)}
    assert years == {2024, 2025}  # two years up to the latest month with trade
    # official = records × 1.06–1.12, month by month
    for period in TradeRollup.objects.values_list("period", flat=True).distinct():
        records = CustomsRecord.objects.filter(period=period).aggregate(v=Sum("value_cny"))["v"]
        official_sum = OfficialTrade.objects.filter(period=period).aggregate(v=Sum("value_cny"))[
            "v"
        ]
        ratio = official_sum / records
        assert D("1.06") <= ratio <= D("1.12"), period
    demo.run(size="small", log=lambda _m: None, only={"indicators"})
    assert (IndicatorValue.objects.count(), Target.objects.count()) == (values, targets)
    assert OfficialTrade.objects.count() == official
    assert OfficialTrade.objects.filter(period=dt.date(2025, 3, 1)).exists()
