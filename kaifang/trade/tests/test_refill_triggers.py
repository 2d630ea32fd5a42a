"""Issue 17, when the worker refills the cached figures (decision 0021): after the commit's
last bump of the rollup version, so what it computes is what the pages read; after an
enterprise change as after a rebuild; once for a burst of edits; and in debug mode
(JOBS_SYNC, the refill runs in the request) before nobody reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.conf import Conf
from django_q.models import OrmQ

from kaifang.core.lib import local_cache
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.signals import version_bumped

pytestmark = pytest.mark.django_db

REFILLS = {
    "kaifang.trade.refill.refill",
    "kaifang.trade.profile.refill",
    "kaifang.trade.figures.refill_keyed",
    "kaifang.indicators.dashboard.refill",
    "kaifang.zones.selectors.chains.refill",
    "kaifang.risk.dependence.refill_dependence",
}
PAGES = [reverse("trade:analysis_overview")] + [
    reverse("trade:analysis_dynamic", args=[kind])
    for kind in ("concentration", "new-exporters", "stopped")
]


def _first_views(client, user) -> tuple[list[str], list[Any]]:
    """The pages as a user opens them from the menu, in a fresh process (the worker is
    another one): the queries that summed rollups, and the pages' contexts."""
    local_cache.clear()
    client.force_login(user)
    sums, contexts = [], []
    for url in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        sums += [url for q in ctx.captured_queries if "SUM(" in q["sql"].upper()]
        contexts.append(response.context)
    return sums, contexts


def _queued() -> list[str]:
    return [row.task["func"] for row in OrmQ.objects.order_by("id")]


