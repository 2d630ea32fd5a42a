"""Figures that come from customs records: a park's trade equals its enterprises' sum, and the
chain gap analysis on a small constructed city (one segment filled by one enterprise, one
empty, one weak), with the drill from a gap to its import sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kaifang.core.models import Industry
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.zones import selectors
from kaifang.zones.models import Chain, ChainSegment

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def industry(code: str) -> Industry:
    return Industry.objects.get_or_create(
        code=code, defaults={"name": f"行业{code}", "level": 4, "section_code": "C"}
    )[0]


def record(enterprise, flow, hs, partner, usd, period=MARCH):
    return CustomsRecord.objects.create(
        enterprise=enterprise,
        period=period,
        flow=flow,
        hs_code=hs,
        partner_code=partner,
        trade_mode="0110",
        value_usd=Decimal(usd),
        value_cny=Decimal(usd) * 7,
    )


def firm(name, district, *, park=None, code=None):
    return Enterprise.objects.create(
        name=name, district=district, park=park, industry=industry(code) if code else None
    )


def test_park_trade_is_the_sum_of_its_enterprises(city, zone):
    a = zone.enterprise  # in district A's park
    b = firm("园区二号企业", city.district_a, park=city.district_a_park)
    outside = firm("园区外企业", city.district_a)
    record(a, "export", "84571000", "304", "1000.5")
    record(a, "import", "84571000", "116", "200")
    record(b, "export", "85076000", "502", "300", period=dt.date(2026, 2, 1))
    record(outside, "export", "84571000", "304", "9999")
    rebuild_rollups([dt.date(2026, 2, 1), MARCH])
    trade = selectors.park_trade(user=city.officer, park=zone.park)
    facts = CustomsRecord.objects.filter(enterprise__park=city.district_a_park)
    assert trade.total.sums.ytd == sum(r.value_usd for r in facts) == Decimal("1500.5")
    assert sum(r.sums.ytd for r in trade.rows) == trade.total.sums.ytd
    assert {r.key for r in trade.rows} == {str(a.pk), str(b.pk)}
    # the district user sees the same; the page's footer shows it
    assert selectors.park_trade(
        user=city.district_a_user, park=zone.park
    ).total.sums.ytd == Decimal("1500.5")


def test_a_parks_trade_is_kept_until_an_import_or_a_firm_moves(city, zone):
    """The park page keeps its firms' sums per rollup version and scope: a new import shows,
    a firm leaving the park leaves its sums, and a viewer who sees fewer firms never gets
    another's figures."""
    a = zone.enterprise
    b = firm("园区二号企业", city.district_a, park=city.district_a_park)
    record(a, "export", "84571000", "304", "1000")
    record(b, "export", "85076000", "502", "300")
    rebuild_rollups([MARCH])
    assert selectors.park_trade(user=city.officer, park=zone.park).total.sums.ytd == 1300
    record(a, "export", "84571000", "344", "50")
    rebuild_rollups([MARCH])
    assert selectors.park_trade(user=city.officer, park=zone.park).total.sums.ytd == 1350
    b.park = None
    b.save()
    assert selectors.park_trade(user=city.officer, park=zone.park).total.sums.ytd == 1050
    b.park = city.district_a_park
    b.liaison = city.liaison
    b.save()
    assert selectors.park_trade(user=city.officer, park=zone.park).total.sums.ytd == 1350
    # the liaison officer sees his firm alone, after the officer's figures were kept
    assert selectors.park_trade(user=city.liaison, park=zone.park).total.sums.ytd == 300


@pytest.fixture
def chain_city(city, trade_reference):
    cars = firm("示范整车制造有限公司", city.district_a, code="3612")
    machines = firm("示范机械有限公司", city.district_a, code="3421")
    parts = firm("示范汽配有限公司", city.district_a, code="3670")
    other = firm("西城汽配有限公司", city.district_b, code="3670")
    record(cars, "export", "87032100", "344", "1000")  # 整车: filled by one enterprise
    record(machines, "import", "85076000", "133", "500")  # 动力电池: imported only → empty
    record(machines, "import", "85076000", "116", "300")
    record(parts, "export", "87089900", "145", "10")  # 零部件: exports 10 …
    record(cars, "import", "87089900", "304", "200")  # … imports 200 → weak
    record(other, "export", "87089900", "502", "5000")  # district B: outside A's scope
    rebuild_rollups([MARCH])
    chain = Chain.objects.create(name="新能源汽车")
    segments = {
        name: ChainSegment.objects.create(
            chain=chain, position=position, name=name, industry_codes=codes, hs_headings=hs, order=i
        )
        for i, (position, name, codes, hs) in enumerate(
            [
                ("up", "动力电池", "3841", "8507"),
                ("mid", "汽车零部件", "367", "8708"),
                ("down", "整车", "3612", "8703"),
            ]
        )
    }
    return chain, segments, cars, parts


