"""`kaifang rebuild-rollups` restores rollups that were lost or never filled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import STAGE_MODELS, CustomsRecord, TradeRollup
from kaifang.trade.tests.stages import assert_stages_equal_the_facts

pytestmark = pytest.mark.django_db


def test_rebuild_restores_rollups_equal_to_the_facts(city):
    firm = EnterpriseFactory(district=city.district_a)
    for month, usd in ((9, "100.5"), (10, "200")):
        CustomsRecord.objects.create(
            enterprise=firm,
            period=f"2026-{month:02d}-01",
            flow="export",
            hs_code="85171300",
            partner_code="116",
            trade_mode="10",
            value_usd=Decimal(usd),
            value_cny=Decimal(usd) * 7,
        )
    TradeRollup.objects.all().delete()
    for model in STAGE_MODELS.values():
        model.objects.all().delete()
    out = StringIO()
    call_command("rebuild-rollups", stdout=out)
    assert "2 个月" in out.getvalue()
    total = TradeRollup.objects.filter(dimension="partner").aggregate(s=Sum("value_usd"))["s"]
    assert total == Decimal("300.5")
    assert_stages_equal_the_facts()


def test_merging_two_records_of_one_enterprise_adds_colliding_trade(city):
    from kaifang.enterprises import actions as enterprise_actions

    keep = EnterpriseFactory(district=city.district_a)
    drop = EnterpriseFactory(district=city.district_b)
    common = {
        "period": "2026-09-01",
        "flow": "export",
        "hs_code": "85171300",
        "partner_code": "116",
        "trade_mode": "10",
    }
    CustomsRecord.objects.create(enterprise=keep, value_usd=Decimal(100), **common)
    CustomsRecord.objects.create(enterprise=drop, value_usd=Decimal(50), **common)
    CustomsRecord.objects.create(
        enterprise=drop, value_usd=Decimal(7), **{**common, "partner_code": "502"}
    )
    call_command("rebuild-rollups", stdout=StringIO())
    assert_stages_equal_the_facts()
    enterprise_actions.enterprise_merge(actor=city.officer, keep=keep, drop=drop)
    assert_stages_equal_the_facts()  # the dropped firm's rows are gone, the kept one's summed
    rows = dict(CustomsRecord.objects.values_list("partner_code", "value_usd"))
    assert rows == {"116": Decimal(150), "502": Decimal(7)}
    assert CustomsRecord.objects.filter(enterprise=keep).count() == 2
    by_enterprise = TradeRollup.objects.filter(dimension="enterprise")
    assert set(by_enterprise.values_list("key", flat=True)) == {str(keep.pk)}
    assert by_enterprise.aggregate(s=Sum("value_usd"))["s"] == Decimal(157)


def test_rebuilding_some_months_keeps_the_others_stage_rows(city):
    """A rebuild of some months replaces their stage rows only: months before, after and in
    between (a gap in the rebuilt set) keep theirs."""
    from kaifang.trade.rollups import rebuild_rollups

    firm = EnterpriseFactory(district=city.district_a)
    for month in (8, 9, 10, 11, 12):
        CustomsRecord.objects.create(
            enterprise=firm,
            period=f"2026-{month:02d}-01",
            flow="export",
            hs_code="85171300",
            partner_code="116",
            trade_mode="10",
            value_usd=Decimal(month),
        )
    call_command("rebuild-rollups", stdout=StringIO())
    CustomsRecord.objects.filter(period__in=["2026-09-01", "2026-11-01"]).update(
        value_usd=Decimal(99), partner_code="502"
    )
    rebuild_rollups([dt.date(2026, 9, 1), dt.date(2026, 11, 1)])  # 10 is a gap, 8 and 12 outside
    assert_stages_equal_the_facts()
    assert STAGE_MODELS["partner"].objects.count() == 5
