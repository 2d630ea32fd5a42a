"""The exposure rollup: rewritten with trade's settled rebuilds, and a scenario read from it
equals the same scenario summed from the customs records, on rows made by the demo city's
generator (several trade modes per product and partner, so the rollup really merges rows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from kaifang.core.models import HSCode, Partner, PartnerGroup
from kaifang.enterprises.demo import enterprise_specs
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.risk import rollup
from kaifang.risk.demo import US_LIST
from kaifang.risk.models import ExposureRollup
from kaifang.risk.selectors import LineMatch, Spec, exposure
from kaifang.risk.tests.conftest import d
from kaifang.trade.bulk import insert_rows
from kaifang.trade.demo import CHAPTERS, _Catalog, generate_rows
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory

FIRMS = 30
MONTHS = [dt.date(2024, 1, 1) + dt.timedelta(days=31 * k) for k in range(18)]
MONTHS = [m.replace(day=1) for m in MONTHS]


def _facts_grouped() -> dict[tuple[object, ...], tuple[Decimal, Decimal, int]]:
    rows = (
        CustomsRecord.objects.values("enterprise_id", "period", "flow", "partner_code", "hs_code")
        .annotate(usd=Sum("value_usd"), cny=Sum("value_cny"), n=Count("id"))
        .order_by()
    )
    return {
        (r["enterprise_id"], r["period"], r["flow"], r["partner_code"], r["hs_code"]): (
            r["usd"] or Decimal(0),
            r["cny"] or Decimal(0),
            r["n"],
        )
        for r in rows
    }


def _rollup_rows() -> dict[tuple[object, ...], tuple[Decimal, Decimal, int]]:
    return {
        (r.enterprise_id, r.period, r.flow, r.partner_code, r.hs_code): (
            r.value_usd,
            r.value_cny,
            r.rows,
        )
        for r in ExposureRollup.objects.all()
    }


def test_the_rollup_follows_every_settled_rebuild_of_trade(db):
    # settle=True (the command, the demo loader): rewritten at once; an import's rebuild only
    # marks its months (test_rollup_refresh.py).
    firm = EnterpriseFactory()
    for mode, usd in (("10", 100), ("15", 40)):  # two trade modes: one rollup row
        CustomsRecordFactory(enterprise=firm, trade_mode=mode, value_usd=Decimal(usd))
    CustomsRecordFactory(enterprise=firm, period=d(2025, 2), value_usd=None)  # no dollar value
    rebuild_rollups([d(2025, 2), d(2025, 3)], settle=True)
    assert _rollup_rows() == _facts_grouped()
    march = ExposureRollup.objects.get(period=d(2025, 3))
    assert (march.value_usd, march.rows) == (Decimal(140), 2)
    assert ExposureRollup.objects.get(period=d(2025, 2)).value_usd == 0
    # Months rebuilt again are replaced, the others kept; emptied months lose their rows.
    CustomsRecord.objects.filter(period=d(2025, 2)).delete()
    CustomsRecordFactory(enterprise=firm, trade_mode="14", value_usd=Decimal(1))
    rebuild_rollups([d(2025, 2), d(2025, 3)], settle=True)
    assert _rollup_rows() == _facts_grouped()
    assert ExposureRollup.objects.get(period=d(2025, 3)).rows == 3
    # A rebuild of other months leaves these alone.
    rebuild_rollups([d(2024, 1)], settle=True)
    assert ExposureRollup.objects.count() == 1


def test_rebuild_all_fills_the_rollup_of_an_upgraded_database(db):
    CustomsRecordFactory(period=d(2024, 5))
    CustomsRecordFactory(period=d(2025, 6), flow="import", partner_code="116")
    ExposureRollup.objects.all().delete()
    assert rollup.rebuild_all() == 2
    assert _rollup_rows() == _facts_grouped()


@pytest.fixture
def demo_trade(city, trade_reference):
    """FIRMS demo firms with their generated customs records over 18 months."""
    for chapter in {c for pair in CHAPTERS.values() for side in pair for c in side}:
        for k in range(3):
            HSCode.objects.create(
                code=f"{chapter}{k + 1:02d}{k * 3:02d}00", level=HSCode.Level.NATIONAL
            )
    for code in ("85076000", "84713000", "84733000", "85044000", "85011020"):
        HSCode.objects.get_or_create(code=code, defaults={"level": HSCode.Level.NATIONAL})
    specs = enterprise_specs(7, FIRMS)
    units = [city.district_a, city.district_b, None]
    ids = {}
    for n, spec in enumerate(specs):
        firm = EnterpriseFactory(
            uscc=spec.uscc,
            name=spec.name,
            district=units[n % 3],
            park=city.district_a_park if n % 5 == 0 else None,
            liaison=city.liaison if n % 4 == 0 else None,
        )
        ids[spec.uscc] = firm.pk
    rows = generate_rows(specs, ids, MONTHS, seed=7, size="small", catalog=_Catalog())
    assert insert_rows(rows) > 1000
    eu = PartnerGroup.objects.create(code="eu", name="欧盟", order=1)
    eu.members.set(Partner.objects.filter(code__in=["304", "305", "307", "309", "312", "327"]))
    rebuild_rollups(MONTHS, settle=True)


SPECS = {
    "US × 84, 85 (tariff)": Spec(
        partner_codes=frozenset({"502"}),
        lines=("84", "85"),
        shock="tariff",
        tariff_pp=Decimal(25),
        elasticity=Decimal("1.5"),
    ),
    "US × the published list": Spec(
        partner_codes=frozenset({"502"}),
        lines=tuple(code for code, _, _ in US_LIST),
        rates=tuple((code, rate) for code, rate, _ in US_LIST),
        shock="tariff",
        tariff_pp=Decimal(25),
        elasticity=Decimal("1.5"),
    ),
    "EU × 61–63, 6 months across a year (share)": Spec(
        partner_codes=frozenset({"304", "305", "307", "309", "312", "327"}),
        lines=("61", "62", "63"),
        months=6,
        until=d(2025, 2),
        shock="share",
        share_lost_pct=Decimal(30),
    ),
    "every partner × a heading and a subheading, imports in CNY": Spec(
        flow="import", lines=("8401", "520100"), currency="cny"
    ),
    "Japan, every product": Spec(partner_codes=frozenset({"116"})),
    "everything": Spec(months=36),
}


def _figures(result):
    return (
        result.months,
        result.total_exposed,
        result.total_trade,
        result.total_loss,
        result.records,
        [(e.enterprise_id, e.exposed, e.own_trade, e.loss) for e in result.enterprises],
        [(g.key, g.exposed, g.loss, g.enterprises) for g in result.by_district],
        [(g.key, g.exposed) for g in result.by_park],
        [(g.key, g.exposed) for g in result.by_industry],
        result.by_line,
    )


def test_the_rollup_gives_the_records_figures_on_demo_data(demo_trade, city):
    # One data set for every scenario and viewer (generating it is the slow part).
    differing = []
    for label, spec in SPECS.items():
        for persona in (None, "leader", "district_a_user", "liaison"):
            viewer = getattr(city, persona) if persona else None
            from_rollup = exposure(viewer=viewer, spec=spec)
            from_facts = exposure(viewer=viewer, spec=spec, source="facts")
            if _figures(from_rollup) != _figures(from_facts):
                differing.append((label, persona))
            if persona != "liaison":
                assert from_rollup.enterprises, (label, persona)
    assert differing == []
    _a_district_scenario_reads_the_same_for_the_leader(city)
    _line_matches_count_distinct_codes_and_records()


def _a_district_scenario_reads_the_same_for_the_leader(city):
    owner = city.district_b_user
    for label in ("US × 84, 85 (tariff)", "Japan, every product"):
        spec = SPECS[label]
        from_rollup = exposure(viewer=city.leader, spec=spec, owner=owner)
        from_facts = exposure(viewer=city.leader, spec=spec, owner=owner, source="facts")
        assert _figures(from_rollup) == _figures(from_facts), label
        assert {e.district for e in from_rollup.enterprises} == {city.district_b.name}, label


def _line_matches_count_distinct_codes_and_records():
    result = exposure(viewer=None, spec=SPECS["US × the published list"])
    facts = CustomsRecord.objects.filter(
        period__in=result.months, flow="export", partner_code="502"
    )
    chapter_85 = facts.filter(hs_code__startswith="85").exclude(
        hs_code__in=["85044000", "85076000"]
    )
    chapter_85 = chapter_85.exclude(hs_code__startswith="8501")
    assert result.by_line["85"] == LineMatch(
        records=chapter_85.count(),
        codes=chapter_85.values("hs_code").distinct().count(),
        exposed=chapter_85.aggregate(s=Sum("value_usd"))["s"],
    )
    assert result.by_line["85"].codes < result.by_line["85"].records
