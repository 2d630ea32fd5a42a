"""Users whose scope is a set of units read the (district, park) pair rollups: every figure
must equal the same sums over the customs records they see through visible_to()."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import CharField, F, Sum
from django.db.models.functions import Cast, Substr
from django.test.utils import CaptureQueriesContext

from kaifang.core.models import DataScope
from kaifang.core.scope import visible_to
from kaifang.core.tests.factories import RoleFactory, UserFactory
from kaifang.enterprises.actions import enterprise_update
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import BREAKDOWNS, Keys, Query, breakdown, totals_by_flow, trend
from kaifang.trade.selectors.base import latest_period, reach, sees_all
from kaifang.trade.tests.conftest import d
from kaifang.trade.tests.factories import CustomsRecordFactory
from kaifang.trade.tests.stages import assert_stages_equal_the_facts

_GROUPS = {
    "partner": F("partner_code"),
    "hs8": Substr("hs_code", 1, 8),
    "enterprise": Cast("enterprise_id", output_field=CharField()),
}


@pytest.fixture
def personas(trade_data, city):
    """trade_data plus two awkward enterprises and five kinds of scoped user.

    e6: district B, but in district A's park (a park user and both district users see it);
    e7: in the park, no district. district_a_user is also liaison of e4 (district B).
    """
    a, park, b = city.district_a, city.district_a_park, city.district_b
    e6 = EnterpriseFactory(name="己园区企业", district=b, park=park)
    e7 = EnterpriseFactory(name="庚园区企业", park=park)
    for ent, period, flow, partner, hs, usd in (
        (e6, d(2025, 3), "export", "502", "85423100", 70),
        (e6, d(2024, 2), "import", "116", "61091000", 15),
        (e7, d(2025, 1), "export", "303", "84713000", 25),
        (e7, d(2025, 3), "import", "502", "", 5),
    ):
        CustomsRecordFactory(
            enterprise=ent,
            period=period,
            flow=flow,
            partner_code=partner,
            hs_code=hs,
            trade_mode="10",
            value_usd=Decimal(usd),
        )
    trade_data.e4.liaison = city.district_a_user
    trade_data.e4.save()
    trade_data.e1.liaison = city.liaison
    trade_data.e1.save()
    trade_data.e2.liaison = city.liaison
    trade_data.e2.save()
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    park_user = UserFactory(
        username="park", unit=park, roles=[RoleFactory(code="park", data_scope=DataScope.UNIT)]
    )
    chosen_role = RoleFactory(code="chosen", data_scope=DataScope.CHOSEN)
    chosen_role.chosen_units.set([park, b])
    chosen = UserFactory(username="chosen", unit=a, roles=[chosen_role])
    return {
        "district with its park, liaison outside": city.district_a_user,
        "district whose enterprise sits in another's park": city.district_b_user,
        "park only": park_user,
        "chosen park and district": chosen,
        "liaison only": city.liaison,
    }


def _facts_by_flow(user, q: Query) -> dict[str, Decimal]:
    qs = visible_to(CustomsRecord.objects.all(), user).filter(period__in=q.span_months("ytd"))
    return {r["flow"]: r["v"] for r in qs.values("flow").annotate(v=Sum("value_usd")).order_by()}


BYS = [(by, Keys()) for by in BREAKDOWNS if by != "hs8"] + [("hs4", Keys(hs="84"))]


@pytest.mark.parametrize("flow", ["export", "import", "total"])
def test_scoped_rollups_equal_the_facts_through_the_scope_gate(personas, flow):
    q = Query(year=2025, month=3, flow=flow, currency="usd")
    for persona, user in personas.items():
        for by, keys in BYS:
            fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert fast.source == "rollup", (persona, by)
            assert fast.rows == raw.rows, (persona, by)
            assert fast.total == raw.total, (persona, by)
        # and the facts path is the gate itself: the same total as visible_to() gives
        direct = _facts_by_flow(user, q)
        expected = sum(direct.values(), Decimal(0)) if flow == "total" else direct.get(flow, 0)
        assert breakdown(viewer=user, by="partner", q=q).total.ytd == expected, persona


def test_firms_within_a_district_park_or_industry_equal_the_facts(personas, city):
    """A park page's table (by enterprise within the park's key) reads the enterprise rollup
    of the firms the key names, through the viewer's scope: the same rows as the records."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    parks = list(
        CustomsRecord.objects.exclude(enterprise__park=None)
        .values_list("enterprise__park_id", flat=True)
        .distinct()
    )
    keyed = [Keys(park=str(p)) for p in parks] + [
        Keys(park="-"),
        Keys(district=str(city.district_a.pk)),
        Keys(district=str(city.district_b.pk), park="-"),
        Keys(industry="C"),
        Keys(industry="-"),
    ]
    users = {**personas, "leader": city.leader}
    for persona, user in users.items():
        for keys in keyed:
            fast = breakdown(viewer=user, by="enterprise", q=q, keys=keys)
            raw = breakdown(viewer=user, by="enterprise", q=q, keys=keys, facts_only=True)
            assert fast.source == "rollup", (persona, keys)
            assert fast.rows == raw.rows, (persona, keys)
            assert fast.total == raw.total, (persona, keys)
    assert any(breakdown(viewer=city.leader, by="enterprise", q=q, keys=k).rows for k in keyed)


def test_scoped_cards_trend_and_latest_month_equal_the_facts(personas):
    q = Query(year=2025, month=3)
    for persona, user in personas.items():
        direct = _facts_by_flow(user, q)
        cards = totals_by_flow(viewer=user, q=q)
        for flow in ("export", "import"):
            assert cards[flow].ytd == direct.get(flow, 0), (persona, flow)
        monthly: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
        for r in visible_to(CustomsRecord.objects.all(), user):
            monthly[(r.period, r.flow)] += r.value_usd
        points = trend(viewer=user, end=q.period, currency="usd")
        assert {(p.period, "export"): p.export for p in points if p.export} | {
            (p.period, "import"): p.import_ for p in points if p.import_
        } == dict(monthly), persona
        newest = visible_to(CustomsRecord.objects.all(), user).order_by("-period").first()
        assert latest_period(user) == newest.period, persona


