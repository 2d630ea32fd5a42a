"""A chain's segment figures: equal to the records however the codes overlap, filled by the
worker after a rebuild so the first viewer reads no customs record, never served across
scopes, and a segment's long list of enterprises paged."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors.base import by_firm_scope
from kaifang.trade.signals import version_bumped
from kaifang.zones import chain_rollup, selectors
from kaifang.zones.models import Chain, ChainSegment
from kaifang.zones.selectors import chains
from kaifang.zones.tests.rollups import derived_match
from kaifang.zones.tests.test_selectors_trade import MARCH, firm, record

pytestmark = pytest.mark.django_db


def _record_reads(queries: list[dict[str, str]]) -> int:
    return sum('"trade_customsrecord"' in q["sql"] for q in queries)


@pytest.fixture
def battery_chain(city, trade_reference):
    """Overlapping codes: a heading (8507), a subheading inside it (850760) in another segment,
    and a segment that names both (the heading covers the subheading: counted once)."""
    a = firm("东城电池有限公司", city.district_a)
    b = firm("西城电池有限公司", city.district_b)
    record(a, "export", "85076000", "344", "100")  # lithium cells
    record(a, "export", "85071000", "502", "40")  # lead-acid: the heading, not the subheading
    record(a, "import", "85076000", "133", "7")
    record(b, "export", "85076000", "116", "1000")
    record(b, "export", "87089900", "502", "3")  # outside every segment
    rebuild_rollups([MARCH])
    chain = Chain.objects.create(name="储能")
    segments = {
        name: ChainSegment.objects.create(chain=chain, position="mid", name=name, hs_headings=hs)
        for name, hs in [("蓄电池", "8507"), ("锂电池", "850760"), ("两者", "850760, 8507")]
    }
    return chain, segments


def _from_records(user, codes: list[str]) -> tuple[dict[int, list[Decimal]], dict[str, Decimal]]:
    """What a segment holds, straight from the records the user may see."""
    from kaifang.trade.selectors.base import facts

    by_enterprise: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    markets: dict[str, Decimal] = defaultdict(Decimal)
    for r in facts(user).filter(period=MARCH):
        if any(r.hs_code.startswith(c) for c in codes):
            by_enterprise[r.enterprise_id][0 if r.flow == "export" else 1] += r.value_usd
            if r.flow == "export":
                markets[r.partner_code] += r.value_usd
    return dict(by_enterprise), dict(markets)


def test_segment_figures_equal_the_records_however_codes_overlap(city, battery_chain):
    chain, _segments = battery_chain
    for user in (city.leader, city.district_a_user, city.district_b_user):
        cache.clear()
        views = {v.segment.name: v for v in selectors.chain_analysis(user=user, chain=chain)}
        for name, codes in [("蓄电池", ["8507"]), ("锂电池", ["850760"]), ("两者", ["8507"])]:
            by_enterprise, markets = _from_records(user, codes)
            view = views[name]
            got = {pk: list(pair) for pk, pair in view.figures.by_enterprise.items()}
            assert got == by_enterprise, (user.username, name)
            assert view.figures.markets == markets, (user.username, name)
            assert view.exports == sum(markets.values(), Decimal(0))
    leader = {v.segment.name: v for v in selectors.chain_analysis(user=city.leader, chain=chain)}
    assert (leader["蓄电池"].exports, leader["锂电池"].exports, leader["两者"].exports) == (
        1140,
        1100,
        1140,
    )


def test_the_worker_fills_every_scope_so_first_views_read_no_record(city, battery_chain):
    chain, segments = battery_chain
    assert any("chain_refill" in str(r[0]) for r in version_bumped.receivers)
    cache.clear()
    assert chains.refill() >= 3  # the city, and each user of a district's unit
    for user in (city.leader, city.district_a_user, city.district_b_user):
        client = Client()
        client.force_login(user)
        urls = [
            reverse("zones:chain_list"),
            reverse("zones:chain_detail", args=[chain.pk]),
            reverse("zones:chain_segment", args=[chain.pk, segments["锂电池"].pk]),
            reverse("zones:chain_matrix"),
        ]
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            assert _record_reads(ctx.captured_queries) == 0, (user.username, url)


def test_one_districts_figures_are_never_served_to_another(city, battery_chain):
    chain, segments = battery_chain
    cache.clear()
    chains.refill()
    url = reverse("zones:chain_segment", args=[chain.pk, segments["锂电池"].pk])
    pages = {}
    for user in (city.district_a_user, city.district_b_user):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(url).content.decode()
    assert "东城电池有限公司" in pages["dist_a"] and "西城电池有限公司" not in pages["dist_a"]
    assert "西城电池有限公司" in pages["dist_b"] and "东城电池有限公司" not in pages["dist_b"]
    a = selectors.chain_analysis(user=city.district_a_user, chain=chain)
    assert [v.exports for v in a] == [140, 100, 140]


def test_an_import_after_the_refill_shows_at_once(city, battery_chain):
    chain, _segments = battery_chain
    chains.refill()
    a = CustomsRecord.objects.filter(flow="export", hs_code="85076000").first()
    assert a is not None
    record(a.enterprise, "export", "85076090", "304", "5")
    rebuild_rollups([MARCH])
    views = {v.segment.name: v for v in selectors.chain_analysis(user=city.leader, chain=chain)}
    assert views["锂电池"].exports == 1105


def test_a_segment_with_many_enterprises_is_paged(city, trade_reference, client: Client):
    for number in range(60):
        firm_ = firm(f"出口企业{number:02d}", city.district_a)
        record(firm_, "export", "94036000", "502", str(1000 - number))
    rebuild_rollups([MARCH])
    chain = Chain.objects.create(name="家具")
    segment = ChainSegment.objects.create(
        chain=chain, position="down", name="木家具", hs_headings="9403"
    )
    client.force_login(city.leader)
    url = reverse("zones:chain_segment", args=[chain.pk, segment.pk])
    first = client.get(url).content.decode()
    assert "60 家" in first and "共 60 条，第 1/2 页" in first
    assert "出口企业00" in first and "出口企业49" in first and "出口企业50" not in first
    second = client.get(url + "?page=2").content.decode()
    assert "出口企业50" in second and "出口企业59" in second and "出口企业00" not in second


def test_the_refill_reads_the_city_once_and_gives_each_scope_what_its_own_read_gives(
    city, battery_chain, django_capture_on_commit_callbacks
):
    """The worker's refill reads the chains' rollup, never a customs record nor the product
    stage (what grows with the records): the whole city once for every scope made of units,
    cut per scope. Each entry equals what the scope's own read computes, from the rollup and
    from the records alike, for the city, a district, a park inside it, a firm in no
    district, and a user who also sees another district's firm as its liaison officer; a
    liaison officer's own first view (not refilled) reads no record and equals his records'."""
    from kaifang.core.models import Role, RoleCode
    from kaifang.core.tests.factories import UserFactory

    chain, _segments = battery_chain
    ChainSegment.objects.create(
        chain=chain, position="up", name="锂电池及车身", hs_headings="850760, 870899"
    )
    in_park = firm("东城园区电池公司", city.district_a, park=city.district_a_park)
    record(in_park, "export", "85076000", "502", "11")
    record(in_park, "import", "85076000", "502", "2", period=MARCH.replace(month=2))
    nowhere = firm("无区县电池公司", None)
    record(nowhere, "export", "85071000", "116", "13")
    staff = list(Role.objects.filter(code=RoleCode.UNIT_STAFF))
    park_user = UserFactory(username="park_a", unit=city.district_a_park, roles=staff)
    both = UserFactory(
        username="dist_a_liaison",
        unit=city.district_a,
        roles=list(Role.objects.filter(code__in=[RoleCode.UNIT_STAFF, RoleCode.LIAISON])),
    )
    west = Enterprise.objects.get(name="西城电池有限公司")
    east = Enterprise.objects.get(name="东城电池有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        west.liaison = both
        west.save()
        east.liaison = city.liaison
        east.save()
    rebuild_rollups([MARCH.replace(month=2), MARCH])
    assert chain_rollup.sync_codes() == 3  # 8507, 850760, 870899
    cache.clear()
    users = [city.leader, city.district_a_user, city.district_b_user, park_user, both]
    with CaptureQueriesContext(connection) as ctx:
        assert chains.refill() == len(users)
    assert _record_reads(ctx.captured_queries) == 0
    assert not any("trade_enterpriseproductrollup" in q["sql"] for q in ctx.captured_queries)
    codes = sorted({chains.segment_codes(s) for s in ChainSegment.objects.all()})
    months = selectors.report_query(city.leader).span_months("ytd")
    # a liaison officer is not refilled: his first view reads his firms' rollup rows only
    assert cache.get(chains._cache_key(city.liaison, codes[0], months)) is None
    with CaptureQueriesContext(connection) as ctx:
        chains.segment_figures(city.liaison, codes, months)
    assert _record_reads(ctx.captured_queries) == 0
    users.append(city.liaison)
    for user in users:
        fresh = chains._compute(user, codes, months)
        records = chains._compute(user, codes, months, source="records")
        for c in codes:
            cached = cache.get(chains._cache_key(user, c, months))
            assert cached == fresh[c] == records[c], (user.username, c)
    park = chains._compute(park_user, codes, months)[("8507",)]
    assert set(park.by_enterprise) == {in_park.pk}
    assert park.sources == {"502": 2} and park.markets == {"502": 11}
    mine = chains._compute(both, codes, months)[("8507",)]
    theirs = chains._compute(city.district_a_user, codes, months)[("8507",)]
    assert west.pk in mine.by_enterprise
    assert west.pk not in theirs.by_enterprise
    liaison = chains._compute(city.liaison, codes, months)[("8507",)]
    assert set(liaison.by_enterprise) == {east.pk}
    assert liaison.markets == {"344": 100, "502": 40}


def test_the_rollup_follows_imports_and_segment_changes(
    city, battery_chain, django_capture_on_commit_callbacks
):
    """A rebuild sums its months again for every code held; a code no segment held yet is
    summed from the records until the worker's refill fills it; a code no segment names any
    more is dropped. The figures equal the records' all along."""
    from django_q.models import OrmQ

    _chain, segments = battery_chain
    chain_rollup.sync_codes()
    assert chain_rollup.covered() == {"8507", "850760"}
    assert derived_match() and chains.ChainPartnerRollup.objects.exists()
    east = Enterprise.objects.get(name="东城电池有限公司")
    april = MARCH.replace(month=4)
    record(east, "export", "85076010", "304", "9", period=april)
    CustomsRecord.objects.filter(hs_code="85071000").delete()
    rebuild_rollups([MARCH, april])
    assert derived_match()
    codes = sorted({chains.segment_codes(s) for s in ChainSegment.objects.all()})
    months = [MARCH, april]
    for user in (city.leader, city.district_a_user, city.district_b_user):
        assert chains._compute(user, codes, months) == chains._compute(
            user, codes, months, source="records"
        )
    leader = chains._compute(city.leader, codes, months)
    assert leader[("8507",)].markets == {"344": 100, "304": 9, "116": 1000}

    OrmQ.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        segments["两者"].hs_headings = "8708"
        segments["两者"].save()
    queued = [row.task["func"] for row in OrmQ.objects.all()]
    assert queued == [chain_rollup.REFILL]
    assert "8708" not in chain_rollup.covered()
    with CaptureQueriesContext(connection) as ctx:  # not held yet: from the records
        fresh = chains._compute(city.leader, [("8708",)], months)[("8708",)]
    assert _record_reads(ctx.captured_queries) > 0
    assert fresh.markets == {"502": 3}
    chains.refill()
    assert chain_rollup.covered() == {"8507", "850760", "8708"}
    assert derived_match()
    segments["锂电池"].delete()
    segments["蓄电池"].hs_headings = "8507, 99"  # all nines: no range of the same length
    segments["蓄电池"].save()
    record(east, "import", "99050000", "304", "4", period=april)
    rebuild_rollups([april])
    chains.refill()
    assert chain_rollup.covered() == {"8507", "8708", "99"}
    both = chains._compute(city.leader, [("8507", "99")], months)[("8507", "99")]
    assert both.sources == {"133": 7, "304": 4}
    records = chains._compute(city.leader, [("8507", "99")], months, source="records")
    assert both == records[("8507", "99")]
    for model in chain_rollup.TABLES:
        assert not model.objects.filter(code="850760").exists()
    assert derived_match()
    with CaptureQueriesContext(connection) as ctx:
        held = chains._compute(city.leader, [("8708",)], months)[("8708",)]
    assert _record_reads(ctx.captured_queries) == 0
    assert held == fresh


