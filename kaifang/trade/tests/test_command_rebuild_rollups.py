"""`kaifang rebuild-rollups` restores rollups that were lost or never filled."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord, TradeRollup

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
    out = StringIO()
    call_command("rebuild-rollups", stdout=out)
    assert "2 个月" in out.getvalue()
    total = TradeRollup.objects.filter(dimension="partner").aggregate(s=Sum("value_usd"))["s"]
    assert total == Decimal("300.5")
