"""Jobs: enqueue, run, progress, failure, and that a job is visible to its owner only."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django_q.models import OrmQ
from openpyxl import load_workbook

from kaifang.core import jobs
from kaifang.core.jobs import JobError, JobHandle, enqueue, job, run
from kaifang.core.models import AuditEntry, Job, JobStatus
from kaifang.core.tasks import SELFTEST_KIND

pytestmark = pytest.mark.django_db

seen_percent: list[int] = []


@job("test.steps")
def _steps(handle: JobHandle, *, count: int) -> dict[str, int]:
    for i in range(1, count + 1):
        handle.progress(100 * i / count, f"第 {i} 步")
        seen_percent.append(Job.objects.get(pk=handle.job.pk).percent)
    return {"count": count}


@job("test.user_error")
def _user_error(handle: JobHandle) -> None:
    handle.progress(40, "读取文件")
    raise JobError("文件第 3 行缺少“统一社会信用代码”。")


@job("test.crash")
def _crash(handle: JobHandle) -> None:
    raise KeyError("oops")


@job("test.chatty")
def _chatty(handle: JobHandle) -> None:
    for i in range(200):
        handle.progress(10, f"同一进度的第 {i} 条说明")


def test_enqueue_creates_a_queued_row_and_queues_it_after_commit(
    city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = enqueue(
            kind="test.steps", owner=city.officer, title="测试任务", params={"count": 4}
        )
    assert len(callbacks) == 1
    row = Job.objects.get(pk=created.pk)
    assert row.status == JobStatus.QUEUED
    assert row.unit == city.division
    queued = OrmQ.objects.get()
    assert queued.func() == "kaifang.core.jobs.run"
    assert queued.task["args"] == (str(created.pk),)
    assert AuditEntry.objects.filter(action="job.enqueue", object_id=str(created.pk)).exists()


def test_unknown_kind_is_refused(city):
    with pytest.raises(Exception, match="unknown job kind"):
        enqueue(kind="no.such.kind", owner=city.officer, title="x", params={})


def test_run_moves_through_running_to_succeeded_with_progress(city):
    seen_percent.clear()
    created = enqueue(kind="test.steps", owner=city.officer, title="测试任务", params={"count": 4})
    run(str(created.pk))
    row = Job.objects.get(pk=created.pk)
    assert seen_percent == [25, 50, 75, 100]
    assert row.status == JobStatus.SUCCEEDED
    assert row.percent == 100
    assert row.result == {"count": 4}
    assert row.started_at is not None and row.finished_at >= row.started_at


def test_run_twice_does_not_run_the_job_again(city):
    seen_percent.clear()
    created = enqueue(kind="test.steps", owner=city.officer, title="测试任务", params={"count": 2})
    run(str(created.pk))
    run(str(created.pk))
    assert seen_percent == [50, 100]


def test_user_error_is_stored_in_chinese(city):
    created = enqueue(kind="test.user_error", owner=city.officer, title="导入", params={})
    run(str(created.pk))
    row = Job.objects.get(pk=created.pk)
    assert row.status == JobStatus.FAILED
    assert row.error == "文件第 3 行缺少“统一社会信用代码”。"
    assert row.percent == 40
    assert "JobError" in row.traceback
    assert row.finished_at is not None


def test_unexpected_error_gives_a_chinese_message_and_keeps_the_traceback(city):
    created = enqueue(kind="test.crash", owner=city.officer, title="崩溃", params={})
    run(str(created.pk))
    row = Job.objects.get(pk=created.pk)
    assert row.status == JobStatus.FAILED
    assert row.error.startswith("任务执行出错（KeyError）")
    assert "oops" not in row.error
    assert "KeyError: 'oops'" in row.traceback


def test_progress_with_unchanged_percent_is_throttled(city, django_assert_max_num_queries):
    created = enqueue(kind="test.chatty", owner=city.officer, title="啰嗦", params={})
    Job.objects.filter(pk=created.pk).update(status=JobStatus.RUNNING)
    handle = JobHandle(Job.objects.get(pk=created.pk))
    started = time.monotonic()
    with django_assert_max_num_queries(3):
        for i in range(200):
            handle.progress(10, f"说明 {i}")
    assert time.monotonic() - started < 0.5  # all 200 calls within one interval
    assert Job.objects.get(pk=created.pk).percent == 10


def test_progress_stops_a_job_failed_from_outside(city):
    created = enqueue(kind="test.chatty", owner=city.officer, title="啰嗦", params={})
    Job.objects.filter(pk=created.pk).update(status=JobStatus.FAILED)
    handle = JobHandle(Job.objects.get(pk=created.pk))
    with pytest.raises(jobs.JobAborted):
        handle.progress(50, "")


def test_fail_stale_marks_abandoned_running_jobs(city):
    from django.utils import timezone

    created = enqueue(kind="test.chatty", owner=city.officer, title="卡住", params={})
    Job.objects.filter(pk=created.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - timezone.timedelta(hours=3)
    )
    assert jobs.fail_stale(older_than_seconds=3600) == 1
    row = Job.objects.get(pk=created.pk)
    assert row.status == JobStatus.FAILED and "中断" in row.error


def test_selftest_produces_a_workbook(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    created = enqueue(
        kind=SELFTEST_KIND, owner=city.officer, title="系统自检", params={"steps": 5, "pause": 0}
    )
    run(str(created.pk))
    row = Job.objects.get(pk=created.pk)
    assert row.status == JobStatus.SUCCEEDED
    assert row.result_file.name.startswith("jobs/")
    assert row.result_filename == "自检结果.xlsx"
    content = row.result_file.read()
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "步骤数" and sheet["B2"].value == 5
    assert sheet["B4"].value == city.officer.display_name


def test_selftest_workbook_keeps_a_formula_like_name_as_text(city, settings, tmp_path):
    from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text

    settings.MEDIA_ROOT = tmp_path
    type(city.officer).objects.filter(pk=city.officer.pk).update(full_name=EVIL)
    city.officer.refresh_from_db()
    created = enqueue(
        kind=SELFTEST_KIND, owner=city.officer, title="系统自检", params={"steps": 1, "pause": 0}
    )
    run(str(created.pk))
    assert_stored_as_text(
        Job.objects.get(pk=created.pk).result_file.read(), city.officer.display_name
    )


# --- pages ---------------------------------------------------------------------------------


def _finished_selftest(city, owner):
    created = enqueue(
        kind=SELFTEST_KIND, owner=owner, title="系统自检", params={"steps": 2, "pause": 0}
    )
    run(str(created.pk))
    return created


def test_owner_sees_progress_and_downloads_result(city, client: Client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    created = _finished_selftest(city, city.officer)
    client.force_login(city.officer)
    page = client.get(f"/jobs/{created.pk}/").content.decode()
    assert "已完成" in page and "下载结果" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    download = client.get(f"/jobs/{created.pk}/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an xlsx is a zip
    assert AuditEntry.objects.filter(action="export.job_result").exists()


def test_running_job_partial_polls_every_second(city, client: Client):
    created = enqueue(kind="test.chatty", owner=city.officer, title="进行中", params={})
    Job.objects.filter(pk=created.pk).update(
        status=JobStatus.RUNNING, percent=37, message="第 2 步"
    )
    client.force_login(city.officer)
    partial = client.get(f"/jobs/{created.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert f'hx-get="/jobs/{created.pk}/progress/"' in partial
    assert 'value="37"' in partial and "第 2 步" in partial


@pytest.mark.parametrize("who", ["district_b_user", "leader", "admin"])
def test_another_user_gets_404_for_a_job(city, client: Client, settings, tmp_path, who):
    """Whatever their data scope (the leader and the administrator see ALL), a job is the
    owner's: detail, progress, download and the list all hide it."""
    settings.MEDIA_ROOT = tmp_path
    created = _finished_selftest(city, city.officer)
    client.force_login(getattr(city, who))
    for suffix in ("", "progress/", "download/"):
        assert client.get(f"/jobs/{created.pk}/{suffix}").status_code == 404
    listing = client.get("/jobs/").content.decode()
    assert str(created.pk) not in listing
    assert "您还没有发起过后台任务" in listing