def test_the_leader_reads_the_citys_partner_rollup_and_a_district_user_never_does(
    city, battery_chain
):
    """The city's sources and markets per code (no enterprise, so no scope) serve only a
    viewer who sees the whole city; a district user's come from his firms' rows. Both equal
    their records', and the firms' figures come from the rollup by firm (decision 0045)."""
    chain_rollup.sync_codes()
    codes = sorted({chains.segment_codes(s) for s in ChainSegment.objects.all()})
    for user, partner_reads in ((city.leader, 1), (city.district_a_user, 0)):
        with CaptureQueriesContext(connection) as ctx:
            got = chains._compute(user, codes, [MARCH])
        sql = [q["sql"] for q in ctx.captured_queries]
        assert sum('"zones_chainpartnerrollup"' in q for q in sql) == partner_reads
        assert sum('"zones_chainfirmrollup"' in q for q in sql) == 1
        assert _record_reads(ctx.captured_queries) == 0
        assert got == chains._compute(user, codes, [MARCH], source="records"), user.username
    leader = chains._compute(city.leader, codes, [MARCH])[("8507",)]
    assert leader.markets == {"344": 100, "502": 40, "116": 1000}
    city_rows = chains.ChainPartnerRollup.objects.all()
    for scoped in (city.district_a_user, city.liaison):  # the gate refuses them the table
        with pytest.raises((ImproperlyConfigured, FieldError)):
            list(by_firm_scope(city_rows, scoped))
    district = chains._compute(city.district_a_user, codes, [MARCH])[("8507",)]
    assert district.markets == {"344": 100, "502": 40}
