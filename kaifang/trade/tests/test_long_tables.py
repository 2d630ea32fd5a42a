"""A breakdown whose reads pass the page's deadline is computed by the worker, as the user
who asked; the page shows the job's progress and then the table, kept (decision 0059)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kaifang.core.models import Job, JobStatus
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade import long_tables
from kaifang.trade.tests.test_views_analysis import login, url


def _codes(page) -> list[str]:
    return [row.key for row in page.context["page"].object_list]


def test_a_table_past_the_deadline_is_computed_by_the_worker_within_the_users_scope(
    trade_data, city, client, monkeypatch, django_capture_on_commit_callbacks
):
    address = url("trade:analysis_breakdown", "hs8", mode="10", year=2025, month=3)
    login(client, city.district_b_user)
    direct = client.get(address)  # no deadline passed: computed in the request
    assert direct.status_code == 200 and _codes(direct) == ["61091000"]

    from django.core.cache import cache

    from kaifang.core.lib import local_cache

    cache.clear()
    local_cache.clear()
    monkeypatch.setattr(long_tables, "page_read_seconds", lambda: 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(address)
    page = waiting.content.decode()
    assert waiting.status_code == 200 and "已转入后台计算" in page
    job = Job.objects.get(kind=long_tables.TABLE_KIND)
    assert job.owner == city.district_b_user and job.status == JobStatus.QUEUED
    assert f"{reverse('core:job_progress', args=[job.pk])}?reload=1" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.get(address)  # asked again while it waits: the same job
    assert Job.objects.filter(kind=long_tables.TABLE_KIND).count() == 1

    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["url"] == address and job.result["rows"] == 1
    polled = client.get(reverse("core:job_progress", args=[job.pk]), {"reload": "1"})
    assert "data-autoreload" in polled.content.decode() and "查看结果" in polled.content.decode()
    assert 'id="job-started"' not in polled.content.decode()  # the waiting page has no times

    shown = client.get(address)  # the deadline still 0: table and chart read kept
    assert shown.status_code == 200 and "已转入后台计算" not in shown.content.decode()
    assert _codes(shown) == ["61091000"] and shown.context["chart"] is not None

    # another scope does not read district B's table: the leader waits for his own
    leader = login(Client(), city.leader)
    with django_capture_on_commit_callbacks(execute=True):
        his = leader.get(address)
    assert "已转入后台计算" in his.content.decode()
    mine = Job.objects.filter(kind=long_tables.TABLE_KIND, owner=city.leader)
    assert mine.count() == 1
    assert leader.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    run_queued_tasks()
    assert sorted(_codes(leader.get(address))) == ["61091000", "84713000"]


def test_no_limit_reads_in_the_request(settings):
    settings.PAGE_READ_LIMIT_MS = 0
    assert long_tables.page_read_seconds() is None
    settings.PAGE_READ_LIMIT_MS = 500
    assert long_tables.page_read_seconds() == 0.5


def test_the_export_of_a_table_past_the_deadline_is_written_by_the_worker(
    trade_data, city, client, monkeypatch, django_capture_on_commit_callbacks
):
    """Its rows are not known without reading the table: the export goes to the worker at
    once, which writes what the synchronous export writes, within the user's scope."""
    from django.core.cache import cache

    from kaifang.core.lib import local_cache
    from kaifang.core.tests.queue import export_through_worker
    from kaifang.trade.tests.test_views_analysis import sheet_rows

    address = url("trade:analysis_breakdown_export", "hs8", mode="10", year=2025, month=3)
    login(client, city.district_b_user)
    direct = sheet_rows(client.get(address))
    cache.clear()
    local_cache.clear()
    monkeypatch.setattr(long_tables, "page_read_seconds", lambda: 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(address, follow=True)
    assert "数据较多，已转入后台生成 Excel 文件" in asked.content.decode()
    Job.objects.all().delete()
    job, rows = export_through_worker(client, address, django_capture_on_commit_callbacks)
    assert job.title == "导出外贸分析：分商品(8位编码)"
    assert rows[2:] == [list(row) for row in direct[2:]]
    assert any("61091000" in str(cell) for cell in rows[3])