def test_chain_gap_analysis(city, chain_city):
    chain, _segments, cars, parts = chain_city
    views = {
        v.segment.name: v for v in selectors.chain_analysis(user=city.district_a_user, chain=chain)
    }
    assert views["整车"].state == "filled"
    assert [f.enterprise for f in views["整车"].enterprises] == [cars]
    assert views["整车"].markets[0].name == "俄罗斯联邦"
    battery = views["动力电池"]
    assert battery.state == "empty" and battery.enterprises == []
    assert [(s.code, s.value) for s in battery.sources] == [("133", 500), ("116", 300)]
    assert battery.sources[0].share_pct == Decimal("62.5")
    weak = views["汽车零部件"]
    assert weak.state == "weak" and [f.enterprise for f in weak.enterprises] == [parts]
    assert "进口大于出口" in weak.reasons
    assert (weak.exports, weak.imports) == (10, 200)
    total = Decimal(1000 + 500 + 300 + 10 + 200)
    assert weak.city_total == total
    assert round(weak.share_pct, 1) == Decimal("10.4")  # 210 of 2,010
    # the bureau sees district B's exporter too, which fills the segment
    bureau = {v.segment.name: v for v in selectors.chain_analysis(user=city.officer, chain=chain)}
    assert bureau["汽车零部件"].state == "filled" and len(bureau["汽车零部件"].enterprises) == 2


def test_chain_reads_the_records_once_per_import(city, chain_city):
    """The chain's scan of the records is cached until the next rebuild: a large city's chain
    page then costs no scan, and a new import's figures show at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chain, _segments, _cars, parts = chain_city

    def scans() -> tuple[int, dict[str, object]]:
        with CaptureQueriesContext(connection) as queries:
            views = {
                v.segment.name: v
                for v in selectors.chain_analysis(user=city.district_a_user, chain=chain)
            }
        reads = sum('FROM "trade_customsrecord"' in q["sql"] for q in queries.captured_queries)
        return reads, views

    first, _ = scans()
    again, views = scans()
    assert (first, again) == (1, 0)
    assert views["汽车零部件"].exports == 10
    record(parts, "export", "87089900", "304", "90")
    rebuild_rollups([MARCH])
    after, views = scans()
    assert after == 1
    assert views["汽车零部件"].exports == 100


def test_drill_from_a_gap_to_its_import_sources(city, chain_city, client: Client):
    chain, segments, _cars, _parts = chain_city
    client.force_login(city.district_a_user)
    detail = client.get(reverse("zones:chain_detail", args=[chain.pk])).content.decode()
    segment_url = reverse("zones:chain_segment", args=[chain.pk, segments["动力电池"].pk])
    assert segment_url in detail and "缺失" in detail
    page = client.get(segment_url).content.decode()
    assert "韩国" in page and "日本" in page
    records_url = f"{reverse('trade:analysis_records')}?year=2026&amp;month=3&amp;flow=import"
    assert records_url in page
    link = page.split(records_url, 1)[1].split('"', 1)[0].replace("&amp;", "&")
    drilled = client.get(f"{reverse('trade:analysis_records')}?year=2026&month=3&flow=import{link}")
    assert drilled.status_code == 200
    assert "示范机械有限公司" in drilled.content.decode()


def test_chain_export_lists_segments_and_gaps(city, chain_city, client: Client):
    from kaifang.zones.tests.test_views_scope import xlsx_text

    chain, *_ = chain_city
    client.force_login(city.district_a_user)
    text = xlsx_text(client.get(reverse("zones:chain_export", args=[chain.pk])).content)
    assert "动力电池" in text and "缺失" in text and "韩国" in text
    matrix = client.get(reverse("zones:chain_matrix")).content.decode()
    assert "tag-red" in matrix and "tag-yellow" in matrix and "tag-green" in matrix