def test_an_enterprise_in_both_of_a_users_units_counts_once(personas, city, trade_data):
    """e1 is in district A and in its park; the district user's scope holds both."""
    q = Query(year=2025, month=3, flow="export")
    rows = {r.key: r.ytd for r in breakdown(viewer=city.district_a_user, by="hs2", q=q).rows}
    # e1 (150 in 84, not 300) + e7 (25 in 84) and e6 (70 in 85) through the park
    # + e4 as liaison (20 in 61)
    assert rows == {"84": Decimal(175), "85": Decimal(70), "61": Decimal(20)}


def test_moving_an_enterprise_moves_its_trade_in_the_pair_rollups(
    personas, city, trade_data, django_capture_on_commit_callbacks
):
    q = Query(year=2025, month=3, flow="import")
    user = city.district_b_user
    before = breakdown(viewer=user, by="partner", q=q).total.ytd
    with django_capture_on_commit_callbacks(execute=True):  # the refresh runs at commit
        enterprise_update(actor=city.admin, enterprise=trade_data.e3, district=city.district_b)
    after = breakdown(viewer=user, by="partner", q=q)
    assert after.total.ytd == before + Decimal(200)  # e3 imported 200 in 2025-03
    assert after.rows == breakdown(viewer=user, by="partner", q=q, facts_only=True).rows
    assert_stages_equal_the_facts()  # the pair × partner × chapter rows of both pairs
    a_rows = breakdown(viewer=city.district_a_user, by="partner", q=q)
    assert (
        a_rows.rows
        == breakdown(viewer=city.district_a_user, by="partner", q=q, facts_only=True).rows
    )


def test_a_new_liaison_takes_the_enterprise_into_their_rollups(
    personas, city, trade_data, django_capture_on_commit_callbacks
):
    """e3 (district A, imports 200 in 2025-03) gets the liaison officer: their figures and
    district B's liaison-outside user stay equal to the facts, with no rebuild."""
    q = Query(year=2025, month=3, flow="import")
    before = breakdown(viewer=city.liaison, by="partner", q=q).total.ytd
    with django_capture_on_commit_callbacks(execute=True):  # the refresh runs at commit
        enterprise_update(actor=city.admin, enterprise=trade_data.e3, liaison=city.liaison)
    for user in (city.liaison, city.district_a_user, city.district_b_user):
        for by in ("partner", "hs4", "mode", "hs8"):
            fast = breakdown(viewer=user, by=by, q=q)
            assert fast.rows == breakdown(viewer=user, by=by, q=q, facts_only=True).rows
    assert breakdown(viewer=city.liaison, by="partner", q=q).total.ytd == before + 200
    # his codes too: the pair's officer × code rows were grouped again (decision 0061)
    assert breakdown(viewer=city.liaison, by="hs8", q=q).total.ytd == before + 200
    assert_stages_equal_the_facts()
    assert totals_by_flow(viewer=city.liaison, q=q)["import"].ytd == before + 200


def test_a_new_liaison_regroups_the_codes_of_the_officers_it_concerns_alone(
    personas, city, trade_data, django_capture_on_commit_callbacks
):
    """e4 (district B, district_a_user's) loses its liaison officer: his codes in district B
    are grouped again, and the other officer's there (the liaison officer's e2) are left as
    they were, row for row; every officer's codes still equal their firms' records."""
    from kaifang.trade import invalidation
    from kaifang.trade.models import LiaisonCommodityRollup

    invalidation._flush()  # the fixture's saves, whose commit the test's transaction holds back
    district_b = {"district_id": city.district_b.pk, "park_id": 0}
    theirs = LiaisonCommodityRollup.objects.filter(liaison_id=city.liaison.pk, **district_b)
    kept = sorted(theirs.values_list("id", "code", "period", "value_usd"))
    assert kept and LiaisonCommodityRollup.objects.filter(liaison_id=city.district_a_user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=city.admin, enterprise=trade_data.e4, liaison=None)
    assert sorted(theirs.values_list("id", "code", "period", "value_usd")) == kept
    assert not LiaisonCommodityRollup.objects.filter(liaison_id=city.district_a_user.pk)
    assert_stages_equal_the_facts()
    q = Query(year=2025, month=3)
    user = city.district_a_user  # his district's codes now, through his units alone
    assert breakdown(viewer=user, by="hs8", q=q).rows == (
        breakdown(viewer=user, by="hs8", q=q, facts_only=True).rows
    )


