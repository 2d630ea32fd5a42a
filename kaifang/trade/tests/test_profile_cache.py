"""Issue 17, the 一企一档 profile's first view after an import: its trade panel is kept per
rollup version, firm and report month, the worker computes the largest firms' after a
rebuild, a user who may not see the firm gets nothing from the cache, and a correction shows
at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade import profile
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory


def _rebuild_as_an_import_does(django_capture_on_commit_callbacks) -> list[str]:
    with django_capture_on_commit_callbacks(execute=True):
        rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    return run_queued_tasks()


def _open(client, user, firm) -> tuple[Any, list[str]]:
    """The profile page's context and the trade rollup sums its request ran."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("enterprises:detail", args=[firm.pk]))
    assert response.status_code == 200
    sums = [
        q["sql"]
        for q in ctx.captured_queries
        if "SUM(" in q["sql"].upper() and "rollup" in q["sql"] and "trade_" in q["sql"]
    ]
    return response.context, sums


def _shown(context: Any) -> tuple[Any, ...]:
    return (
        context["cards"]["total"].sums,
        context["chart"],
        [(r.key, r.sums) for r in context["partners"].rows],
        [(r.key, r.sums) for r in context["products"].rows],
        [(r.key, r.sums) for r in context["modes"].rows],
        context["concentration"],
    )


def test_after_an_import_the_largest_firms_panels_are_computed_by_the_worker(
    trade_data, city, client, django_capture_on_commit_callbacks, monkeypatch
):
    """With one firm per scope: the city's largest (丙电子, 200 imported) and district B's
    (乙纺织, 30 this year against 丁服装's 20) open without summing; 甲机电, second in
    district A, is computed by its first viewer, then kept for everyone who sees it."""
    monkeypatch.setattr(profile, "REFILL_FIRMS", 1)
    assert "kaifang.trade.profile.refill" in _rebuild_as_an_import_does(
        django_capture_on_commit_callbacks
    )
    for user, firm in (
        (city.leader, trade_data.e3),
        (city.district_a_user, trade_data.e3),
        (city.district_b_user, trade_data.e2),
    ):
        context, sums = _open(client, user, firm)
        assert sums == [], (user, firm)
        fresh = profile._panel(user, firm.pk, context["q"].period)
        assert _shown(context) == _shown(fresh)
    context, sums = _open(client, city.district_a_user, trade_data.e1)
    assert sums and context["cards"]["total"].ytd == Decimal(150)
    context, sums = _open(client, city.leader, trade_data.e1)
    assert sums == [] and context["cards"]["total"].ytd == Decimal(150)


def test_a_user_outside_the_firms_scope_gets_no_panel_from_the_cache(trade_data, city, client):
    _open(client, city.leader, trade_data.e1)  # the panel is in the cache
    client.force_login(city.district_b_user)
    response = client.get(reverse("enterprises:detail", args=[trade_data.e1.pk]))
    assert response.status_code == 404
    assert "甲机电" not in response.content.decode()


def test_a_correction_to_the_report_month_shows_on_the_panel_at_once(trade_data, city, client):
    context, _ = _open(client, city.district_a_user, trade_data.e1)
    assert context["cards"]["total"].ytd == Decimal(150)
    CustomsRecordFactory(
        enterprise=trade_data.e1,
        period=dt.date(2025, 3, 1),
        flow="export",
        partner_code="344",
        hs_code="84713000",
        trade_mode="10",
        value_usd=Decimal(25),
    )
    rebuild_rollups([dt.date(2025, 3, 1)])
    context, sums = _open(client, city.district_a_user, trade_data.e1)
    assert sums  # computed again: the rebuild moved the rollup version
    assert context["cards"]["total"].ytd == Decimal(175)
    assert "344" in [r.key for r in context["partners"].rows]


@pytest.mark.parametrize("rows", [12])
def test_the_panel_keeps_only_the_rows_it_lists(trade_data, city, client, rows):
    """A firm trading with 12 partners: the panel lists 8, its concentration counts 12."""
    codes = ["116", "303", "344", "502", "110", "112", "113", "121", "122", "129", "132", "133"]
    for code in codes[:rows]:
        CustomsRecordFactory(
            enterprise=trade_data.e5,
            period=dt.date(2025, 3, 1),
            flow="export",
            partner_code=code,
            hs_code="61091000",
            trade_mode="10",
            value_usd=Decimal(10),
        )
    rebuild_rollups([dt.date(2025, 3, 1)])
    cache.clear()
    context, _ = _open(client, city.leader, trade_data.e5)
    assert len(context["partners"].rows) == profile.PANEL_ROWS
    assert context["concentration"].partners == rows
    assert context["partners"].total.ytd == Decimal(10 * rows)