def test_an_enterprise_edit_queues_the_refill_and_the_first_views_read_it(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    """Before: a move of a firm to another district bumped the version and queued nothing, so
    the next first view of every page computed."""
    _first_views(client, city.district_a_user)  # warm, for the old version
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e2.district = city.district_a
        trade_data.e2.save()
    assert set(run_queued_tasks()) >= REFILLS
    sums, contexts = _first_views(client, city.district_a_user)
    assert not sums
    assert "乙纺织" in {i.name for i in contexts[1]["items"]}  # concentration: moved in


def test_without_the_refill_the_first_view_after_an_edit_computes(trade_data, city, client):
    """The check above can fail: the same edit, its refill not run."""
    _first_views(client, city.district_a_user)
    trade_data.e2.name = "乙纺织（新名）"
    trade_data.e2.save()
    sums, _ = _first_views(client, city.district_a_user)
    assert sums


def test_a_burst_of_edits_queues_each_refill_once(
    trade_data, city, django_capture_on_commit_callbacks
):
    """Each edit its own commit (a bulk import saving firm after firm, people editing): while
    a refill waits in the queue, the next commits add none; one taken by the worker counts no
    more. Within one transaction, a thousand saves tell the refills once."""
    OrmQ.objects.all().delete()
    for i, firm in enumerate([trade_data.e1, trade_data.e2, trade_data.e3, trade_data.e4]):
        with django_capture_on_commit_callbacks(execute=True):
            firm.name = f"{firm.name}{i}"
            firm.save()
    assert sorted(_queued()) == sorted(REFILLS)
    run_queued_tasks()  # the worker took them: the next edit queues them again
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e5.name = "戊贸易（新名）"
        trade_data.e5.save()
    assert sorted(_queued()) == sorted(REFILLS)
    told: list[object] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        told.append(sender)

    version_bumped.connect(listen, dispatch_uid="test.burst")
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for firm in (trade_data.e1, trade_data.e2, trade_data.e3):
                firm.liaison = city.liaison
                firm.save()
            rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    finally:
        version_bumped.disconnect(dispatch_uid="test.burst")
    # Once at the commit; once more when the moved liaison rollups are rebuilt after it
    # (their own transaction, trade.invalidation).
    assert len(told) == 2


def test_in_sync_mode_the_first_view_after_an_import_reads_the_refilled_entry(
    trade_data, city, client, django_capture_on_commit_callbacks, monkeypatch
):
    """JOBS_SYNC=true (debug): the refills run in the committing process. They used to run
    before the version's final bump at commit, so their entries were keyed by a version no
    page read, and every first view computed."""
    monkeypatch.setattr(Conf, "SYNC", True)
    OrmQ.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    assert not OrmQ.objects.exists()  # run, not queued
    for user in (city.leader, city.district_a_user):
        sums, _ = _first_views(client, user)
        assert not sums, user.username


def test_a_rolled_back_change_does_not_hold_back_the_next_commits_refill(
    trade_data, django_capture_on_commit_callbacks
):
    """The bumps of a transaction share one at-commit state: a rolled-back one's callbacks are
    dropped, and the next commit's bump must still tell the refills."""
    OrmQ.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        trade_data.e1.name = "甲机电（未保存）"
        trade_data.e1.save()
        raise RuntimeError
    assert not OrmQ.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e2.name = "乙纺织（新名）"
        trade_data.e2.save()
    assert sorted(_queued()) == sorted(REFILLS)


def test_in_sync_mode_the_first_view_after_an_import_command_reads_the_refilled_entry(
    trade_data, city, client, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    """The same through `kaifang import-customs` (its commit rebuilds the month's rollups):
    the pages then open on the imported month and compute nothing."""
    from kaifang.enterprises.tests.factories import EnterpriseFactory
    from kaifang.trade.tests.test_commands_import import KNOWN, LINES, run, write_csv

    EnterpriseFactory(name="示范精密机械有限公司", uscc=KNOWN, district=city.district_a)
    monkeypatch.setattr(Conf, "SYNC", True)
    OrmQ.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        result = run(write_csv(tmp_path, LINES[:3]))
    assert result["rows_imported"] == 3
    assert not OrmQ.objects.exists()
    for user in (city.leader, city.district_a_user):
        sums, contexts = _first_views(client, user)
        assert not sums, user.username
        assert contexts[0]["q"].label == "2025年9月", user.username


def _run_due() -> list[str]:
    """What the worker takes now: the queued calls whose start has come (django-q2's ORM
    broker takes rows whose lock lies in the past), each run, then gone."""
    from django.utils import timezone
    from django.utils.module_loading import import_string

    done = []
    for row in OrmQ.objects.filter(lock__lt=timezone.now()).order_by("id"):
        task = row.task
        import_string(task["func"])(*task["args"], **task["kwargs"])
        row.delete()
        done.append(task["func"])
    return done


@pytest.mark.parametrize("delay", [0.0, 1.5])
def test_a_trickle_of_edits_makes_one_round_and_the_first_views_read_it(
    trade_data, city, client, django_capture_on_commit_callbacks, monkeypatch, delay
):
    """Edits spread out, the worker idle between them (it polls and takes what is due):
    without the debounce (delay 0, before) each edit started a whole round of every refill;
    with it, one round after the last edit. The first views then read refilled entries."""
    import time

    from kaifang.trade import refill

    monkeypatch.setattr(refill, "EDIT_DELAY_SECONDS", delay)
    OrmQ.objects.all().delete()
    rounds = 0
    firms = [trade_data.e1, trade_data.e2, trade_data.e3, trade_data.e4, trade_data.e5]
    for i, firm in enumerate(firms):
        with django_capture_on_commit_callbacks(execute=True):
            firm.name = f"{firm.name}·{i}"
            firm.save()
        rounds += _run_due().count("kaifang.trade.refill.refill")
    time.sleep(delay + 0.1)
    rounds += _run_due().count("kaifang.trade.refill.refill")
    assert not OrmQ.objects.exists()
    assert rounds == (1 if delay else len(firms))
    for user in (city.leader, city.district_a_user):
        sums, contexts = _first_views(client, user)
        assert not sums, user.username
    names = {i.name for i in contexts[1]["items"]}  # concentration: the edits' names
    assert "甲机电·0" in names and "丙电子·2" in names


def test_a_rebuild_after_edits_refills_at_once(
    trade_data, django_capture_on_commit_callbacks, monkeypatch
):
    """An edit's refills wait for the next edit; a rebuild (an import) does not wait, and
    makes the edits' waiting refills due too (one round for both)."""
    from django.utils import timezone

    from kaifang.trade import refill

    monkeypatch.setattr(refill, "EDIT_DELAY_SECONDS", 30.0)
    OrmQ.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e1.name = "甲机电（新名）"
        trade_data.e1.save()
    assert sorted(_queued()) == sorted(REFILLS)
    assert not _run_due()  # put off
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    refills = [f for f in _queued() if f in REFILLS]
    assert sorted(refills) == sorted(REFILLS)  # the same calls, not queued twice
    assert all(row.lock <= timezone.now() for row in OrmQ.objects.all())
    assert set(_run_due()) >= REFILLS