def test_many_moves_in_one_transaction_refresh_each_pair_once(
    personas, city, trade_data, django_capture_on_commit_callbacks
):
    from unittest import mock

    from django.db import transaction

    with (
        mock.patch("kaifang.trade.rollups.refresh_pairs", return_value=0) as refresh,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for firm in (trade_data.e1, trade_data.e2, trade_data.e3):
            enterprise_update(actor=city.admin, enterprise=firm, liaison=city.liaison)
    assert refresh.call_count == 1


@pytest.mark.parametrize("flow", ["export", "total"])
def test_breakdowns_within_a_key_read_the_stage_rollups_with_the_facts_figures(
    personas, city, flow
):
    """A row's next level (by enterprise within 一般贸易, by chapter within a trade mode, by
    partner within a district …) reads the enterprise stage rollups through the viewer's
    scope: the same rows and totals as the records (issue 17: 90 s at 5.6 M records on the
    records, found by bench/bench_crawl.py in session 40)."""
    from kaifang.core.models import PartnerGroup

    q = Query(year=2025, month=3, flow=flow, currency="usd")
    trade_keys = [
        Keys(partner="502"),
        Keys(partner="-"),
        Keys(mode="10"),
        Keys(mode="-"),
        Keys(hs="84"),
        Keys(hs="8471"),
        Keys(hs="-"),
        *(Keys(group=code) for code in PartnerGroup.objects.values_list("code", flat=True)),
    ]
    trade_keys += [  # a next level's next level: two keys one stage holds
        Keys(hs="84", mode="10"),
        Keys(partner="502", district=str(city.district_b.pk)),
        Keys(mode="10", park=str(city.district_a_park.pk)),
        # a partner (or group) within an HS prefix: the whole city's partner × heading rollup
        Keys(partner="502", hs="84"),
        Keys(partner="502", hs="8471"),
        Keys(partner="-", hs="-"),
        Keys(partner="116", hs="6"),
        *(
            Keys(group=code, hs="85")
            for code in PartnerGroup.objects.values_list("code", flat=True)
        ),
        *(
            Keys(group=code, partner="502")
            for code in PartnerGroup.objects.values_list("code", flat=True)
        ),
    ]
    firm_keys = [Keys(park=str(city.district_a_park.pk)), Keys(district=str(city.district_b.pk))]
    firm_keys += [Keys(industry="C"), Keys(park="-")]
    users = {**personas, "leader": city.leader}
    staged = 0
    for persona, user in users.items():
        for keys in [*trade_keys, *firm_keys]:
            for by in ("enterprise", "partner", "group", "hs2", "hs4", "mode", "district"):
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
                raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
                assert fast.rows == raw.rows, (persona, keys, by)
                assert fast.total == raw.total, (persona, keys, by)
                staged += fast.source == "rollup" and bool(raw.rows)
    # which pairs a stage holds: a trade mode's firms and chapters, a partner's or group's
    # firms, a district's partners; not a partner within a chapter (no such stage)
    leader = city.leader
    for by, keys in [
        ("enterprise", Keys(mode="10")),
        ("hs2", Keys(mode="10")),
        ("mode", Keys(hs="84")),
        ("enterprise", Keys(partner="502")),
        ("partner", Keys(district=str(city.district_b.pk))),
        ("enterprise", Keys(hs="8471")),
    ]:
        assert breakdown(viewer=leader, by=by, q=q, keys=keys).source == "rollup", (by, keys)
    # a partner within a heading, a chapter within a partner: the whole city reads the
    # partner × heading rollup, a district user his records (the rollup has no enterprise);
    # the partners within a chapter, the place cross of the chapter (session 53)
    with CaptureQueriesContext(connection) as read:
        assert breakdown(viewer=leader, by="partner", q=q, keys=Keys(hs="84")).source == "rollup"
    assert any("trade_placepartnerchapterrollup" in x["sql"] for x in read.captured_queries)
    for by, keys in [
        ("hs2", Keys(partner="502")),
        ("hs4", Keys(partner="502", hs="84")),
        ("group", Keys(hs="8471")),
    ]:
        with CaptureQueriesContext(connection) as read:
            assert breakdown(viewer=leader, by=by, q=q, keys=keys).source == "rollup", (by, keys)
        assert any("trade_partnerproductrollup" in x["sql"] for x in read.captured_queries)
    assert (
        breakdown(viewer=city.district_a_user, by="partner", q=q, keys=Keys(hs="84")).source
        == "facts"
    )
    # the whole city's viewer within a district or park reads its pair rollup rows
    for keys in (Keys(district=str(city.district_b.pk)), Keys(park=str(city.district_a_park.pk))):
        with CaptureQueriesContext(connection) as read:
            fast = breakdown(viewer=leader, by="partner", q=q, keys=keys)
        assert any("trade_scoperollup" in x["sql"] for x in read.captured_queries), keys
        assert (
            fast.rows
            == breakdown(viewer=leader, by="partner", q=q, keys=keys, facts_only=True).rows
        )
    assert staged > 50


def test_the_firms_and_partners_within_a_trade_mode_read_the_stages(personas, city):
    """By firm within 一般贸易 (a trade mode row's next level) read the product stage's rows of
    the mode, a row per firm, heading and month (1.3 s of CPU on a first view at 5.6 M
    records, session 42); the trade mode stage holds a tenth of them (decision 0038). Every
    persona reads it, with the records' rows and totals, within a place too."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    users = {**personas, "leader": city.leader}
    for persona, user in users.items():
        for keys in (
            Keys(mode="10"),
            Keys(mode="-"),
            Keys(mode="10", district=str(city.district_b.pk)),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by="enterprise", q=q, keys=keys)
            sql = " ".join(x["sql"] for x in read.captured_queries)
            assert "trade_enterprisemoderollup" in sql, (persona, keys)
            assert "trade_enterpriseproductrollup" not in sql, (persona, keys)
            raw = breakdown(viewer=user, by="enterprise", q=q, keys=keys, facts_only=True)
            assert fast.source == "rollup"
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, keys)
    # the partners within a trade mode, and the modes within a partner: the partner × mode
    # stage (a district user's partners within 一般贸易 read his records:
    # 9.9 s of CPU on a first view at 5.6 M records, session 43); for the whole city, the
    # partner × trade mode rollup (the leader's read every firm's stage rows: 0.8 s); for a
    # user of units alone the pair × partner × chapter × mode rollup (decision 0053: a
    # district's month within 一般贸易 is 3,133 of its rows against 7,164 of the stage's)
    units_only = {"district whose enterprise sits in another's park", "park only"}
    units_only.add("chosen park and district")
    for persona, user in users.items():
        table = "trade_partnermoderollup" if sees_all(user) else "trade_enterprisepartnermoderollup"
        if persona in units_only:
            table = "trade_placepartnerchapterrollup"
        for by, keys in (
            ("partner", Keys(mode="10")),
            ("mode", Keys(partner="502", mode="10")),
            ("mode", Keys(group="g-ab")),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            assert fast.source == "rollup", (persona, by, keys)
            assert any(table in x["sql"] for x in read.captured_queries), (persona, by, keys)
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, by, keys)
            if persona == "leader" and not keys.group:
                assert fast.rows, by  # the test city trades under mode 10 with partner 502
    # the chapters or headings within a trade mode, the modes within a chapter: for the
    # whole city the heading × trade mode rollup (the leader's chapters within 一般贸易 read
    # every firm's product stage rows: 519 ms on a first view at 5.6 M), else the stages
    for persona, user in users.items():
        for by, keys in (
            ("hs2", Keys(mode="10")),
            ("mode", Keys(hs="84")),
            ("hs4", Keys(mode="10", hs="8")),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            crossed = any("trade_modeproductrollup" in x["sql"] for x in read.captured_queries)
            assert crossed == sees_all(user), (persona, by, keys)
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, by, keys)
            if persona == "leader":
                assert fast.rows, (by, keys)
    # a partner (or group), an HS prefix and a trade mode, or two of them by the third: for
    # the whole city the partner × heading × trade mode rollup (the leader's partners within
    # 一般贸易 and HS 84 read the records: 1.5 s on a first view at 5.6 M), else the records
    for persona, user in users.items():
        for by, keys in (
            ("partner", Keys(mode="10", hs="84")),
            ("hs2", Keys(mode="10", partner="502")),
            ("hs4", Keys(mode="10", group="g-ab")),
            ("mode", Keys(partner="502", hs="8")),
            ("partner", Keys(partner="502", hs="84", mode="10")),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            sql = " ".join(x["sql"] for x in read.captured_queries)
            # the whole city's partners within a chapter: the place cross of the chapter
            # (session 53), as for a user of units alone; the rest the partner × heading × mode
            # cross
            crossed = sees_all(user) and by != "partner"
            assert ("trade_partnermodeproductrollup" in sql) == crossed, (persona, by)
            if sees_all(user) and by == "partner":
                assert "trade_placepartnerchapterrollup" in sql, persona
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, by, keys)
            if persona == "leader":
                assert fast.rows and fast.source == "rollup", (by, keys)
    # a trade mode with an HS chapter is the chapter × mode stage's, which holds both
    with CaptureQueriesContext(connection) as read:
        breakdown(viewer=city.leader, by="enterprise", q=q, keys=Keys(mode="10", hs="84"))
    assert any("trade_enterprisechaptermoderollup" in x["sql"] for x in read.captured_queries)


def test_the_firms_within_a_chapter_and_a_mode_read_the_chapter_mode_stage(personas, city):
    """The firms within an HS chapter and a trade mode, and the chapters within a mode, read
    the chapter × mode stage (decision 0054; the leader's within HS 84 and 一般贸易 read 236,000
    product stage rows at 5.6 M records, 108 ms of SQL); the headings within both still read
    the product stage, for the whole city by the chapter's headings listed (session 48).
    Every persona's figures are the records'."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    users = {**personas, "leader": city.leader}
    for persona, user in users.items():
        for by, keys, table in (
            ("enterprise", Keys(hs="84", mode="10"), "enterprisechaptermoderollup"),
            ("enterprise", Keys(hs="61", mode="10"), "enterprisechaptermoderollup"),
            ("enterprise", Keys(hs="8", mode="-"), "enterprisechaptermoderollup"),
            # a user of units alone: the place cross, which holds the mode (decision 0053)
            ("mode", Keys(hs="84"), "chaptermoderollup|placepartnerchapterrollup"),
            ("hs4", Keys(hs="84", mode="10"), "enterpriseproductrollup"),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            staged = [
                x["sql"]
                for x in read.captured_queries
                if any(name in x["sql"] for name in table.split("|"))
            ]
            if sees_all(user) and by != "enterprise":
                assert fast.source == "rollup", (persona, by, keys)  # the city's crosses
            else:
                assert staged, (persona, by, keys)
            if by == "hs4" and staged:
                assert ('"heading" IN (' in staged[0]) == sees_all(user), (persona, keys)
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, by, keys)
            if persona == "leader" and keys.hs != "8":
                assert fast.rows, keys


def test_the_firms_within_an_hs_chapter_read_the_chapter_stage(personas, city):
    """By firm within HS 85 read the product stage's rows of the chapter, a row per firm,
    heading, trade mode and month (200 ms of CPU on a first view at 5.6 M records, session
    44); the HS chapter stage holds a quarter of them (decision 0039). Every persona reads
    it, with the records' rows and totals, within a place too; a scoped viewer's chapters
    within an industry read it as well (within a park, a user of units alone reads the pair
    rollup, as the leader does), and a heading still reads the product stage."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    users = {**personas, "leader": city.leader}
    district = str(city.district_b.pk)
    for persona, user in users.items():
        for by, keys in (
            ("enterprise", Keys(hs="84")),
            ("enterprise", Keys(hs="8")),
            ("enterprise", Keys(hs="-")),
            ("enterprise", Keys(hs="85", district=district)),
            ("hs2", Keys(park=str(city.district_a_park.pk))),
            ("hs2", Keys(industry="C")),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            sql = " ".join(x["sql"] for x in read.captured_queries)
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert fast.source == "rollup", (persona, by, keys)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, by, keys)
            # a place read from the pair rollups: the leader's, a user's of units alone
            seen = None if sees_all(user) else reach(user)
            whole = seen is None or (bool(seen.unit_ids) and not seen.owner_only_ids)
            paired = by != "enterprise" and keys.params().keys() <= {"park"} and whole
            if not paired:
                assert "trade_enterprisechapterrollup" in sql, (persona, by, keys)
                assert "trade_enterpriseproductrollup" not in sql, (persona, by, keys)
        if persona == "leader":
            assert breakdown(viewer=user, by="enterprise", q=q, keys=Keys(hs="84")).rows
    with CaptureQueriesContext(connection) as read:
        breakdown(viewer=city.leader, by="enterprise", q=q, keys=Keys(hs="8471"))
    sql = " ".join(x["sql"] for x in read.captured_queries)
    assert "trade_enterpriseproductrollup" in sql
    assert "trade_enterprisechapterrollup" not in sql


def test_the_firms_within_a_group_read_the_group_stage(personas, city):
    """By firm within 一带一路 read the partner stage's rows of its 65 members, a row per firm,
    member and month (402 ms of CPU on a first view at 5.6 M records, session 44); the group
    stage holds a row per firm and month (37 ms). Every persona reads it, with the records'
    rows and totals, within a place too; with a partner or a trade mode besides, the partner
    stages still answer."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    users = {**personas, "leader": city.leader}
    district = str(city.district_b.pk)
    for persona, user in users.items():
        for keys in (
            Keys(group="g-ab"),
            Keys(group="g-b"),
            Keys(group="g-ab", district=district),
            Keys(group="g-ab", industry="C"),
        ):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by="enterprise", q=q, keys=keys)
            sql = " ".join(x["sql"] for x in read.captured_queries)
            raw = breakdown(viewer=user, by="enterprise", q=q, keys=keys, facts_only=True)
            assert fast.source == "rollup", (persona, keys)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, keys)
            assert "trade_enterprisegrouprollup" in sql, (persona, keys)
            assert "trade_enterprisepartnerrollup" not in sql, (persona, keys)
        if persona == "leader":
            assert breakdown(viewer=user, by="enterprise", q=q, keys=Keys(group="g-ab")).rows
    for keys in (Keys(group="g-ab", partner="502"), Keys(group="g-ab", mode="10")):
        with CaptureQueriesContext(connection) as read:
            fast = breakdown(viewer=city.leader, by="enterprise", q=q, keys=keys)
        assert "trade_enterprisegrouprollup" not in " ".join(
            x["sql"] for x in read.captured_queries
        )
        raw = breakdown(viewer=city.leader, by="enterprise", q=q, keys=keys, facts_only=True)
        assert (fast.rows, fast.total) == (raw.rows, raw.total), keys


