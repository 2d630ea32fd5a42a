"""Exposure equals the sum of the matching rows of a data set computed by hand (conftest),
read from the exposure rollup and from the customs records alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifang.risk.models import ShockKind
from kaifang.risk.selectors import (
    LineMatch,
    Spec,
    default_until,
    exposure,
    resolve_partners,
    window,
)
from kaifang.risk.tests.conftest import d
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory

US = frozenset({"502"})
MARCH = d(2025, 3)


@pytest.fixture(params=["rollup", "facts"])
def source(request):
    return request.param


def _by_name(result):
    return {e.name: e for e in result.enterprises}


def test_window_runs_back_across_the_year_boundary():
    months = window(MARCH, 12)
    assert months[0] == d(2024, 4) and months[-1] == MARCH and len(months) == 12
    assert window(d(2025, 1), 3) == [d(2024, 11), d(2024, 12), d(2025, 1)]


@pytest.mark.parametrize("kept", [True, False])
def test_each_firms_own_trade_in_the_window_comes_from_its_year_to_date_rows(risk_data, kept):
    """Session 58: a firm's own trade in a window across a year's end is its 累计 at the
    window's last month in each year, less its 累计 before the window's first month: 甲's
    450 without the 999 a month before the window, 乙's 40 without the month after it. Read
    from the 累计 rows (two or three a firm, not twelve monthly ones); before the first
    `rebuild-rollups` fills them, from the monthly rows, with the same figures."""
    from kaifang.trade.models import YearToDateRollup

    if not kept:
        YearToDateRollup.objects.all().delete()
    spec = Spec(flow="export", partner_codes=US, until=MARCH)
    with CaptureQueriesContext(connection) as read:
        rows = _by_name(exposure(viewer=None, spec=spec))
    assert {name: e.own_trade for name, e in rows.items()} == {
        "甲电机": Decimal(450),
        "乙电器": Decimal(40),
        "丙机械": Decimal(85),
    }
    own = [x["sql"] for x in read.captured_queries if '"key" IN (' in x["sql"]]
    assert len(own) == 1 and ("trade_yeartodaterollup" in own[0]) == kept, own


def test_chapters_partner_flow_and_trailing_window(risk_data, source):
    spec = Spec(flow="export", partner_codes=US, lines=("85", "84"), until=MARCH)
    result = exposure(source=source, viewer=None, spec=spec)
    rows = _by_name(result)
    # 甲: 100 (2025-01) + 50 (2024-12) + 30 (2024-04); not 999 (2024-03), Japan, import, ch. 61
    assert rows["甲电机"].exposed == Decimal(180)
    assert rows["乙电器"].exposed == Decimal(40)  # the 2025-04 row is after the window
    assert rows["丙机械"].exposed == Decimal(60)  # Germany's 25 is not counted
    assert result.total_exposed == Decimal(280)
    # the city's exports in the window: 甲 450, 乙 40, 丙 85
    assert result.total_trade == Decimal(575)
    assert result.share == Decimal(280) / Decimal(575)
    assert rows["甲电机"].own_trade == Decimal(450)
    assert rows["甲电机"].share_of_own_trade == Decimal("0.4")
    assert rows["乙电器"].share_of_own_trade == Decimal(1)
    assert [e.name for e in result.enterprises] == ["甲电机", "丙机械", "乙电器"]


def test_hs_prefixes_at_every_level(risk_data, source):
    spec = Spec(partner_codes=US, lines=("8501", "847130", "85423100"), until=MARCH)
    rows = _by_name(exposure(source=source, viewer=None, spec=spec))
    assert rows["甲电机"].exposed == Decimal(180)
    assert "乙电器" not in rows  # 85044000 is in none of the lines
    assert rows["丙机械"].exposed == Decimal(60)


def test_codes_longer_than_the_data_match_by_prefix(risk_data, source):
    spec = Spec(partner_codes=US, lines=("8471300010",), until=MARCH)
    result = exposure(source=source, viewer=None, spec=spec)
    assert {e.name: e.exposed for e in result.enterprises} == {
        "甲电机": Decimal(50),
        "丙机械": Decimal(60),
    }
    # two records (甲 and 丙) of one code of the city's data, 84713000
    assert result.by_line == {"8471300010": LineMatch(records=2, codes=1, exposed=Decimal(110))}


def test_overlapping_lines_count_a_row_once(risk_data, source):
    spec = Spec(partner_codes=US, lines=("85", "8501", "85011020"), until=MARCH)
    result = exposure(source=source, viewer=None, spec=spec)
    assert result.total_exposed == Decimal(100 + 30 + 40)
    assert result.by_line["85011020"] == LineMatch(records=1, codes=1, exposed=Decimal(100))
    # 85423100 (甲) and 85044000 (乙): two codes
    assert result.by_line["85"] == LineMatch(records=2, codes=2, exposed=Decimal(70))


def test_partner_groups_by_code_or_name(risk_data, source):
    by_name = resolve_partners(["美日"])
    by_code = resolve_partners(["us-jp"])
    assert by_name.codes == by_code.codes == frozenset({"502", "116"})
    assert resolve_partners(["502", "nowhere", "888"]).unknown == ("nowhere", "888")
    spec = Spec(partner_codes=by_name.codes, lines=("85",), until=MARCH)
    rows = _by_name(exposure(source=source, viewer=None, spec=spec))
    assert rows["甲电机"].exposed == Decimal(100 + 30 + 70)


def test_import_flow_and_cny(risk_data, source):
    spec = Spec(flow="import", partner_codes=US, until=MARCH, currency="cny")
    result = exposure(source=source, viewer=None, spec=spec)
    assert [(e.name, e.exposed) for e in result.enterprises] == [("甲电机", Decimal(3500))]
    assert result.total_trade == Decimal(3500)


def test_default_until_is_the_latest_month_with_data(risk_data, source):
    result = exposure(source=source, viewer=None, spec=Spec(partner_codes=US, lines=("85",)))
    assert result.months[-1] == d(2025, 4)
    assert _by_name(result)["乙电器"].exposed == Decimal(40 + 11)


def test_shocks_estimate_the_loss(risk_data, source):
    base = {"partner_codes": US, "lines": ("85", "84"), "until": MARCH}
    tariff = exposure(
        source=source,
        viewer=None,
        spec=Spec(**base, shock=ShockKind.TARIFF, tariff_pp=Decimal(25), elasticity=Decimal("1.5")),
    )
    assert tariff.total_loss == Decimal(280) * Decimal("0.375")
    rated = exposure(
        source=source,
        viewer=None,
        spec=Spec(
            **base,
            shock=ShockKind.TARIFF,
            tariff_pp=Decimal(25),
            elasticity=Decimal("1.5"),
            rates=(("85", Decimal(10)),),
        ),
    )
    # 甲: 85 lines 130 × 15 % + 84 line 50 × 37.5 %
    assert _by_name(rated)["甲电机"].loss == Decimal("19.5") + Decimal("18.75")
    share = exposure(
        source=source, viewer=None, spec=Spec(**base, shock="share", share_lost_pct=Decimal(30))
    )
    assert share.total_loss == Decimal("84")
    stop = exposure(source=source, viewer=None, spec=Spec(**base, shock="stop"))
    assert stop.total_loss == Decimal(280)


def test_breakdowns_name_the_place_not_the_unit(risk_data, city, source):
    # A district unit is 东城区商务局; the breakdown means the place, 东城区 (its 简称).
    # A unit without a 简称 keeps its full name.
    city.district_a.short_name = "东城区"
    city.district_a.save()
    city.district_a_park.short_name = "东城经开区"
    city.district_a_park.save()
    result = exposure(
        source=source, viewer=None, spec=Spec(partner_codes=US, lines=("85", "84"), until=MARCH)
    )
    assert [g.name for g in result.by_district] == ["东城区", "西城区商务局"]
    assert _by_name(result)["甲电机"].district == "东城区"
    assert {g.name for g in result.by_park} == {"东城经开区", "不在园区"}


def test_breakdowns_by_district_park_industry(risk_data, city, source):
    result = exposure(
        source=source, viewer=None, spec=Spec(partner_codes=US, lines=("85", "84"), until=MARCH)
    )
    districts = {g.name: g.exposed for g in result.by_district}
    assert districts == {"东城区商务局": Decimal(220), "西城区商务局": Decimal(60)}
    parks = {g.name: g.exposed for g in result.by_park}
    assert parks == {"东城经开区管委会": Decimal(180), "不在园区": Decimal(100)}
    industries = {g.key: g.exposed for g in result.by_industry}
    assert industries == {"39": Decimal(180), "未填行业": Decimal(100)}


@pytest.mark.parametrize("persona", ["district_a_user", "district_b_user", "liaison"])
def test_a_scoped_viewer_sees_only_their_enterprises(risk_data, city, persona, source):
    spec = Spec(partner_codes=US, lines=("85", "84"), until=MARCH)
    result = exposure(source=source, viewer=getattr(city, persona), spec=spec)
    expected = {
        "district_a_user": ({"甲电机", "乙电器"}, Decimal(490)),
        "district_b_user": ({"丙机械"}, Decimal(85)),
        "liaison": ({"甲电机"}, Decimal(450)),
    }[persona]
    assert {e.name for e in result.enterprises} == expected[0]
    assert result.total_trade == expected[1]


def test_a_district_scenario_stays_in_its_district_for_the_leader(risk_data, city, source):
    spec = Spec(partner_codes=US, lines=("85", "84"), until=MARCH)
    result = exposure(source=source, viewer=city.leader, spec=spec, owner=city.district_a_user)
    assert {e.name for e in result.enterprises} == {"甲电机", "乙电器"}
    assert result.total_trade == Decimal(490)


def test_upper_bounds_make_index_ranges():
    from kaifang.risk.matching import upper_bound

    assert upper_bound("61") == "62"
    assert upper_bound("6199") == "62"
    assert upper_bound("8509") == "851"
    assert upper_bound("99") is None and upper_bound("9") is None


def test_default_until_is_the_viewers_newest_month_and_moves_with_an_import(risk_data, city):
    """The exposure page's default last month is the newest the viewer sees, kept per rollup
    version and scope: a month imported in the viewer's district shows at once, one in
    another district does not move it, and a repeat reads nothing."""
    assert default_until(None) == d(2025, 4)
    assert default_until(city.district_b_user) == d(2025, 1)
    with CaptureQueriesContext(connection) as repeat:
        assert default_until(None) == d(2025, 4)
    assert not [q for q in repeat.captured_queries if "kaifang_cache" not in q["sql"]]
    CustomsRecordFactory(enterprise=risk_data.b1, period=d(2025, 6), value_usd=Decimal(5))
    rebuild_rollups([d(2025, 6)])
    assert default_until(city.district_b_user) == d(2025, 6)
    assert default_until(city.district_a_user) == d(2025, 4)
    assert default_until(None) == d(2025, 6)
