"""A small city whose exposure can be computed by hand (the table in `risk_data`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from kaifang.core.models import Industry, Partner, PartnerGroup
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory


@dataclass
class RiskData:
    a1: Enterprise  # district A, park, industry 3911, liaison = city.liaison
    a2: Enterprise  # district A, no liaison
    b1: Enterprise  # district B


def d(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


# USD (CNY = USD × 7). With --until 2025-03 and 12 months the window is 2024-04 … 2025-03.
ROWS = [
    # ent, period, flow, partner, hs, usd
    ("a1", d(2025, 1), "export", "502", "85011020", 100),
    ("a1", d(2024, 12), "export", "502", "84713000", 50),  # across the year boundary
    ("a1", d(2024, 4), "export", "502", "85423100", 30),  # the window's first month
    ("a1", d(2024, 3), "export", "502", "85011020", 999),  # one month before the window
    ("a1", d(2025, 2), "export", "116", "85011020", 70),  # Japan
    ("a1", d(2025, 2), "import", "502", "85011020", 500),  # the other flow
    ("a1", d(2025, 3), "export", "502", "61091000", 200),  # another product
    ("a2", d(2024, 11), "export", "502", "85044000", 40),
    ("a2", d(2025, 4), "export", "502", "85011020", 11),  # after the window (latest month)
    ("b1", d(2025, 1), "export", "502", "84713000", 60),
    ("b1", d(2025, 1), "export", "303", "84713000", 25),  # Germany
]


@pytest.fixture
def risk_data(city, trade_reference) -> RiskData:
    section = Industry.objects.create(code="C", name="制造业", level=1, section_code="C")
    parent = section
    for code in ("39", "391", "3911"):
        parent = Industry.objects.create(
            code=code, name=f"行业{code}", level=len(code), parent=parent, section_code="C"
        )
    a = city.district_a
    firms = {
        "a1": EnterpriseFactory(
            name="甲电机",
            district=a,
            park=city.district_a_park,
            industry=parent,
            liaison=city.liaison,
        ),
        "a2": EnterpriseFactory(name="乙电器", district=a),
        "b1": EnterpriseFactory(name="丙机械", district=city.district_b),
    }
    for key, period, flow, partner, hs, usd in ROWS:
        CustomsRecordFactory(
            enterprise=firms[key],
            period=period,
            flow=flow,
            partner_code=partner,
            hs_code=hs,
            value_usd=Decimal(usd),
        )
    group = PartnerGroup.objects.create(code="us-jp", name="美日", order=1)
    group.members.set(Partner.objects.filter(code__in=["502", "116"]))
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True), settle=True)
    return RiskData(**firms)