def test_the_codes_within_an_hs_prefix_read_the_commodity_rollup_for_the_whole_city(personas, city):
    """By 8-digit code within a heading or chapter (a heading row's next level) the whole
    city reads the commodity code rollup (the leader's codes within heading 8539 read 47,727
    records on a first view at 5.6 M); a scoped user reads his records, and without a key a
    user of units the pair × code rollups (decision 0050) and a liaison officer the officer ×
    code rollup (decision 0061). Either way the rows are the records' own, and one code's
    drill-down counts from the rollup too."""
    from kaifang.trade.selectors import drill_summary
    from kaifang.trade.selectors.base import reach

    q = Query(year=2025, month=3, flow="total", currency="usd")
    users = {**personas, "leader": city.leader}
    found = 0
    for persona, user in users.items():
        for keys in (Keys(), Keys(hs="84"), Keys(hs="8471"), Keys(hs="85423100"), Keys(hs="-")):
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by="hs8", q=q, keys=keys)
            raw = breakdown(viewer=user, by="hs8", q=q, keys=keys, facts_only=True)
            assert fast.rows == raw.rows and fast.total == raw.total, (persona, keys)
            coded = any("trade_commodityrollup" in x["sql"] for x in read.captured_queries)
            # a scoped user's figures are his records' (the city's counts may weigh his plan),
            # or without a key his pairs' codes and those of the firms he looks after outside
            # them as their liaison officer (decision 0061)
            seen = None if user == city.leader else reach(user)
            rolled = bool(seen and keys.is_empty and (seen.unit_ids or seen.owner_only_ids))
            assert (fast.source == "rollup") == (user == city.leader or rolled), (persona, keys)
            if user == city.leader:
                assert coded, keys
            found += len(fast.rows)
    assert found > 10
    # within a partner as well: the records, the HS prefix read as a range of codes
    for user in users.values():
        for keys in (Keys(hs="8471", partner="303"), Keys(hs="85", partner="502")):
            mine = visible_to(CustomsRecord.objects.all(), user).filter(
                period__in=q.span_months("ytd"),
                partner_code=keys.partner,
                hs_code__startswith=keys.hs,
            )
            expected = mine.aggregate(v=Sum("value_usd"))["v"] or Decimal(0)
            fast = breakdown(viewer=user, by="hs8", q=q, keys=keys)
            assert fast.source == "facts" and fast.total.ytd == expected, keys
    # one code's drill-down: its count and totals from the rollup equal its records'
    leader = city.leader
    for code in ("84713000", "85423100", "8542"):
        keys = Keys(hs=code)
        summary = drill_summary(viewer=leader, q=q, span="ytd", keys=keys)
        mine = CustomsRecord.objects.filter(
            period__in=q.span_months("ytd"), hs_code__startswith=code
        )
        assert summary is not None and summary.count == mine.count() > 0, code
        assert summary.usd == mine.aggregate(v=Sum("value_usd"))["v"], code


