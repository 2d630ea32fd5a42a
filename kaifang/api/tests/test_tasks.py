"""/api/v1/tasks: scoped list and detail, and the progress report through the page's form and
action (same timeline event, same audit entry, same refusals)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaifang.core.models import AuditEntry
from kaifang.supervision import actions
from kaifang.supervision.models import ReportAttachment, TaskEvent, TaskStatus
from kaifang.supervision.tests.conftest import make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(city):
    a = make_task(city, title="东城招商推介会", deadline=dt.date(2026, 12, 31))
    b = make_task(city, title="西城口岸建设", lead=city.district_b, deadline=dt.date(2026, 11, 30))
    return a, b


def test_district_a_token_never_sees_district_b(city, two, api_as):
    a, b = two
    api = api_as(city.district_a_user)
    data = api.get("/tasks").json()
    assert [t["title"] for t in data["items"]] == ["东城招商推介会"]
    assert api.get(f"/tasks/{b.pk}").status_code == 404
    assert api.post(f"/tasks/{b.pk}/reports", {"text": "x", "percent": 10}).status_code == 404
    assert api.get("/tasks", unit=city.district_b.pk).json()["count"] == 0
    detail = api.get(f"/tasks/{a.pk}").json()
    assert detail["lead_unit"]["id"] == city.district_a.pk and detail["light"]
    assert [e["kind"] for e in detail["events"]] == ["assign"]


def test_list_filters_and_pagination(city, two, api_as):
    api = api_as(city.officer)
    assert api.get("/tasks").json()["count"] == 2
    first = api.get("/tasks", limit=1).json()
    assert first["count"] == 2 and first["items"][0]["title"] == "西城口岸建设"  # by deadline
    assert api.get("/tasks", limit=1, offset=1).json()["items"][0]["title"] == "东城招商推介会"
    assert api.get("/tasks", q="口岸").json()["count"] == 1
    assert api.get("/tasks", status="done").json()["count"] == 0
    assert api.get("/tasks", status="nonsense").status_code == 422


def _trail(task) -> tuple[list[tuple[str, str]], list[tuple[str, object]]]:
    events = [(e.kind, e.message) for e in TaskEvent.objects.filter(task=task).order_by("id")]
    audit = [
        (e.action, e.changes)
        for e in AuditEntry.objects.filter(object_type="supervision.task", object_id=str(task.pk))
        .exclude(action="supervision.task.assign")  # names its own candidate
        .order_by("id")
    ]
    return events, audit


def test_progress_report_through_the_api_leaves_the_pages_trail(city, api_as, client: Client):
    by_page = make_task(city, title="任务甲")
    by_api = make_task(city, title="任务乙")
    for task in (by_page, by_api):
        actions.task_sign(actor=city.district_a_user, task=task)
    client.force_login(city.district_a_user)
    client.post(f"/supervision/tasks/{by_page.pk}/report/", {"text": "已完成选址", "percent": 60})
    response = api_as(city.district_a_user).post(
        f"/tasks/{by_api.pk}/reports", {"text": "已完成选址", "percent": 60}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["percent"], body["task_status"], body["task_percent"]) == (
        60,
        TaskStatus.IN_PROGRESS,
        60,
    )
    assert _trail(by_api) == _trail(by_page)
    entry = AuditEntry.objects.filter(
        action="supervision.task.report", object_id=str(by_api.pk)
    ).get()
    assert entry.actor == city.district_a_user
    detail = api_as(city.leader).get(f"/tasks/{by_api.pk}").json()
    assert detail["reports"][0]["text"] == "已完成选址" and detail["percent"] == 60


def test_report_refusals(city, two, api_as):
    a, _ = two
    api = api_as(city.district_a_user)
    not_signed = api.post(f"/tasks/{a.pk}/reports", {"text": "进展", "percent": 10})
    assert not_signed.status_code == 422 and "报送进展" in not_signed.json()["detail"]
    actions.task_sign(actor=city.district_a_user, task=a)
    too_much = api.post(f"/tasks/{a.pk}/reports", {"text": "进展", "percent": 150})
    assert too_much.status_code == 422 and "percent" in too_much.json()["errors"]
    empty = api.post(f"/tasks/{a.pk}/reports", {"text": "", "percent": 10})
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    officer = api_as(city.officer).post(f"/tasks/{a.pk}/reports", {"text": "进展", "percent": 10})
    assert officer.status_code == 403 and "牵头单位" in officer.json()["detail"]


def _multipart(api, path: str, fields: dict[str, object]):
    """A report posted as the task page posts it: multipart/form-data with a file."""
    return api.client.post(
        f"/api/v1{path}", fields, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )  # the test client encodes a dict with files as multipart


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_report_with_an_attachment_through_the_api_matches_the_page(city, api_as, client: Client):
    by_page = make_task(city, title="任务甲")
    by_api = make_task(city, title="任务乙")
    for task in (by_page, by_api):
        actions.task_sign(actor=city.district_a_user, task=task)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.force_login(city.district_a_user)
    client.post(
        f"/supervision/tasks/{by_page.pk}/report/",
        {
            "text": "选址方案已定",
            "percent": 40,
            "attachment": SimpleUploadedFile("选址方案.pdf", pdf),
        },
    )
    response = _multipart(
        api_as(city.district_a_user),
        f"/tasks/{by_api.pk}/reports",
        {
            "text": "选址方案已定",
            "percent": "40",
            "attachment": SimpleUploadedFile("选址方案.pdf", pdf),
        },
    )
    assert response.status_code == 201, response.content
    assert _trail(by_api) == _trail(by_page)  # the audit entry counts one attachment on both
    stored = ReportAttachment.objects.get(report__task=by_api)
    assert (stored.name, stored.size, stored.file.read()) == ("选址方案.pdf", len(pdf), pdf)
    # and the attachment downloads from the task page like one uploaded there
    download = client.get(f"/supervision/attachments/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("程序.exe", b"MZ\x90\x00", "不支持该类型的附件"),
        ("伪装.pdf", b"not a pdf at all", "内容与扩展名 .pdf 不符"),
        ("越界.zip", _zip({"../../etc/passwd": b"x"}), "文件夹以外"),
    ],
)
def test_api_attachments_are_refused_as_the_page_refuses_them(city, api_as, name, content, reason):
    task = make_task(city, title="附件校验")
    actions.task_sign(actor=city.district_a_user, task=task)
    api = api_as(city.district_a_user)
    response = _multipart(
        api,
        f"/tasks/{task.pk}/reports",
        {"text": "进展", "percent": "10", "attachment": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 422
    assert reason in " ".join(response.json()["errors"]["attachment"])
    assert not task.reports.exists() and not ReportAttachment.objects.exists()  # nothing changed


def test_a_report_with_an_attachment_outside_the_scope_is_404_and_other_bodies_415(
    city, two, api_as
):
    _, b = two
    api = api_as(city.district_a_user)
    outside = _multipart(
        api,
        f"/tasks/{b.pk}/reports",
        {"text": "x", "percent": "10", "attachment": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
    )
    assert outside.status_code == 404 and not ReportAttachment.objects.exists()
    a, _ = two
    plain = api.client.post(
        f"/api/v1/tasks/{a.pk}/reports",
        "text=x",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert plain.status_code == 415 and "multipart/form-data" in plain.json()["detail"]
    form = api.client.post(
        f"/api/v1/tasks/{a.pk}/reports",
        "text=&percent=10",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert form.status_code == 422 and "text" in form.json()["errors"]  # read as the page's form


def test_the_schema_documents_both_bodies_of_a_report(city, client: Client):
    client.force_login(city.officer)
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/tasks/{task_id}/reports"
    ]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert (
        content["multipart/form-data"]["schema"]["properties"]["attachment"]["format"] == "binary"
    )
    assert {"201", "401", "403", "404", "415", "422"} <= set(operation["responses"])