def test_selftest_button_enqueues_and_redirects(city, client: Client):
    client.force_login(city.district_a_user)
    response = client.post("/jobs/selftest/")
    created = Job.objects.get(owner=city.district_a_user)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{created.pk}/"
    assert created.kind == SELFTEST_KIND and created.status == JobStatus.QUEUED
    assert client.get("/jobs/selftest/").status_code == 405


def test_workbench_panel_shows_own_running_jobs(city, client: Client):
    created = enqueue(kind="test.chatty", owner=city.officer, title="导出企业名录", params={})
    Job.objects.filter(pk=created.pk).update(status=JobStatus.RUNNING, percent=12)
    client.force_login(city.officer)
    page = client.get("/").content.decode()
    assert "后台任务" in page and "导出企业名录" in page
    client.force_login(city.leader)
    assert "导出企业名录" not in client.get("/").content.decode()


def test_job_list_page_is_paginated(city, client: Client, django_assert_max_num_queries):
    for i in range(25):
        enqueue(kind="test.chatty", owner=city.officer, title=f"任务{i:02d}", params={})
    client.force_login(city.officer)
    with django_assert_max_num_queries(12):
        page = client.get("/jobs/").content.decode()
    assert "任务24" in page and "任务00" not in page
    assert "任务00" in client.get("/jobs/?page=2").content.decode()