def test_a_liaison_officers_breakdown_within_keys_no_stage_holds_sums_his_firms_records(
    personas, city
):
    """Keys no stage holds (a partner within an HS chapter) read the records; for a viewer who
    sees only named firms the keys are tested apart from the firms' range (18 s → 37 ms at
    5.6 M records on SQLite): the sums are still those of his records within the keys."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    user = personas["liaison only"]
    for keys in (Keys(partner="502", hs="84"), Keys(partner="116", hs="61", mode="15")):
        mine = visible_to(CustomsRecord.objects.all(), user).filter(
            period__in=q.span_months("ytd"),
            partner_code=keys.partner,
            hs_code__startswith=keys.hs,
            **({"trade_mode": keys.mode} if keys.mode else {}),
        )
        expected = mine.aggregate(v=Sum("value_usd"))["v"] or Decimal(0)
        for by in ("partner", "hs2", "enterprise"):
            found = breakdown(viewer=user, by=by, q=q, keys=keys)
            assert found.source == "facts" and found.total.ytd == expected, (keys, by)
    assert breakdown(viewer=user, by="hs2", q=q, keys=Keys(partner="502", hs="84")).rows


def _expected_for(viewer, keys: Keys, by: str, months: list) -> dict[str, Decimal]:
    """The viewer's records within `keys`, grouped by `by` (the scope gate, then the keys)."""
    from kaifang.trade.selectors.base import apply_keys, facts

    rows = (
        apply_keys(facts(viewer), keys)
        .filter(period__in=months)
        .annotate(k=_GROUPS[by])
        .values("k")
        .annotate(v=Sum("value_usd"))
        .order_by()
    )
    found: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        found[row["k"] or "-"] += row["v"] or 0
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("plan", ["scope", "free"])
def test_a_scoped_viewers_keyed_sums_are_his_records_through_either_read(
    personas, city, plan, monkeypatch
):
    """A scoped viewer's breakdown within several trade keys reads his firms' records with the
    keys tested on them (`plans.count_plan` SCOPE) or the narrowest key's own index with the
    others in a CASE (session 43: a district user's partners within 一般贸易 and HS 8471 took
    the trade mode's index across the city, 8.0 s of CPU at 5.6 M records). Either read, his
    records' sums and no one else's."""
    from kaifang.trade.selectors import keyed, plans

    monkeypatch.setattr(
        keyed, "count_plan", lambda **kw: plans.SCOPE if plan == "scope" else plans.FREE
    )
    q = Query(year=2025, month=3, currency="usd")
    seen = 0
    for persona, user in personas.items():
        for params in (
            {"mode": "10", "hs": "84"},
            {"partner": "502", "hs": "8471"},
            {"group": "g-ab", "mode": "10", "hs": "6"},
        ):
            keys = Keys(**params)
            for by in ("partner", "hs8"):
                found = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
                got = {r.key: r.ytd for r in found.rows if r.ytd}
                assert got == _expected_for(user, keys, by, q.span_months("ytd")), (
                    persona,
                    params,
                    by,
                )
                seen += len(got)
    assert seen > 5


