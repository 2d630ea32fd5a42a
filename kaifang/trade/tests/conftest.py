"""A small city whose trade can be computed by hand (see the table in `trade_data`)."""

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
from kaifang.trade.tests.drill_helpers import add_filler_exports
from kaifang.trade.tests.factories import CustomsRecordFactory


@dataclass
class TradeData:
    e1: Enterprise  # district A, park, industry 3911
    e2: Enterprise  # district B, industry 1711
    e3: Enterprise  # district A, no industry, imports only
    e4: Enterprise  # district B, industry 1711, new exporter in 2025-03
    e5: Enterprise  # district A, last export 2024-10 (stopped)


def _industries() -> dict[str, Industry]:
    made: dict[str, Industry] = {}
    section = Industry.objects.create(code="C", name="制造业", level=1, section_code="C")
    made["C"] = section
    for chain in (("39", "391", "3911"), ("17", "171", "1711")):
        parent = section
        for code in chain:
            parent = Industry.objects.create(
                code=code, name=f"行业{code}", level=len(code), parent=parent, section_code="C"
            )
            made[code] = parent
    return made


def d(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


@pytest.fixture
def trade_data(city, trade_reference) -> TradeData:
    """USD values (CNY = USD × 7):

    | rec | ent | period  | flow   | partner | hs       | mode | usd |
    | r1  | e1  | 2025-03 | export | 502 美国 | 84713000 | 10   | 100 |
    | r2  | e1  | 2025-02 | export | 116 日本 | 84713000 | 10   |  50 |
    | r3  | e1  | 2024-03 | export | 502     | 84713000 | 10   |  80 |
    | r4  | e2  | 2025-01 | export | 116     | 61091000 | 15   |  30 |
    | r5  | e2  | 2024-02 | export | 303 英国 | 61091000 | 15   |  40 |
    | r6  | e4  | 2025-03 | export | 116     | 61091000 | 10   |  20 |
    | r7  | e4  | 2023-12 | export | 303     | 61091000 | 10   |  10 |
    | r8  | e3  | 2025-03 | import | 502     | 85423100 | 10   | 200 |
    | r9  | e3  | 2024-03 | import | 502     | 85423100 | 10   | 100 |
    | r10 | e5  | 2024-10 | export | 344 俄罗斯 | 61091000 | 10 |  60 |
    Groups: g-ab = {502, 116}, g-b = {116}.
    """
    industries = _industries()
    a, park, b = city.district_a, city.district_a_park, city.district_b
    e1 = EnterpriseFactory(name="甲机电", district=a, park=park, industry=industries["3911"])
    e2 = EnterpriseFactory(name="乙纺织", district=b, industry=industries["1711"])
    e3 = EnterpriseFactory(name="丙电子", district=a)
    e4 = EnterpriseFactory(name="丁服装", district=b, industry=industries["1711"])
    e5 = EnterpriseFactory(name="戊贸易", district=a)
    rows = [
        (e1, d(2025, 3), "export", "502", "84713000", "10", 100),
        (e1, d(2025, 2), "export", "116", "84713000", "10", 50),
        (e1, d(2024, 3), "export", "502", "84713000", "10", 80),
        (e2, d(2025, 1), "export", "116", "61091000", "15", 30),
        (e2, d(2024, 2), "export", "303", "61091000", "15", 40),
        (e4, d(2025, 3), "export", "116", "61091000", "10", 20),
        (e4, d(2023, 12), "export", "303", "61091000", "10", 10),
        (e3, d(2025, 3), "import", "502", "85423100", "10", 200),
        (e3, d(2024, 3), "import", "502", "85423100", "10", 100),
        (e5, d(2024, 10), "export", "344", "61091000", "10", 60),
    ]
    for ent, period, flow, partner, hs, mode, usd in rows:
        CustomsRecordFactory(
            enterprise=ent,
            period=period,
            flow=flow,
            partner_code=partner,
            hs_code=hs,
            trade_mode=mode,
            value_usd=Decimal(usd),
        )
    ab = PartnerGroup.objects.create(code="g-ab", name="美日组", order=1)
    ab.members.set(Partner.objects.filter(code__in=["502", "116"]))
    only_b = PartnerGroup.objects.create(code="g-b", name="日本组", order=2)
    only_b.members.set(Partner.objects.filter(code__in=["116"]))
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    return TradeData(e1=e1, e2=e2, e3=e3, e4=e4, e5=e5)


# The drill-down plan tests' cities (test_drill_plans.py, test_drill_firms_plan.py)


@pytest.fixture
def shares(city, trade_reference):
    """1,410 records: a large firm in district A (800 this year, partner 502, many equal
    values), another in district B (400 this year, 200 last year, partner 116), and a small
    firm of the liaison officer's (10 this year, partner 344)."""
    big = EnterpriseFactory(name="大企业", district=city.district_a)
    other = EnterpriseFactory(name="中企业", district=city.district_b)
    small = EnterpriseFactory(name="小企业", district=city.district_b, liaison=city.liaison)
    rows: list[CustomsRecord] = []

    def add(firm, n, partner, year, start):
        for i in range(n):
            usd = Decimal((start + i) % 37 * 10 + 10)  # ties across firms and months
            rows.append(
                CustomsRecord(
                    enterprise=firm,
                    period=dt.date(year, i % 3 + 1, 1),
                    flow="export" if i % 2 else "import",
                    hs_code=f"84{i:06d}" if i % 5 else f"61{i:06d}",
                    partner_code=partner,
                    trade_mode="10" if i % 4 else "15",
                    value_usd=usd,
                    value_cny=usd * 7,
                )
            )

    add(big, 800, "502", 2025, 0)
    add(other, 400, "116", 2025, 5)
    add(other, 200, "116", 2024, 9)
    add(small, 10, "344", 2025, 20)
    CustomsRecord.objects.bulk_create(rows)
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    return {"big": big, "other": other, "small": small}


@pytest.fixture
def liaison_firms(shares, city):
    """The liaison officer now looks after the large firm too (810 records this year, none
    through a unit: he has none), and a third district-B firm outside his care brings the
    table to 4,410 records, so his are a small share of it."""
    shares["big"].liaison = city.liaison
    shares["big"].save(update_fields=["liaison"])
    filler = EnterpriseFactory(name="他企业", district=city.district_b)
    add_filler_exports(filler, [dt.date(2025, m, 1) for m in (1, 2, 3)], n=3_000, spread=41)
    return shares
