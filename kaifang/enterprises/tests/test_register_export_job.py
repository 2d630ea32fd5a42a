"""A long register export is written by the worker as the user who asked: the same filters,
the same scope, the file his alone."""

from __future__ import annotations

import io

import openpyxl
from django.test import Client
from django.urls import reverse

from kaifang.core.models import AuditEntry, Job, JobStatus
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.enterprises.exports import REGISTER_HEADERS
from kaifang.enterprises.tests.factories import EnterpriseFactory


def test_a_long_register_export_goes_to_the_worker_with_the_pages_filters(
    city, client: Client, settings, django_capture_on_commit_callbacks
):
    for n in range(3):
        EnterpriseFactory(name=f"东城纺织品{n}号有限公司", district=city.district_a)
    EnterpriseFactory(name="东城机械有限公司", district=city.district_a)
    EnterpriseFactory(name="西城纺织品进出口有限公司", district=city.district_b)
    settings.EXPORT_SYNC_CELLS = 2 * len(REGISTER_HEADERS)  # two firms' rows
    client.force_login(city.district_a_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/enterprises/export.xlsx?q=纺织品", follow=True)
    job = Job.objects.get(kind="core.export")
    landed = reverse("core:job_detail", args=[job.pk])
    assert response.redirect_chain[-1][0] == f"{landed}?download=1"
    assert "共 3 家企业，已转入后台生成" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export.enterprises").exists()

    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["rows"] == 3 and job.result["filename"].startswith("外向型企业名录-")
    download = client.get(reverse("core:job_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    names = sorted(row[0] for row in sheet.iter_rows(min_row=4, values_only=True))
    assert names == [f"东城纺织品{n}号有限公司" for n in range(3)]
    entry = AuditEntry.objects.get(action="export.enterprises")
    assert entry.actor == city.district_a_user and entry.changes["rows"] == 3

    other = Client()
    other.force_login(city.district_b_user)
    assert other.get(reverse("core:job_download", args=[job.pk])).status_code == 404
