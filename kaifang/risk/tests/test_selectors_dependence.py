"""Dependence without a scenario: thresholds on the top market's share and on the share of
exports to watch-list partners; the city's concentration over time."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from kaifang.core.models import Partner
from kaifang.risk.dependence import dependence
from kaifang.risk.models import WatchEntry
from kaifang.risk.selectors import Spec, exposed_above, exposure

pytestmark = pytest.mark.django_db


def _watch(code: str) -> None:
    WatchEntry.objects.create(
        partner=Partner.objects.get(code=code), level="high", since=dt.date(2025, 1, 1)
    )


def _names(rows):
    return [r.name for r in rows]


def test_top_market_share_threshold(risk_data):
    # 2025 1–4月 exports: 甲 370 (美国 300 = 81.1%), 乙 11 (美国 100%), 丙 85 (美国 60 = 70.6%)
    at_75 = dependence(viewer=None, top_share=Decimal(75), watch_share=Decimal(30), months=12)
    assert sorted(_names(at_75.concentrated)) == ["乙电器", "甲电机"]
    at_90 = dependence(viewer=None, top_share=Decimal(90), watch_share=Decimal(30), months=12)
    assert _names(at_90.concentrated) == ["乙电器"]
    assert at_90.concentrated[0].top_share_pct == Decimal(100)


def test_watch_list_share_threshold(risk_data):
    unwatched = dependence(viewer=None, top_share=Decimal(50), watch_share=Decimal(25), months=12)
    assert unwatched.watch_window is None and unwatched.on_watch == []
    _watch("303")  # 丙 exported 25 of 85 to Germany in 2024-05 … 2025-04: 29.4 %
    found = dependence(viewer=None, top_share=Decimal(50), watch_share=Decimal(25), months=12)
    assert _names(found.on_watch) == ["丙机械"]
    assert found.on_watch[0].share_of_own_trade == Decimal(25) / Decimal(85)
    assert found.watch_window == "2024-05 至 2025-04（12个月）"
    none = dependence(viewer=None, top_share=Decimal(50), watch_share=Decimal(30), months=12)
    assert none.on_watch == []


@pytest.mark.parametrize("share", ["0", "25", "29.4", "70", "100"])
def test_the_watch_list_keeps_the_exposures_rows_above_the_share(risk_data, city, share):
    """The page names the firms over the threshold without the others' rows: the same rows,
    in the same order, as the whole exposure filtered."""
    spec = Spec(flow="export", partner_codes=frozenset({"502", "303"}), months=12)
    named = 0
    for viewer in (None, city.leader, city.district_b_user):
        whole = exposure(viewer=viewer, spec=spec)
        above = exposed_above(viewer=viewer, spec=spec, share_pct=Decimal(share))
        assert above.enterprises == [
            e for e in whole.enterprises if e.share_pct is not None and e.share_pct > Decimal(share)
        ]
        assert (above.window_label, above.records) == (whole.window_label, whole.records)
        named += len(above.enterprises)
    assert named or share == "100"


def test_dependence_is_scoped(risk_data, city):
    _watch("502")
    found = dependence(
        viewer=city.district_b_user, top_share=Decimal(50), watch_share=Decimal(10), months=12
    )
    assert _names(found.concentrated) == ["丙机械"]
    assert _names(found.on_watch) == ["丙机械"]


def test_city_concentration_year_by_year(risk_data):
    found = dependence(viewer=None, top_share=Decimal(50), watch_share=Decimal(30), months=12)
    labels = [p.label for p in found.history]
    assert labels == ["2024年1–12月", "2025年1–4月"]
    # 2025 1–4月: 美国 371, 日本 70, 德国 25 of 466
    latest = found.history[-1].partners
    assert latest.partners == 3
    expected = sum((Decimal(v) / 466) ** 2 for v in (371, 70, 25)) * 10000
    assert abs(latest.hhi - expected) < Decimal("0.0001")
    assert found.history[-1].products.partners == 3  # chapters 84, 85, 61


@pytest.mark.parametrize("persona", ["leader", "district_b_user"])
def test_dependence_page_reads_no_customs_records(risk_data, city, client, persona):
    """Issue 17: the firms' top-market shares and the watch-list exposure (every product of
    some partners) come from trade's enterprise × partner stage rollup, not from the records
    nor the exposure rollup, which lags an import until the worker refreshes it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _watch("502")
    client.force_login(getattr(city, persona))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/risk/dependence/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "丙机械" in page
    assert re.search(r"近12个月，\d{4}-\d\d 至 \d{4}-\d\d（12个月）", page)  # the watch window
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "trade_customsrecord" not in read and "risk_exposurerollup" not in read
    assert "trade_enterprisepartnerrollup" in read


