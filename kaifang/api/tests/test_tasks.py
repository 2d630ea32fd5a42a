"""/api/v1/tasks: scoped list and detail, and the progress report through the page's form and
action (same timeline event, same audit entry, same refusals)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kaifang.core.models import AuditEntry
from kaifang.supervision import actions
from kaifang.supervision.models import TaskEvent, TaskStatus
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
