"""Issue 17: the drill-down's count and totals from the rollups equal those of its records."""

from __future__ import annotations

import pytest

from kaifang.core.models import PartnerGroup
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import (
    SPANS,
    Keys,
    Query,
    drill_records,
    drill_summary,
    records_summary,
)

pytestmark = pytest.mark.django_db

KEYS = [
    {},
    {"partner": "502"},
    {"partner": "-"},
    {"mode": "10"},
    {"hs": "84"},
    {"hs": "8471"},
    {"hs": "8"},
    {"hs": "-"},
]


@pytest.mark.parametrize("flow", ["total", "export", "import"])
def test_rollup_summary_equals_the_records_for_every_persona(trade_data, city, flow):
    """Every span and every key the rollups can answer, for a viewer who sees the city, a
    district user (pair rollups) and a liaison officer (liaison rollup); the enterprise key
    too. A wrong key, month or scope would move a count or a total."""
    trade_data.e1.liaison = city.liaison
    trade_data.e1.save()
    trade_data.e2.liaison = city.liaison  # e2 lies outside the liaison officer's district
    trade_data.e2.save()
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, flow=flow)
    seen = 0
    groups = [{"group": code} for code in PartnerGroup.objects.values_list("code", flat=True)]
    assert groups
    firm_keys = [
        {"district": str(trade_data.e1.district_id)},
        {"district": str(trade_data.e2.district_id), "park": "-"},
        {"park": "-"},
        {"industry": "-"},
        {"industry": "C"},
    ]
    for viewer in (None, city.leader, city.district_a_user, city.liaison):
        for params in [*KEYS, *groups, *firm_keys, {"enterprise": str(trade_data.e1.pk)}]:
            keys = Keys(**params)
            for span in SPANS:
                summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
                assert summary is not None, (viewer, params)
                expected = records_summary(drill_records(viewer=viewer, q=q, span=span, keys=keys))
                assert summary == expected, (viewer, params, span)
                seen += expected.count
    assert seen > 0


def test_keys_the_rollups_cannot_answer_give_none(trade_data, city):
    """A partner within a product, a partner (or group), a product and a trade mode together,
    an eight-digit code and one trade key within a district only for the whole city (the
    partner × heading, partner × heading × mode and commodity code rollups have no enterprise,
    and a district user's pair rollups are his whole scope's); no rollup holds an HS code
    beyond the heading with a partner, nor a heading with a partner within a place. A
    partner (or group), a chapter and a trade mode: the pair × partner × chapter × mode rows
    of a district user's units (decisions 0043 and 0053)."""
    q = Query(year=2025, month=3)
    three = (
        Keys(group="g-ab", mode="10", hs="84"),
        Keys(partner="502", mode="10", hs="84"),
    )
    for keys in (
        Keys(group="g-ab", mode="10", hs="8471"),
        Keys(partner="502", hs="8471"),
        Keys(hs="84713000"),
        Keys(hs="84713000", district=str(city.district_a.pk)),
    ):
        assert drill_summary(viewer=city.district_a_user, q=q, span="ytd", keys=keys) is None
    for keys in (Keys(partner="502", hs="84"), *three):
        found = drill_summary(viewer=city.district_a_user, q=q, span="ytd", keys=keys)
        records = drill_records(viewer=city.district_a_user, q=q, span="ytd", keys=keys)
        assert found is not None and found.count and found == records_summary(records), keys
    for keys in (*three, Keys(partner="502", hs="84"), Keys(hs="84713000")):
        found = drill_summary(viewer=city.leader, q=q, span="ytd", keys=keys)
        records = drill_records(viewer=city.leader, q=q, span="ytd", keys=keys)
        assert found == records_summary(records), keys
        assert found is not None and found.count
    assert (
        drill_summary(viewer=city.leader, q=q, span="ytd", keys=Keys(partner="502", hs="847130"))
        is None
    )