inside = threading.Event()
release = threading.Event()


@job("test.in_transaction")
def _in_transaction(handle: JobHandle) -> None:
    with transaction.atomic():
        handle.progress(40, "已写入 40 万条")
        inside.set()
        release.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_progress_reported_inside_a_transaction_reaches_the_page(city, settings, tmp_path):
    """An import commits in one transaction: its progress must show before the commit."""
    settings.VAR_DIR = tmp_path
    inside.clear()
    release.clear()
    created = enqueue(kind="test.in_transaction", owner=city.officer, title="导入", params={})

    def work() -> None:
        try:
            run(str(created.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert inside.wait(timeout=30)
        row = Job.objects.get(pk=created.pk)
        assert (row.status, row.percent) == (JobStatus.RUNNING, 0)  # not committed yet
        shown = jobs.live_progress(row)
        assert (shown.percent, shown.message) == (40, "已写入 40 万条")
    finally:
        release.set()
        worker.join(timeout=30)
    row = Job.objects.get(pk=created.pk)
    assert row.status == JobStatus.SUCCEEDED
    assert not list((tmp_path / "jobs").glob("*.json"))  # the side file goes with the job


def _queued_calls() -> list[tuple[str, tuple[object, ...]]]:
    return [(r.task["func"], tuple(r.task["args"])) for r in OrmQ.objects.order_by("id")]


def test_defer_once_queues_a_call_once_while_it_waits(db, django_capture_on_commit_callbacks):
    """A burst of commits asking for the same refresh queues it once; a call a worker has
    taken (its lock lies ahead) no longer counts; other arguments are another call."""
    from django.utils import timezone

    OrmQ.objects.all().delete()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.defer_once("kaifang.core.tasks.selftest_refresh", "a")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh", "b")
    assert _queued_calls() == [
        ("kaifang.core.tasks.selftest_refresh", ("a",)),
        ("kaifang.core.tasks.selftest_refresh", ("b",)),
    ]
    OrmQ.objects.update(lock=timezone.now() + timezone.timedelta(minutes=5))  # taken
    with django_capture_on_commit_callbacks(execute=True):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh", "a")
    assert len(_queued_calls()) == 3


def test_defer_once_queues_nothing_when_the_transaction_rolls_back(db):
    OrmQ.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.defer_once("kaifang.core.tasks.selftest_refresh")
        raise RuntimeError
    assert not OrmQ.objects.exists()


def test_defer_once_with_a_delay_waits_for_the_last_call_within_its_hold(
    db, django_capture_on_commit_callbacks
):
    """A debounced call starts `delay` after the last commit that asks for it, never later
    than `hold` after the first; asked for without delay, it is due at once. A call a worker
    has taken (its lock the retry margin ahead) is not one that waits."""
    from django.utils import timezone

    OrmQ.objects.all().delete()
    first = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh", delay=20, hold=30)
    row = OrmQ.objects.get()
    assert (
        first + timezone.timedelta(seconds=19) < row.lock <= first + timezone.timedelta(seconds=21)
    )
    started = row.task["started"]
    time.sleep(1.2)  # asked again later: put off from then, but not past its hold
    with django_capture_on_commit_callbacks(execute=True):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh", delay=20, hold=21)
    row = OrmQ.objects.get()
    assert row.lock == started + timezone.timedelta(seconds=21)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh")
    assert OrmQ.objects.get().lock <= timezone.now()
    OrmQ.objects.update(lock=timezone.now() + timezone.timedelta(seconds=61))  # taken
    with django_capture_on_commit_callbacks(execute=True):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh", delay=20, hold=30)
    assert OrmQ.objects.count() == 2
    with pytest.raises(ValueError):
        jobs.defer_once("kaifang.core.tasks.selftest_refresh", delay=120)


def test_a_taken_calls_lock_lies_beyond_every_put_off_waiting_call(settings):
    """`defer_once` tells a waiting call from a taken one by how far ahead its lock lies: a
    worker sets a taken call's lock `retry` ahead and runs it at most `timeout`, so the
    margin between them must exceed the furthest a waiting call is put off, or a running
    refill would count as waiting and a commit's refill would be lost."""
    margin = settings.Q_CLUSTER["retry"] - settings.Q_CLUSTER["timeout"]
    assert margin > jobs.DEFER_LIMIT_SECONDS


def test_only_administrators_are_offered_the_selftest_button(city, client: Client):
    """A leader's and a district officer's 后台任务 page offered 运行自检任务, a check of the
    worker that only administrators need (UX review, 2026-12-05)."""
    for user in (city.leader, city.district_a_user):
        client.force_login(user)
        assert "运行自检任务" not in client.get("/jobs/").content.decode()
    client.force_login(city.admin)
    assert "运行自检任务" in client.get("/jobs/").content.decode()