def test_a_scoped_viewers_records_within_an_hs_key_and_another_are_his_firms_holding_both(
    personas, city, monkeypatch
):
    """With an HS key and another trade key, the scope plan reads only the records of his
    firms that hold each key (by the stages) in the HS key's range of codes: a district user's
    firms within partner 112 and HS 85 read every record of the partner across the city, 0.6 s
    on a first view at 5.6 M records (session 46). A firm that holds both keys in different
    records is read and sums nothing; a firm outside his scope is not read; the breakdown and
    the drill-down's count are his records within the keys."""
    from kaifang.trade.selectors import key_firms, keyed, plans
    from kaifang.trade.selectors.records import drill_records
    from kaifang.trade.selectors.summary import records_summary

    user = personas["district with its park, liaison outside"]
    both = EnterpriseFactory(name="两键企业", district=city.district_a)
    apart = EnterpriseFactory(name="分开企业", district=city.district_a)
    neither = EnterpriseFactory(name="无关企业", district=city.district_a)
    chapter_only = EnterpriseFactory(name="一键企业", district=city.district_a)
    outside = EnterpriseFactory(name="外区企业", district=city.district_b)
    for ent, partner, hs, usd in (
        (both, "112", "85423100", 40),
        (both, "112", "61091000", 3),
        (apart, "112", "61091000", 9),
        (apart, "116", "85423100", 11),
        (neither, "116", "61091000", 5),
        (chapter_only, "116", "85423100", 6),
        (outside, "112", "85423100", 70),
    ):
        CustomsRecordFactory(
            enterprise=ent,
            period=d(2025, 3),
            flow="export",
            partner_code=partner,
            hs_code=hs,
            trade_mode="10",
            value_usd=Decimal(usd),
        )
    rebuild_rollups([d(2025, 3)])
    q = Query(year=2025, month=3, flow="total", currency="usd")
    keys = Keys(partner="112", hs="85")
    months = q.all_months()
    found = key_firms.key_firms(user, months, keys)
    assert found is not None
    assert both.pk in found.firms and apart.pk in found.firms
    assert not {neither.pk, chapter_only.pk, outside.pk} & set(found.firms)
    assert key_firms.key_firms(user, months, Keys(partner="112", mode="10")) is None  # no HS key
    city_wide = key_firms.key_firms(city.leader, months, keys)  # the city's firms, for the leader
    assert city_wide is not None and {both.pk, apart.pk, outside.pk} <= set(city_wide.firms)
    assert not {neither.pk, chapter_only.pk} & set(city_wide.firms)

    monkeypatch.setattr(keyed, "count_plan", lambda **kw: plans.SCOPE)
    for by in ("enterprise", "hs8", "partner"):
        table = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
        got = {r.key: r.ytd for r in table.rows if r.ytd}
        assert got == _expected_for(user, keys, by, q.span_months("ytd")), by
        if by == "enterprise":
            assert got[str(both.pk)] == 40 and str(apart.pk) not in got
    for span in ("month", "ytd"):
        scoped = drill_records(viewer=user, q=q, span=span, keys=keys, plan=plans.SCOPE)
        free = drill_records(viewer=user, q=q, span=span, keys=keys, plan=plans.FREE)
        assert records_summary(scoped) == records_summary(free), span
        assert outside.pk not in set(scoped.values_list("enterprise_id", flat=True))