def test_dependence_is_computed_once_per_rebuild_and_watch_list(risk_data, city):
    """The page's figures are cached per rollup version, scope and watch list: a second view
    reads no rollup; a new watch entry or a rebuild shows at once; one district's figures
    are never another's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.trade.models import CustomsRecord
    from kaifang.trade.rollups import rebuild_rollups

    def figures(viewer):
        return dependence(viewer=viewer, top_share=Decimal(50), watch_share=Decimal(25), months=12)

    first = figures(None)
    with CaptureQueriesContext(connection) as ctx:
        again = figures(None)
    assert not [q for q in ctx.captured_queries if 'rollup"' in q["sql"]]  # no rollup table
    assert _names(again.concentrated) == _names(first.concentrated) and again.on_watch == []
    assert _names(figures(city.district_b_user).concentrated) == ["丙机械"]
    _watch("303")
    assert _names(figures(None).on_watch) == ["丙机械"]
    records = CustomsRecord.objects.filter(enterprise__name="乙电器")
    periods = sorted(set(records.values_list("period", flat=True)))
    assert periods
    records.delete()
    rebuild_rollups(periods)
    assert "乙电器" not in _names(figures(None).concentrated)


@pytest.mark.parametrize("viewer", [None, "district_b_user"])
def test_another_threshold_filters_the_kept_parts_and_reads_no_trade(
    risk_data, city, viewer, monkeypatch
):
    """A new threshold on the page (the first market's share, the watch list's share) read
    every firm's trade again: about 150 ms of CPU at 5.6 M records. The parts no threshold
    changes are kept per version and scope: the figures are those computed afresh, and the
    only reads are the firms' names. A new window (months) reads the watch list's trade
    again, and nothing else (session 55)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.core.lib import local_cache
    from kaifang.risk.dependence import figures_of_dependence

    who = getattr(city, viewer) if viewer else None
    _watch("303")
    _watch("502")
    dependence(viewer=who, top_share=Decimal(50), watch_share=Decimal(30), months=12)
    thresholds = {"top_share": Decimal(60), "watch_share": Decimal(10), "months": 12}
    with CaptureQueriesContext(connection) as ctx:
        kept = dependence(viewer=who, **thresholds)
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert 'rollup"' not in read and "trade_customsrecord" not in read  # no trade table
    from kaifang.risk import dependence as module

    def kept_part(**_kwargs):
        raise AssertionError("computed again")

    for name in ("enterprise_concentration", "breakdown", "markets"):
        monkeypatch.setattr(module, name, kept_part)
    other_window = dependence(viewer=who, **{**thresholds, "months": 6})  # its watch list only
    monkeypatch.undo()
    local_cache.clear()
    from django.core.cache import cache

    cache.clear()
    for found, given in ((kept, thresholds), (other_window, {**thresholds, "months": 6})):
        afresh = figures_of_dependence(viewer=who, **given)
        assert found.concentrated == afresh.concentrated and found.on_watch == afresh.on_watch
        assert (found.watch_window, found.history) == (afresh.watch_window, afresh.history)
        assert found.markets == afresh.markets
    assert kept.concentrated and kept.on_watch


def test_the_worker_fills_the_dependence_page_after_a_rebuild(risk_data, city, client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.risk.dependence import refill_dependence
    from kaifang.trade.signals import version_bumped

    assert any("risk.dependence" in str(r[0]) for r in version_bumped.receivers)
    _watch("502")
    cache.clear()
    assert refill_dependence() >= 3  # the city, and each user of a district's unit
    for user in (city.leader, city.district_b_user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/risk/dependence/").status_code == 200
        assert not [q for q in ctx.captured_queries if 'rollup"' in q["sql"]], user.username
