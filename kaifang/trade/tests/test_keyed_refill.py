"""Issue 17, the first view after an import of a page within keys: the worker computes again
the keyed pages people opened whose figures took long to compute (the leader's firms within
一般贸易: 1.3 s of CPU on a miss at 5.6 M records), each through its viewer's own scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.lib import local_cache
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade import figures
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import Keys, Query, breakdown
from kaifang.trade.selectors.base import scope_signature

pytestmark = pytest.mark.django_db

URL = reverse("trade:analysis_breakdown", args=["hs2"])
WITHIN = {"partner": "502", "hs": "84"}  # no rollup of a district user's holds both


def _view(client, params: dict[str, str]) -> tuple[Any, int]:
    """The page as opened in a fresh process: its context and the queries that summed."""
    local_cache.clear()
    with CaptureQueriesContext(connection) as read:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response.context, sum("SUM(" in q["sql"].upper() for q in read.captured_queries)


def _rebuild(capture) -> list[str]:
    with capture(execute=True):
        rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    return run_queued_tasks()


def test_a_slow_keyed_page_is_computed_again_after_an_import_for_its_scope(
    trade_data, city, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(figures, "SLOW_SECONDS", -1.0)  # every page is slow on test data
    user = city.district_a_user
    client.force_login(user)
    before, computed = _view(client, WITHIN)
    assert computed  # the first view summed the records
    (entry,) = figures.keyed_entries()
    assert entry[:4] == (scope_signature(user), user.pk, "hs2", 1)
    assert dict(entry[4]) == WITHIN
    assert "kaifang.trade.figures.refill_keyed" in _rebuild(django_capture_on_commit_callbacks)
    after, computed = _view(client, WITHIN)
    assert not computed  # the table and the chart were kept by the worker
    q = before["q"]
    fresh = breakdown(viewer=user, by="hs2", q=q, keys=Keys(**WITHIN), named=False)
    assert after["table"].rows == fresh.rows and fresh.rows  # his firms' figures, not zeros
    assert after["chart"] == before["chart"]


def test_without_the_refill_the_first_view_after_an_import_computes(
    trade_data, city, client, monkeypatch
):
    """The check above can fail: the same page after a rebuild whose refills did not run."""
    monkeypatch.setattr(figures, "SLOW_SECONDS", -1.0)
    client.force_login(city.district_a_user)
    _view(client, WITHIN)
    rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    _, computed = _view(client, WITHIN)
    assert computed


def test_a_fast_page_is_not_remembered_and_a_changed_scope_is_skipped(
    trade_data, city, client, monkeypatch
):
    client.force_login(city.leader)
    _view(client, WITHIN)  # a few records: well under SLOW_SECONDS
    assert figures.keyed_entries() == []
    monkeypatch.setattr(figures, "SLOW_SECONDS", -1.0)
    client.force_login(city.district_a_user)
    _view(client, WITHIN)
    assert figures.refill_keyed() == 1
    # moved to another district: his entry stood for the old scope, which he no longer sees
    city.district_a_user.unit = city.district_b
    city.district_a_user.save()
    assert figures.refill_keyed() == 0
    client.force_login(city.district_b_user)
    _view(client, WITHIN)
    assert figures.refill_keyed() == 1
    city.district_b_user.is_active = False
    city.district_b_user.save()
    assert figures.refill_keyed() == 0  # an inactive user's pages are not computed


def test_the_worker_computes_a_page_through_its_viewers_scope(trade_data, city, monkeypatch):
    """An entry names a user, not figures: what the worker keeps for a district user is his
    scope's table, under his scope's key, never the whole city's."""
    monkeypatch.setattr(figures, "SLOW_SECONDS", -1.0)
    user = city.district_a_user
    keys = Keys(partner="116", mode="10")  # his firm's 50 of the city's 70
    figures.kept_breakdown(user, "hs2", Query(year=2025, month=3), keys)
    rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    local_cache.clear()
    assert figures.refill_keyed() == 1
    latest = figures.report_month(user)
    assert latest is not None
    newest = Query(year=latest.year, month=latest.month)
    with CaptureQueriesContext(connection) as read:
        kept = figures.kept_breakdown(user, "hs2", newest, keys, remember=False)
    assert not any("SUM(" in q["sql"].upper() for q in read.captured_queries)  # kept
    assert kept.rows == breakdown(viewer=user, by="hs2", q=newest, keys=keys, named=False).rows
    city_wide = breakdown(viewer=city.leader, by="hs2", q=newest, keys=keys)
    assert kept.total.ytd == 50 and city_wide.total.ytd == 70  # his firms' share


def test_a_slow_breakdown_in_yuan_without_keys_is_computed_again_too(
    trade_data, city, client, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker's own refill computes each scope's default pages (dollars); a breakdown a
    user opened in yuan (the leader's firms: 376 ms on its first view after an import at 5.6
    M records) is remembered as a keyed page is."""
    monkeypatch.setattr(figures, "SLOW_SECONDS", -1.0)
    client.force_login(city.leader)
    url = reverse("trade:analysis_breakdown", args=["enterprise"])

    def view() -> int:
        local_cache.clear()
        with CaptureQueriesContext(connection) as read:
            assert client.get(url, {"currency": "cny"}).status_code == 200
        return sum("SUM(" in q["sql"].upper() for q in read.captured_queries)

    assert view()
    (entry,) = figures.keyed_entries()
    assert entry[2:] == ("enterprise", 1, (), "total", "cny")
    _rebuild(django_capture_on_commit_callbacks)
    assert not view()