def test_a_scoped_viewers_records_within_an_hs_key_alone_are_his_firms_holding_it(
    personas, city, monkeypatch
):
    """With an HS chapter or heading alone, a scoped viewer's records are those of his firms
    that hold it (its stage), sought in its range of codes: a district user's codes within
    heading 8539 read the heading's records across the city and joined each to its firm, 85
    ms of CPU on a miss at 5.6 M records and 157 ms at 11.3 M (session 47). The leader keeps
    the city's rollups: no list of firms for one key."""
    from kaifang.trade.selectors import key_firms, keyed, plans
    from kaifang.trade.selectors.records import drill_records
    from kaifang.trade.selectors.summary import records_summary

    user = personas["district with its park, liaison outside"]
    holder = EnterpriseFactory(name="品目企业", district=city.district_a)
    february = EnterpriseFactory(name="二月品目企业", district=city.district_a)  # not in March
    last_year = EnterpriseFactory(name="去年品目企业", district=city.district_a)
    other = EnterpriseFactory(name="他品目企业", district=city.district_a)
    outside = EnterpriseFactory(name="外区品目企业", district=city.district_b)
    for ent, partner, hs, usd, period in (
        (holder, "112", "85423100", 40, d(2025, 3)),
        (holder, "116", "85429000", 7, d(2025, 3)),
        (holder, "116", "61091000", 3, d(2025, 3)),
        (february, "116", "85423900", 5, d(2025, 2)),
        (last_year, "112", "85421000", 8, d(2024, 3)),  # last year's 1–3月: the growth's base
        (other, "112", "85411000", 9, d(2025, 3)),
        (outside, "112", "85423100", 70, d(2025, 3)),
    ):
        CustomsRecordFactory(
            enterprise=ent,
            period=period,
            flow="export",
            partner_code=partner,
            hs_code=hs,
            trade_mode="10",
            value_usd=Decimal(usd),
        )
    rebuild_rollups([d(2024, 3), d(2025, 2), d(2025, 3)])
    q = Query(year=2025, month=3, flow="total", currency="usd")
    keys = Keys(hs="8542")
    months = q.all_months()
    found = key_firms.key_firms(user, months, keys)
    assert found is not None
    assert {holder.pk, february.pk, last_year.pk} <= set(found.firms)
    assert not {other.pk, outside.pk} & set(found.firms)
    assert key_firms.key_firms(city.leader, months, keys) is None
    assert key_firms.key_firms(user, months, Keys(hs="85423100")) is None  # no stage holds a code

    # A unit of more firms than a list holds (a province's) reads the key's firms for the city
    # and narrows them in Python: the same firms, and no query carries his reach.
    with monkeypatch.context() as patched, CaptureQueriesContext(connection) as ctx:
        patched.setattr(key_firms, "MAX_SEEK_FIRMS", len(found.firms))
        assert len(key_firms.reach(user).enterprise_ids) > key_firms.MAX_SEEK_FIRMS
        assert key_firms._read_key_firms(user, months, {"hs": "8542"}, every=False) == found
    assert not [q for q in ctx.captured_queries if '"enterprise_id" IN' in q["sql"]]

    monkeypatch.setattr(keyed, "count_plan", lambda **kw: plans.SCOPE)
    for by in ("hs8", "partner", "enterprise"):
        table = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
        got = {r.key: r.ytd for r in table.rows if r.ytd}
        assert got == _expected_for(user, keys, by, q.span_months("ytd")), by
        prior = {r.key: r.sums.ytd_prev for r in table.rows if r.sums.ytd_prev}
        assert prior == _expected_for(user, keys, by, q.span_months("ytd_prev")), by
        if by == "enterprise":
            assert got[str(holder.pk)] == 47 and got[str(february.pk)] == 5
            assert prior[str(last_year.pk)] == 8 and str(other.pk) not in got
    for span in ("month", "ytd"):
        scoped = drill_records(viewer=user, q=q, span=span, keys=keys, plan=plans.SCOPE)
        free = drill_records(viewer=user, q=q, span=span, keys=keys, plan=plans.FREE)
        assert records_summary(scoped) == records_summary(free), span
        read = set(scoped.values_list("enterprise_id", flat=True))
        assert holder.pk in read and not {other.pk, outside.pk} & read
        assert (february.pk in read) == (span == "ytd")


