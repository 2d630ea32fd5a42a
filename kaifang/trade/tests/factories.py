"""Factories for customs facts (small, hand-computable data sets for the analysis tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord


class CustomsRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomsRecord

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = dt.date(2025, 3, 1)
    flow = "export"
    hs_code = "84713000"
    partner_code = "502"
    trade_mode = "10"
    value_usd = Decimal("100")
    value_cny = factory.LazyAttribute(
        lambda o: o.value_usd * 7 if o.value_usd is not None else None
    )
