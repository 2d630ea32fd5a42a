"""Periodic work: `ensure_schedules()` is idempotent, and the rows it writes are ones
django-q2's scheduler enqueues and the worker can call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler

from kaifang.core import schedules
from kaifang.core.models import Job, JobStatus
from kaifang.core.schedules import Periodic, ensure_schedules

pytestmark = pytest.mark.django_db


def test_ensure_schedules_is_idempotent():
    first = ensure_schedules()
    assert "core.jobs.fail_stale" in first.created
    assert "core.notifications.retry_failed" in first.created
    rows = {s.name: s for s in Schedule.objects.all()}
    assert rows["core.jobs.fail_stale"].func == "kaifang.core.tasks.fail_stale_jobs"
    assert rows["core.jobs.fail_stale"].schedule_type == Schedule.MINUTES
    assert rows["core.jobs.fail_stale"].minutes == 10
    next_runs = {name: row.next_run for name, row in rows.items()}
    second = ensure_schedules()
    assert second.created == [] and second.updated == [] and second.removed == []
    assert {s.name: s.next_run for s in Schedule.objects.all()} == next_runs


def test_changed_definitions_are_updated_and_stale_ones_removed(monkeypatch):
    ensure_schedules()
    Schedule.objects.create(name="admin.own", func="math.floor", args="1.5")
    registry = dict(schedules._PERIODIC)
    registry["core.jobs.fail_stale"] = Periodic(
        name="core.jobs.fail_stale", func="kaifang.core.tasks.fail_stale_jobs", cron="0 9 * * 1-5"
    )
    del registry["core.notifications.retry_failed"]
    monkeypatch.setattr(schedules, "_PERIODIC", registry)
    report = ensure_schedules()
    assert report.updated == ["core.jobs.fail_stale"]
    assert report.removed == ["core.notifications.retry_failed"]
    row = Schedule.objects.get(name="core.jobs.fail_stale")
    assert row.schedule_type == Schedule.CRON and row.cron == "0 9 * * 1-5"
    local = timezone.localtime(row.next_run)
    assert (local.hour, local.minute) == (9, 0) and local.weekday() < 5
    assert Schedule.objects.filter(name="admin.own").exists()  # not ours: left alone


def test_periodic_rejects_bad_definitions():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        schedules.periodic("x", cron="not a cron")
    with pytest.raises(ImproperlyConfigured):
        schedules.periodic("x", cron="* * * * *", minutes=5)
    with pytest.raises(ImproperlyConfigured):
        schedules.periodic("x")


def test_due_schedule_is_enqueued_by_the_scheduler_and_runs(city, monkeypatch):
    # The scheduler closes the process's connections first (a worker habit); inside a test
    # transaction that would close the test's own connection.
    import django_q.scheduler

    monkeypatch.setattr(django_q.scheduler, "close_old_django_connections", lambda: None)
    ensure_schedules()
    Schedule.objects.filter(name="core.jobs.fail_stale").update(
        next_run=timezone.now() - dt.timedelta(minutes=1)
    )
    stuck = Job.objects.create(
        kind="core.selftest",
        title="卡住的任务",
        owner=city.officer,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    scheduler(broker=get_broker())
    queued = [q for q in OrmQ.objects.all() if q.func() == "kaifang.core.tasks.fail_stale_jobs"]
    assert len(queued) == 1
    # What the worker would do with it:
    from django.utils.module_loading import import_string

    import_string(queued[0].func())()
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert Schedule.objects.get(name="core.jobs.fail_stale").next_run > timezone.now()


def test_setup_schedules_command(capsys):
    call_command("setup-schedules")
    call_command("setup-schedules")
    out = capsys.readouterr().out
    assert "新建：core.jobs.fail_stale（后台任务：标记失联的任务为失败）" in out
    assert "未变：core.jobs.fail_stale" in out


def test_every_periodic_schedule_has_a_chinese_label():
    """Administrators read the schedules by what they do, not by their codes."""
    unlabelled = [p.name for p in schedules.registered() if not schedules.label_for(p.name)]
    assert unlabelled == []
    assert schedules.label_for("trade.imports.recover") == "外贸数据导入：恢复中断的导入"
    assert schedules.label_for("admin.own") == ""  # an administrator's own row has none


def test_the_schedule_admin_shows_labels_and_ensure_schedules_still_matches_by_name(city, client):
    ensure_schedules()
    own = Schedule.objects.create(name="admin.own", func="math.floor", args="1.5")
    client.force_login(city.admin)
    html = client.get("/admin/django_q/schedule/").content.decode()
    assert "外贸数据导入：恢复中断的导入" in html and "诉求时限扫描" in html
    assert "trade.imports.recover" in html  # the code stays, as the row's name
    assert "admin.own" in html  # a row without a label shows its name
    found = client.get("/admin/django_q/schedule/", {"q": "中断的导入"}).content.decode()
    assert "trade.imports.recover" in found and "core.jobs.fail_stale" not in found
    row = Schedule.objects.get(name="trade.imports.recover")
    form = client.get(f"/admin/django_q/schedule/{row.pk}/change/").content.decode()
    assert "外贸数据导入：恢复中断的导入" in form
    again = ensure_schedules()
    assert again.created == [] and again.updated == [] and again.removed == []
    assert Schedule.objects.filter(pk=own.pk).exists()
