"""Writes to the register that send no model signal — a bulk `update()`/`bulk_update()`
(wrapped in enterprises.signals.bulk_write, as the demo loader does) and the liaison SET NULL
of a deleted user — still move the trade between the (district, park) pair and liaison
rollups and retire the cached overview figures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import reverse

from kaifang.enterprises.actions import enterprise_update
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.signals import bulk_write
from kaifang.trade.models import CustomsRecord, LiaisonRollup, ScopeRollup
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import Query, breakdown
from kaifang.trade.tests.stages import assert_stages_equal_the_facts

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("trade:analysis_overview") + "?" + urlencode({"year": 2025, "month": 3})


def _overview_total(client, user) -> Decimal:
    client.force_login(user)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    return {label: row.ytd for label, row, _ in response.context["cards"]}["进出口"]


def _pair_sums_from_rollups() -> dict[tuple[int, int], Decimal]:
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for r in ScopeRollup.objects.filter(dimension="partner"):
        sums[(r.district_id, r.park_id)] += r.value_usd
    return {k: v for k, v in sums.items() if v}


def _pair_sums_from_facts() -> dict[tuple[int, int], Decimal]:
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for r in CustomsRecord.objects.select_related("enterprise"):
        sums[(r.enterprise.district_id or 0, r.enterprise.park_id or 0)] += r.value_usd
    return {k: v for k, v in sums.items() if v}


def test_bulk_move_refreshes_the_pairs_and_the_cached_overview(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    assert _overview_total(client, city.district_b_user) == Decimal(50)  # cached now
    version = rollup_version()
    moved = [trade_data.e3.pk, trade_data.e5.pk]  # district A, 200 import in 2025-03 (e3)
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        bulk_write(moved),
    ):
        Enterprise.objects.filter(pk__in=moved).update(district=city.district_b)
    assert rollup_version() != version
    assert _pair_sums_from_rollups() == _pair_sums_from_facts()
    assert (city.district_b.pk, 0) in _pair_sums_from_rollups()
    assert_stages_equal_the_facts()  # the pair × partner × chapter rows followed the firms
    # the whole city by district and by park, read from the pairs, follow the firms too
    q = Query(year=2025, month=3, flow="total", currency="cny")
    for by in ("district", "park"):
        fast = breakdown(viewer=city.leader, by=by, q=q)
        assert fast.rows == breakdown(viewer=city.leader, by=by, q=q, facts_only=True).rows
    by_district = breakdown(viewer=city.leader, by="district", q=q)
    assert {r.key for r in by_district.rows} >= {str(city.district_b.pk)}
    assert _overview_total(client, city.district_b_user) == Decimal(250)
    assert _overview_total(client, city.district_a_user) == Decimal(150)


def test_a_liaison_change_regroups_no_pair_from_the_records(
    trade_data, city, django_capture_on_commit_callbacks
):
    """A new liaison officer moves no firm between pairs: the pair and liaison rollups are
    summed again from the stages, the pair × partner × chapter rollup (grouped from the
    records: 0.75 s for a large pair at 5.6 M) is left alone; a move regroups both pairs."""
    from unittest import mock

    firms = [trade_data.e2.pk, trade_data.e4.pk]
    with (
        mock.patch("kaifang.trade.rollups.refresh_places", return_value=0) as places,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        bulk_write(firms),
    ):
        Enterprise.objects.filter(pk__in=firms).update(liaison=city.liaison)
    assert places.call_count == 0
    with (
        mock.patch("kaifang.trade.rollups.refresh_places", return_value=0) as places,
        django_capture_on_commit_callbacks(execute=True),
    ):
        enterprise_update(actor=city.admin, enterprise=trade_data.e3, district=city.district_b)
    assert places.call_count == 1
    assert {(d, p or 0) for d, p in places.call_args.args[0]} == {
        (city.district_a.pk, 0),
        (city.district_b.pk, 0),
    }


def test_bulk_liaison_assignment_reaches_the_officer_at_once(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    assert _overview_total(client, city.liaison) == Decimal(0)
    firms = [trade_data.e2.pk, trade_data.e4.pk]  # district B: 30 + 20 in 2025
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        bulk_write(firms),
    ):
        Enterprise.objects.filter(pk__in=firms).update(liaison=city.liaison)
    assert _overview_total(client, city.liaison) == Decimal(50)


def test_a_bulk_rename_retires_the_cached_figures_without_refreshing_pairs(
    trade_data, city, django_capture_on_commit_callbacks
):
    from unittest import mock

    version = rollup_version()
    with (
        mock.patch("kaifang.trade.rollups.refresh_pairs", return_value=0) as refresh,
        django_capture_on_commit_callbacks(execute=True),
        bulk_write([trade_data.e1.pk]),
    ):
        Enterprise.objects.filter(pk=trade_data.e1.pk).update(name="甲机电（新名）")
    assert rollup_version() != version  # top-enterprise tables show the name
    assert refresh.call_count == 0  # no sums changed hands
    version = rollup_version()
    with bulk_write([trade_data.e1.pk]):
        Enterprise.objects.filter(pk=trade_data.e1.pk).update(name="甲机电（新名）")
    assert rollup_version() == version  # nothing changed, nothing sent


def test_deleting_a_liaison_user_refreshes_their_pairs(
    trade_data, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_update(actor=city.admin, enterprise=trade_data.e2, liaison=city.liaison)
    officer_id = city.liaison.pk
    assert LiaisonRollup.objects.filter(liaison_id=officer_id).exists()
    version = rollup_version()
    with django_capture_on_commit_callbacks(execute=True):
        city.liaison.delete()  # the register's liaison column is set NULL by one UPDATE
    assert Enterprise.objects.get(pk=trade_data.e2.pk).liaison_id is None
    assert not LiaisonRollup.objects.filter(liaison_id=officer_id).exists()
    assert rollup_version() != version
    assert _pair_sums_from_rollups() == _pair_sums_from_facts()


def test_merging_across_districts_moves_the_trade_to_the_kept_pair(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    """The merge moves rows with update() too; trade's merge hooks refresh both pairs."""
    from kaifang.enterprises.actions import enterprise_merge

    assert _overview_total(client, city.district_b_user) == Decimal(50)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_merge(actor=city.officer, keep=trade_data.e2, drop=trade_data.e3)
    assert _pair_sums_from_rollups() == _pair_sums_from_facts()
    assert_stages_equal_the_facts()
    assert _overview_total(client, city.district_b_user) == Decimal(250)
    assert _overview_total(client, city.district_a_user) == Decimal(150)
