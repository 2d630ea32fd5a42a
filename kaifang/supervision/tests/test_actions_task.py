"""The task flow through the actions: every step, every refusal, the timeline and the audit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kaifang.core.models import AuditEntry
from kaifang.supervision import actions
from kaifang.supervision.models import EventKind, TaskStatus
from kaifang.supervision.tests.conftest import at, make_task

pytestmark = pytest.mark.django_db


def test_flow_end_to_end_with_return(city):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city)
    assert task.status == TaskStatus.ASSIGNED
    with time_machine.travel(at(2026, 9, 2), tick=False):
        actions.task_sign(actor=city.district_a_user, task=task)
        actions.task_report(actor=city.district_a_user, task=task, text="方案已制定", percent=40)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.percent == 40
    with time_machine.travel(at(2026, 9, 20), tick=False):
        actions.task_request_completion(actor=city.district_a_user, task=task)
        actions.task_return(actor=city.officer, task=task, reason="缺少验收材料")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    with time_machine.travel(at(2026, 10, 9), tick=False):
        actions.task_request_completion(actor=city.district_a_user, task=task)
    with time_machine.travel(at(2026, 10, 12), tick=False):
        actions.task_accept(actor=city.officer, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.on_time is True  # asked for completion on the deadline day
    assert task.percent == 100
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.ASSIGN,
        EventKind.SIGN,
        EventKind.REPORT,
        EventKind.REQUEST_COMPLETION,
        EventKind.RETURN,
        EventKind.REQUEST_COMPLETION,
        EventKind.ACCEPT,
    ]
    actions_logged = set(
        AuditEntry.objects.filter(object_id=str(task.pk)).values_list("action", flat=True)
    )
    assert {
        "supervision.task.assign",
        "supervision.task.sign",
        "supervision.task.report",
        "supervision.task.return",
        "supervision.task.accept",
    } <= actions_logged
    assert task.events.get(kind=EventKind.RETURN).message == "缺少验收材料"


def test_late_completion_is_recorded(city):
    task = make_task(city, deadline=dt.date(2026, 9, 1))
    actions.task_sign(actor=city.district_a_user, task=task)
    actions.task_report(actor=city.district_a_user, task=task, text="完成", percent=100)
    with time_machine.travel(at(2026, 9, 10), tick=False):
        actions.task_request_completion(actor=city.district_a_user, task=task)
        actions.task_accept(actor=city.officer, task=task)
    task.refresh_from_db()
    assert task.on_time is False


ILLEGAL = [
    # (status reached before, action, expected phrase)
    ("assigned", "report", "不能报送进展"),
    ("assigned", "request", "不能申请办结"),
    ("assigned", "accept", "不能审核办结"),
    ("assigned", "return", "不能驳回"),
    ("assigned", "extend", "不能申请延期"),
    ("signed", "sign", "不能签收"),
    ("signed", "request", "不能申请办结"),
    ("signed", "accept", "不能审核办结"),
    ("in_progress", "sign", "不能签收"),
    ("in_progress", "accept", "不能审核办结"),
    ("in_progress", "return", "不能驳回"),
    ("completion_requested", "sign", "不能签收"),
    ("completion_requested", "report", "不能报送进展"),
    ("completion_requested", "request", "不能申请办结"),
    ("completion_requested", "extend", "不能申请延期"),
    ("done", "sign", "不能签收"),
    ("done", "report", "不能报送进展"),
    ("done", "request", "不能申请办结"),
    ("done", "accept", "不能审核办结"),
    ("done", "return", "不能驳回"),
    ("done", "extend", "不能申请延期"),
]


def _reach(city, task, status):
    unit = city.district_a_user
    steps = ["signed", "in_progress", "completion_requested", "done"]
    for step in steps[: steps.index(status) + 1] if status in steps else []:
        if step == "signed":
            actions.task_sign(actor=unit, task=task)
        elif step == "in_progress":
            actions.task_report(actor=unit, task=task, text="进展", percent=50)
        elif step == "completion_requested":
            actions.task_request_completion(actor=unit, task=task)
        else:
            actions.task_accept(actor=city.officer, task=task)


@pytest.mark.parametrize(("status", "verb", "phrase"), ILLEGAL)
def test_illegal_transitions_are_refused(city, status, verb, phrase):
    task = make_task(city)
    _reach(city, task, status)
    task.refresh_from_db()
    assert task.status == status
    unit, office = city.district_a_user, city.officer
    calls = {
        "sign": lambda: actions.task_sign(actor=unit, task=task),
        "report": lambda: actions.task_report(actor=unit, task=task, text="x", percent=10),
        "request": lambda: actions.task_request_completion(actor=unit, task=task),
        "accept": lambda: actions.task_accept(actor=office, task=task),
        "return": lambda: actions.task_return(actor=office, task=task, reason="不行"),
        "extend": lambda: actions.extension_request(
            actor=unit, task=task, reason="r", requested_deadline=dt.date(2027, 1, 1)
        ),
    }
    with pytest.raises(ValidationError) as error:
        calls[verb]()
    assert phrase in error.value.messages[0]
    assert "当前状态为" in error.value.messages[0]
    task.refresh_from_db()
    assert task.status == status


def test_only_the_lead_unit_signs_and_only_the_office_reviews(city):
    task = make_task(city)
    with pytest.raises(PermissionDenied):
        actions.task_sign(actor=city.district_b_user, task=task)
    with pytest.raises(PermissionDenied):
        actions.task_sign(actor=city.leader, task=task)  # leaders read, they do not sign
    actions.task_sign(actor=city.district_a_user, task=task)
    actions.task_report(actor=city.district_a_user, task=task, text="进展", percent=80)
    actions.task_request_completion(actor=city.district_a_user, task=task)
    with pytest.raises(PermissionDenied):
        actions.task_accept(actor=city.district_a_user, task=task)
    with pytest.raises(ValidationError):
        actions.task_return(actor=city.officer, task=task, reason="  ")


def test_extension_keeps_the_original_deadline(city):
    task = make_task(city, deadline=dt.date(2026, 10, 9))
    actions.task_sign(actor=city.district_a_user, task=task)
    with pytest.raises(ValidationError, match="晚于"):
        actions.extension_request(
            actor=city.district_a_user, task=task, reason="r", requested_deadline=task.deadline
        )
    first = actions.extension_request(
        actor=city.district_a_user,
        task=task,
        reason="受台风影响",
        requested_deadline=dt.date(2026, 11, 30),
    )
    actions.extension_approve(actor=city.officer, extension=first, note="同意")
    task.refresh_from_db()
    assert task.deadline == dt.date(2026, 11, 30)
    assert task.original_deadline == dt.date(2026, 10, 9)
    assert task.is_extended
    second = actions.extension_request(
        actor=city.district_a_user,
        task=task,
        reason="再延",
        requested_deadline=dt.date(2027, 1, 31),
    )
    with pytest.raises(ValidationError):
        actions.extension_refuse(actor=city.officer, extension=second, note="")
    actions.extension_refuse(actor=city.officer, extension=second, note="不再延期")
    task.refresh_from_db()
    assert task.deadline == dt.date(2026, 11, 30)
    assert task.original_deadline == dt.date(2026, 10, 9)
    with pytest.raises(ValidationError, match="已审批"):
        actions.extension_approve(actor=city.officer, extension=second)
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.EXTENSION_REQUEST) == 2
    assert EventKind.EXTENSION_APPROVE in kinds and EventKind.EXTENSION_REFUSE in kinds