def test_a_firm_trading_under_fifty_dollars_a_month_has_its_panel(trade_data, city, client):
    """The check for trade read the chart's values, rounded to 0.01 万美元: 乙纺织's 30 and 40
    dollars showed as 近36个月没有……记录."""
    client.force_login(city.district_b_user)
    html = client.get(reverse("enterprises:detail", args=[trade_data.e2.pk])).content.decode()
    assert "近36个月没有这家企业的海关进出口记录" not in html
    assert 'id="enterprise-partners"' in html and "日本" in html


def test_a_partner_renamed_after_the_panel_was_kept_shows_its_new_name(trade_data, city, client):
    """Reference names move no rollup version: the kept panel's names are read afresh, as
    the breakdown page's are."""
    from kaifang.core.models import Partner

    context, _ = _open(client, city.leader, trade_data.e1)
    assert "美国" in [r.name for r in context["partners"].rows]
    Partner.objects.filter(code="502").update(name_zh="美利坚合众国")
    context, sums = _open(client, city.leader, trade_data.e1)
    assert sums == []  # still the kept panel
    assert "美利坚合众国" in [r.name for r in context["partners"].rows]


def test_a_firm_opened_before_an_import_is_computed_by_the_worker_after_it(
    trade_data, city, client, django_capture_on_commit_callbacks, monkeypatch
):
    """丁服装 is neither the city's nor district B's largest: its first view computes its
    panel, and names it among the firms the worker computes after the next import."""
    monkeypatch.setattr(profile, "REFILL_FIRMS", 1)
    _, sums = _open(client, city.district_b_user, trade_data.e4)
    assert sums
    _rebuild_as_an_import_does(django_capture_on_commit_callbacks)
    context, sums = _open(client, city.district_b_user, trade_data.e4)
    assert sums == []
    assert _shown(context) == _shown(
        profile._panel(city.district_b_user, trade_data.e4.pk, context["q"].period)
    )
    # a firm nobody opened is still computed on its first view
    _, sums = _open(client, city.district_a_user, trade_data.e5)
    assert sums


def test_only_the_last_viewed_firms_are_computed_after_an_import(
    trade_data, city, client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(profile, "REFILL_FIRMS", 1)
    monkeypatch.setattr(profile, "VIEWED_FIRMS", 2)
    for firm in (trade_data.e1, trade_data.e5, trade_data.e1, trade_data.e4):
        cache.delete(profile.panel_cache_key(firm.pk, dt.date(2025, 3, 1)))
        _open(client, city.leader, firm)
    assert cache.get(profile.VIEWED_KEY) == [trade_data.e4.pk, trade_data.e1.pk]
    _rebuild_as_an_import_does(django_capture_on_commit_callbacks)
    assert _open(client, city.leader, trade_data.e1)[1] == []
    assert _open(client, city.leader, trade_data.e4)[1] == []
    assert _open(client, city.leader, trade_data.e5)[1]  # pushed out by the two after it


def test_a_kept_panel_names_no_firm(trade_data, city, client):
    """Only a computed panel names its firm: a view of a kept one writes nothing."""
    _open(client, city.leader, trade_data.e1)
    assert cache.get(profile.VIEWED_KEY) == [trade_data.e1.pk]
    cache.delete(profile.VIEWED_KEY)
    assert _open(client, city.leader, trade_data.e1)[1] == []
    assert cache.get(profile.VIEWED_KEY) is None


def test_a_listed_firm_no_scope_sees_is_left_out_of_the_refill(trade_data, city, monkeypatch):
    """A firm deleted since it was opened (its id stays listed) costs the refill nothing."""
    monkeypatch.setattr(profile, "REFILL_FIRMS", 1)
    computed = profile.refill()
    cache.set(profile.VIEWED_KEY, [trade_data.e4.pk + 1000, trade_data.e4.pk], None)
    assert profile.refill() == computed + 1  # 丁服装 only