def test_a_partner_and_a_chapter_within_a_place_read_the_place_cross(personas, city):
    """The chapters within a partner and a district (the leader), a district or park user's
    partners within HS 85 or chapters within a partner read the records, 200–350 ms on a
    first view at 5.6 M (session 45); the (district, park) pair × partner × chapter rollup
    holds them (decision 0043), within a trade mode too (decision 0053: his partners within
    HS 85 and 一般贸易, 185–240 ms). Every persona gets the records' rows, totals and
    drill-down count; the leader with a place and the users who see only their units read
    the rollup, the others (the leader without a place, anyone who sees firms as their
    liaison officer) what they read before."""
    from kaifang.trade.selectors.base import apply_keys
    from kaifang.trade.selectors.summary import drill_summary

    q = Query(year=2025, month=3, flow="total", currency="usd")
    users = {**personas, "leader": city.leader}
    place = {"district": str(city.district_b.pk)}
    park = {"park": str(city.district_a_park.pk)}
    cases = [
        ("hs2", Keys(partner="502")),
        ("partner", Keys(hs="85")),
        ("partner", Keys(hs="8")),
        ("partner", Keys(hs="-")),
        ("hs2", Keys(group="g-ab")),
        ("hs2", Keys(partner="116", hs="61")),
        ("hs2", Keys(partner="502", **place)),
        ("partner", Keys(hs="84", **park)),
        ("hs2", Keys(group="g-ab", district="-")),
        ("partner", Keys(hs="85", mode="10")),
        ("hs2", Keys(partner="502", hs="85", mode="10")),
        ("mode", Keys(partner="502", hs="85")),
        ("partner", Keys(mode="-", hs="-")),
        ("mode", Keys(hs="84", **park)),
    ]
    seen, filled = set(), set()
    for persona, user in users.items():
        units_only = persona in {"district whose enterprise sits in another's park", "park only"}
        units_only = units_only or persona == "chosen park and district"
        for by, keys in cases:
            with CaptureQueriesContext(connection) as read:
                fast = breakdown(viewer=user, by=by, q=q, keys=keys)
            sql = " ".join(x["sql"] for x in read.captured_queries)
            raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
            assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, by, keys)
            placed = "trade_placepartnerchapterrollup" in sql
            with_place = bool(keys.district or keys.park)
            # the whole city's partners within one chapter too (session 53)
            chapter = by == "partner" and len(keys.hs) == 2 and keys.hs.isdigit()
            leader_reads = persona == "leader" and (with_place or chapter)
            assert placed == (units_only or leader_reads), (persona, keys)
            seen.add((persona, bool(fast.rows)))
            if fast.rows and placed:
                filled.add((by, keys))
            summary = drill_summary(viewer=user, q=q, span="ytd", keys=keys)
            records = apply_keys(visible_to(CustomsRecord.objects.all(), user), keys).filter(
                period__in=q.span_months("ytd")
            )
            if placed:
                assert summary is not None, (persona, keys)
            if summary is not None:
                expected = records.aggregate(v=Sum("value_usd"))["v"] or Decimal(0)
                assert (summary.count, summary.usd) == (records.count(), expected), (persona, keys)
    assert ("leader", True) in seen and ("park only", True) in seen  # not only empty tables
    assert ("partner", Keys(hs="85", mode="10")) in filled  # a mode read from the rollup
    assert ("mode", Keys(partner="502", hs="85")) in filled


def test_the_migration_regroups_the_place_cross_by_trade_mode(personas):
    """Migration trade/0036 groups every record again with its trade mode, as a rebuild does;
    undone, one row per pair, partner and chapter with the same sums."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps

    from kaifang.trade.models import PlacePartnerChapterRollup

    migration = import_module("kaifang.trade.migrations.0036_place_partner_chapter_mode")
    editor: Any = SimpleNamespace(connection=connection)  # what it uses of its editor
    PlacePartnerChapterRollup.objects.all().delete()
    migration.by_mode(apps, editor)
    assert_stages_equal_the_facts()
    assert PlacePartnerChapterRollup.objects.exclude(mode="").exists()
    total = PlacePartnerChapterRollup.objects.aggregate(v=Sum("value_usd"), n=Sum("rows"))
    migration.without_mode(apps, editor)
    assert set(PlacePartnerChapterRollup.objects.values_list("mode", flat=True)) == {""}
    assert PlacePartnerChapterRollup.objects.aggregate(v=Sum("value_usd"), n=Sum("rows")) == total


def test_the_migration_fills_the_chapter_mode_stage_from_the_product_stage(personas):
    """Migration trade/0037 sums the product stage into the chapter × mode stage, as a
    rebuild does: the same rows as grouping the records."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps

    from kaifang.trade.models import EnterpriseChapterModeRollup

    migration = import_module("kaifang.trade.migrations.0037_enterprise_chapter_mode_stage")
    EnterpriseChapterModeRollup.objects.all().delete()
    migration.fill(apps, SimpleNamespace(connection=connection))  # what it uses of its editor
    assert EnterpriseChapterModeRollup.objects.exclude(mode="").exists()
    assert_stages_equal_the_facts()


def test_a_units_users_breakdown_within_a_place_reads_the_pair_rollup(personas, city):
    """A district or park user's partners, chapters, headings or modes within a district or
    park read the pair rollup through his units, as the leader's do (a district user's
    partners within his district read his firms' partner stage: 146 ms on a miss at 5.6 M,
    session 49); a viewer who sees a firm outside his units as its liaison officer keeps the
    other reads. The rows are his records' either way, and a place outside his units gives
    nothing."""
    q = Query(year=2025, month=3, flow="total", currency="usd")
    a, park, b = city.district_a.pk, city.district_a_park.pk, city.district_b.pk
    places = [
        Keys(district=str(a)),
        Keys(district=str(b)),
        Keys(park=str(park)),
        Keys(park="-"),
        Keys(district=str(b), park=str(park)),
    ]
    paired = 0
    for persona, user in personas.items():
        seen = reach(user)
        units_only = bool(seen.unit_ids) and not seen.owner_only_ids
        for keys in places:
            for by in ("partner", "hs2", "hs4", "mode"):
                with CaptureQueriesContext(connection) as read:
                    fast = breakdown(viewer=user, by=by, q=q, keys=keys)
                raw = breakdown(viewer=user, by=by, q=q, keys=keys, facts_only=True)
                assert (fast.rows, fast.total) == (raw.rows, raw.total), (persona, keys, by)
                sql = " ".join(x["sql"] for x in read.captured_queries)
                assert ("trade_scoperollup" in sql) == units_only, (persona, keys, by)
                paired += units_only and any(r.ytd for r in fast.rows)
    assert paired > 10
    # district B's user sees nothing of district A's firms outside the park
    outside = breakdown(viewer=city.district_b_user, by="partner", q=q, keys=places[0])
    mine = visible_to(CustomsRecord.objects.all(), city.district_b_user)
    expected = mine.filter(enterprise__district_id=a, period__in=q.span_months("ytd"))
    assert sum(r.ytd for r in outside.rows) == sum(r.value_usd for r in expected)