@pytest.mark.parametrize("flow", ["total", "export"])
def test_one_key_within_a_district_or_park_counts_from_its_pair_rollup_for_the_whole_city(
    trade_data, city, flow
):
    """A partner, group, HS prefix or trade mode within a district or a park (a district row's
    next level), for a viewer who sees the whole city: the (district, park) pair rollup
    counts and sums it as the records do; its chart read the partner stage of the
    district's firms over 36 months (0.7 s on a first view at 5.6 M, session 42). An
    eight-digit code: the commodity code rollup."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, flow=flow)
    a, b, park = str(city.district_a.pk), str(city.district_b.pk), str(city.district_a_park.pk)
    combos = [
        ({"partner": "502", "district": a}, "trade_scoperollup"),
        ({"partner": "-", "district": b}, "trade_scoperollup"),
        ({"group": "g-b", "district": b}, "trade_scoperollup"),
        ({"hs": "84", "park": park}, "trade_scoperollup"),
        ({"hs": "8471", "district": a, "park": "-"}, "trade_scoperollup"),
        ({"mode": "10", "district": "-"}, "trade_scoperollup"),
        # a place alone: its pairs' trade-mode rows, not the enterprise rollup of its firms
        ({"district": a}, "trade_scoperollup"),
        ({"park": "-"}, "trade_scoperollup"),
        ({"park": park}, "trade_scoperollup"),
        ({"district": b, "park": "-"}, "trade_scoperollup"),
        ({"district": "-"}, "trade_scoperollup"),
        ({"hs": "84713000"}, "trade_commodityrollup"),
        ({"hs": "6109"}, "trade_traderollup"),
    ]
    seen = 0
    for params, table in combos:
        keys = Keys(**params)
        for span in SPANS:
            with CaptureQueriesContext(connection) as read:
                summary = drill_summary(viewer=city.leader, q=q, span=span, keys=keys)
            assert any(table in x["sql"] for x in read.captured_queries), params
            expected = records_summary(drill_records(viewer=city.leader, q=q, span=span, keys=keys))
            assert summary == expected, (params, span)
            seen += expected.count
    assert seen > 10


@pytest.mark.parametrize("flow", ["total", "import"])
def test_a_partner_within_a_product_counts_from_its_cross_for_the_whole_city(
    trade_data, city, flow
):
    """A partner or group within an HS chapter or heading (and the reverse), for a viewer who
    sees the whole city: counted and summed from the partner × heading rollup, as the
    records (issue 17: 5.9 s from the records at 11.3 M, session 40)."""
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, flow=flow)
    combos = [
        {"partner": "502", "hs": "84"},
        {"partner": "502", "hs": "8471"},
        {"partner": "116", "hs": "6"},
        {"partner": "-", "hs": "-"},
        {"group": "g-ab", "hs": "85"},
        {"group": "g-ab", "partner": "502"},
        {"group": "g-b", "partner": "502", "hs": "84"},
    ]
    seen = 0
    for viewer in (None, city.leader):
        for params in combos:
            keys = Keys(**params)
            for span in SPANS:
                summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
                expected = records_summary(drill_records(viewer=viewer, q=q, span=span, keys=keys))
                assert summary == expected, (viewer, params, span)
                seen += expected.count
    assert seen > 10


@pytest.mark.parametrize("flow", ["total", "export"])
def test_several_keys_count_from_the_stage_rollups_as_the_records(trade_data, city, flow):
    """A row's next level drills with two keys (an HS chapter within a trade mode, a partner
    within a district, a firm's trade mode): the enterprise stage rollups count and sum them,
    through each persona's scope (issue 17: 14 s from the records at 5.6 M, session 40)."""
    trade_data.e2.liaison = city.liaison
    trade_data.e2.save()
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, flow=flow)
    e1, a, b = str(trade_data.e1.pk), str(city.district_a.pk), str(city.district_b.pk)
    combos = [
        {"hs": "84", "mode": "10"},
        {"hs": "6109", "mode": "15"},
        {"hs": "-", "mode": "10"},
        {"mode": "10", "enterprise": e1},
        {"hs": "84", "enterprise": e1},
        {"partner": "502", "enterprise": e1},
        {"group": "g-ab", "enterprise": e1},
        {"partner": "502", "district": a},
        {"group": "g-b", "district": b},
        {"mode": "10", "industry": "C"},
        {"hs": "61", "park": "-", "district": b},
        # a partner or group with a trade mode: the partner stage, grouped by mode too
        {"partner": "502", "mode": "10"},
        {"group": "g-ab", "mode": "10"},
        {"partner": "-", "mode": "15", "district": a},
    ]
    seen = 0
    for viewer in (None, city.leader, city.district_a_user, city.liaison):
        for params in combos:
            keys = Keys(**params)
            for span in SPANS:
                summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
                assert summary is not None, (viewer, params)
                expected = records_summary(drill_records(viewer=viewer, q=q, span=span, keys=keys))
                assert summary == expected, (viewer, params, span)
                seen += expected.count
    assert seen > 30


