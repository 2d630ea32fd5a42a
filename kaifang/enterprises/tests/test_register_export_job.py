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


def test_each_exported_firm_names_its_place_choices_tags_and_liaison(city, client: Client):
    """The register's row of a firm, read as tuples: names of its district and park, its
    ownership, size and status in words, its tags in their order, its liaison officer."""
    from kaifang.enterprises.models import Tag

    late, early = (
        Tag.objects.create(name="重点外贸", order=2),
        Tag.objects.create(name="新增", order=1),
    )
    firm = EnterpriseFactory(
        name="东城导出测试进出口有限公司",
        district=city.district_a,
        park=city.district_a_park,
        ownership="foreign",
        size="medium",
        liaison=city.liaison,
        contact_name="王经理",
        contact_phone="13800000000",
    )
    firm.tags.set([late, early])
    EnterpriseFactory(name="东城无标签进出口有限公司", district=city.district_a, ownership="")
    client.force_login(city.officer)
    response = client.get(reverse("enterprises:export"), {"q": "东城"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows[firm.name][3:] == (
        city.district_a.name,
        city.district_a_park.name,
        None,
        "外商投资",
        "中型",
        "新增、重点外贸",
        city.liaison.full_name or city.liaison.username,
        "正常",
        "王经理",
        "13800000000",
    )
    bare = rows["东城无标签进出口有限公司"]
    assert bare[6] is None and bare[8] is None and bare[9] is None  # no ownership, tags, liaison
