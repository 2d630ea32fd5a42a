"""A long drill-down or breakdown export is written by the worker, as the user who asked, with
a progress bar; the file is his alone and holds what the page showed."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kaifang.core.models import AuditEntry, Job, JobStatus
from kaifang.core.tests.queue import export_through_worker, run_queued_tasks
from kaifang.trade.exports import BREAKDOWN_COLUMNS, RECORDS_HEADERS
from kaifang.trade.tests.test_views_analysis import login, sheet_rows, url


def test_a_large_records_export_is_written_in_the_background_within_the_users_scope(
    trade_data, city, client, settings, django_capture_on_commit_callbacks
):
    login(client, city.district_b_user)
    total = client.get(url("trade:analysis_records", span="ytd")).context["page"].paginator.count
    assert total > 0
    direct = sheet_rows(client.get(url("trade:analysis_records_export", span="ytd")))
    AuditEntry.objects.filter(action="export.trade_records").delete()

    # one cell fewer than the records' ten columns: the worker writes it
    settings.EXPORT_SYNC_CELLS = total * len(RECORDS_HEADERS) - 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url("trade:analysis_records_export", span="ytd"), follow=True)
    job = Job.objects.get(kind="core.export")
    landed = reverse("core:job_detail", args=[job.pk])
    assert response.redirect_chain[-1][0] == f"{landed}?download=1"
    page = response.content.decode()
    assert f"共 {total:,} 条明细，已转入后台生成 Excel 文件，完成后自动下载" in page
    assert "<progress" in page and job.owner == city.district_b_user
    assert not AuditEntry.objects.filter(action="export.trade_records").exists()

    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.percent == 100, job.error
    polled = client.get(reverse("core:job_progress", args=[job.pk]), {"download": "1"})
    # the page the export landed on starts the download once the file is ready
    assert "下载结果" in polled.content.decode() and "data-autodownload" in polled.content.decode()
    later = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "下载结果" in later and "data-autodownload" not in later
    download = client.get(reverse("core:job_download", args=[job.pk]))
    # offered under the name the export gave it, full-width brackets and all
    assert "%EF%BC%88%E7%B4%AF%E8%AE%A1%EF%BC%89" in download["Content-Disposition"]  # （累计）
    rows = sheet_rows(download)
    # the title row carries the minute of writing; the table is the synchronous export's
    assert rows[2:] == direct[2:] and len(rows) == 3 + total + 1
    names = {row[1] for row in rows[3:-1]}
    assert names and "甲机电" not in names and "戊贸易" not in names
    assert AuditEntry.objects.filter(
        action="export.trade_records", actor=city.district_b_user
    ).exists()

    other = login(Client(), city.leader)
    assert other.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    assert other.get(reverse("core:job_detail", args=[job.pk])).status_code == 404


def test_a_small_records_export_downloads_at_once(trade_data, city, client, settings):
    login(client, city.district_b_user)
    total = client.get(url("trade:analysis_records", span="ytd")).context["page"].paginator.count
    settings.EXPORT_SYNC_CELLS = total * len(RECORDS_HEADERS)  # exactly as many cells
    response = client.get(url("trade:analysis_records_export", span="ytd"))
    assert response.status_code == 200 and len(sheet_rows(response)) == 3 + total + 1
    assert not Job.objects.filter(kind="core.export").exists()


def test_the_export_holds_the_pages_rows_in_their_order_for_a_liaison_officer(shares, city, client):
    """The export chooses its plan for reading every matching record (as a page does for its
    depth): the same rows, in the same order, as the drill-down's pages one after another."""
    from kaifang.trade.views.analysis import RECORDS_PAGE_SIZE

    login(client, city.liaison)
    params = {"year": "2025", "month": "3", "flow": "total", "currency": "usd", "span": "ytd"}
    first = client.get(url("trade:analysis_records", **params))
    total = first.context["page"].paginator.count
    shown = []
    for number in range(1, (total - 1) // RECORDS_PAGE_SIZE + 2):
        page = client.get(url("trade:analysis_records", page=str(number), **params))
        shown += [
            (r.period.strftime("%Y-%m"), r.hs_code, r.value_usd) for r in page.context["page"]
        ]
    rows = sheet_rows(client.get(url("trade:analysis_records_export", **params)))
    exported = [(row[0], row[4], row[8]) for row in rows[3:-1]]
    assert total > 0 and len(exported) == total
    assert [(p, h, float(v)) for p, h, v in shown] == [(p, h, float(v)) for p, h, v in exported]


def test_a_long_breakdown_export_is_written_by_the_worker_as_the_page_shows_it(
    trade_data, city, client, settings, django_capture_on_commit_callbacks
):
    """By firm for district B's user: the worker's file is the page's export (his two firms and
    the total), the audit entry his; the breakdown named in the job's parameters."""
    login(client, city.district_b_user)
    direct = sheet_rows(client.get(url("trade:analysis_breakdown_export", "enterprise")))
    AuditEntry.objects.filter(action="export.trade_by-enterprise").delete()
    # two firms and the total row, twelve columns: one cell fewer goes to the worker
    settings.EXPORT_SYNC_CELLS = 3 * BREAKDOWN_COLUMNS - 1
    job, rows = export_through_worker(
        client,
        url("trade:analysis_breakdown_export", "enterprise"),
        django_capture_on_commit_callbacks,
    )
    assert [tuple(r) for r in rows[2:]] == direct[2:] and len(rows) == 3 + 3
    assert {r[0] for r in rows[3:-1]} == {"乙纺织", "丁服装"}
    assert job.result["filename"].startswith("外贸分析-分企业-")
    entry = AuditEntry.objects.get(action="export.trade_by-enterprise")
    assert entry.actor == city.district_b_user and entry.changes["by"] == "enterprise"
    settings.EXPORT_SYNC_CELLS = 3 * BREAKDOWN_COLUMNS  # as many cells: at once
    assert len(sheet_rows(client.get(url("trade:analysis_breakdown_export", "enterprise")))) == 6