@pytest.mark.parametrize("flow", ["total", "export"])
def test_a_count_no_rollup_holds_equals_the_records_whichever_plan_reads_it(trade_data, city, flow):
    """Keys no rollup of the viewer's holds (a partner within an HS chapter, a partner within
    a trade mode) are counted from the records: for a scoped viewer on SQLite through his
    firms' records, the keys tested on the unique key (`count_plan`: a liaison officer's year
    of partner 116 within HS 29 took 150 ms of CPU at 11.3 M records, read across the city
    by partner; 14 ms so). The same count and totals as the records."""
    from django.db import connection

    from kaifang.trade.selectors import drill_totals
    from kaifang.trade.selectors.plans import FREE, SCOPE, count_plan

    trade_data.e2.liaison = city.liaison
    trade_data.e2.save()
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, flow=flow)
    seen = 0
    for viewer in (city.liaison, city.district_a_user, city.leader):
        for params in ({"partner": "502", "hs": "84"}, {"partner": "116", "mode": "15"}):
            keys = Keys(**params)
            for span in SPANS:
                found = drill_totals(viewer=viewer, q=q, span=span, keys=keys)
                free = drill_records(viewer=viewer, q=q, span=span, keys=keys, plan=FREE)
                assert found == records_summary(free), (viewer, params, span)
                seen += found.count
    assert seen > 0
    keys = Keys(partner="116", mode="15")
    liaison = count_plan(viewer=city.liaison, q=q, span="ytd", keys=keys)
    assert liaison == (SCOPE if connection.vendor == "sqlite" else FREE)
    assert count_plan(viewer=city.leader, q=q, span="ytd", keys=keys) == FREE


def test_a_count_from_the_records_is_kept_until_the_next_rebuild_per_scope(trade_data, city):
    """A drill-down's count and totals read from its records are kept per rollup version and
    scope (a liaison officer's year within partner 116, HS 29 and district 10 aggregated 80 ms
    of every view, session 49): a second view reads no record, another scope gets its own
    figures, and an import's rebuild retires them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.trade.selectors import drill_totals
    from kaifang.trade.selectors.plans import FREE
    from kaifang.trade.tests.conftest import d
    from kaifang.trade.tests.factories import CustomsRecordFactory

    q = Query(year=2025, month=3)
    keys = Keys(partner="502", hs="84")

    def records(viewer):
        return records_summary(drill_records(viewer=viewer, q=q, span="ytd", keys=keys, plan=FREE))

    first = drill_totals(viewer=city.district_a_user, q=q, span="ytd", keys=keys)
    assert first == records(city.district_a_user) and first.count > 0
    with CaptureQueriesContext(connection) as read:
        again = drill_totals(viewer=city.district_a_user, q=q, span="ytd", keys=keys)
    assert again == first
    assert not any("trade_customsrecord" in x["sql"] for x in read.captured_queries)
    other = drill_totals(viewer=city.district_b_user, q=q, span="ytd", keys=keys)
    assert other == records(city.district_b_user) != first
    CustomsRecordFactory(
        enterprise=trade_data.e3,
        period=d(2025, 2),
        flow="export",
        partner_code="502",
        hs_code="84713000",
        trade_mode="10",
        value_usd=7,
    )
    rebuild_rollups([d(2025, 2)])
    after = drill_totals(viewer=city.district_a_user, q=q, span="ytd", keys=keys)
    assert after == records(city.district_a_user)
    assert after.count == first.count + 1


def test_a_count_from_the_rollups_is_kept_until_the_next_rebuild(trade_data, city):
    """The rollups' count is kept too (a district user's year of HS 85 within 一般贸易 summed
    his firms' product stage on every view, 81–88 ms at 5.6 M, for the footer and the plan's
    costs): a second request reads no rollup; a rebuild retires it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.core.lib import request_memo
    from kaifang.trade.selectors.plans import FREE
    from kaifang.trade.tests.conftest import d
    from kaifang.trade.tests.factories import CustomsRecordFactory

    q = Query(year=2025, month=3)
    keys = Keys(hs="61", mode="10")
    viewer = city.district_b_user

    def records():
        return records_summary(drill_records(viewer=viewer, q=q, span="ytd", keys=keys, plan=FREE))

    with request_memo.opened():
        first = drill_summary(viewer=viewer, q=q, span="ytd", keys=keys)
    assert first is not None and first == records() and first.count > 0
    with request_memo.opened(), CaptureQueriesContext(connection) as read:
        assert drill_summary(viewer=viewer, q=q, span="ytd", keys=keys) == first
    assert not any('"trade_' in x["sql"] for x in read.captured_queries), read.captured_queries
    CustomsRecordFactory(
        enterprise=trade_data.e4,  # district B
        period=d(2025, 3),
        flow="export",
        partner_code="116",
        hs_code="61099000",
        trade_mode="10",
        value_usd=3,
    )
    rebuild_rollups([d(2025, 3)])
    with request_memo.opened():
        after = drill_summary(viewer=viewer, q=q, span="ytd", keys=keys)
    assert after == records() and after is not None and after.count == first.count + 1
