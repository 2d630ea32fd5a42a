"""Writes of 督查督办: the task flow (sign, report, accept, return, extensions) and tasks
handed over by other modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit, handover
from kaifang.core.models import Unit, UnitKind, User
from kaifang.core.scope import check_people
from kaifang.enterprises.models import Enterprise
from kaifang.supervision.actions.common import (
    _lock,
    _notify_later,
    _require_lead,
    _require_status,
    _require_supervisor,
    _unit_users,
    task_event,
)
from kaifang.supervision.models import (
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    ProgressReport,
    ReportAttachment,
    Task,
    TaskStatus,
)

# --- the task flow -------------------------------------------------------------------------


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    title: str,
    lead_unit: Unit,
    co_units: Sequence[Unit],
    leader: User | None,
    officer: User | None,
    report_cycle: str,
    report_day: int,
    priority: str,
    tags: str,
    enterprises: Sequence[Enterprise],
    parks: Sequence[Unit] = (),
) -> Task:
    """Office edits of the task's settings; the deadline changes only through an extension.
    The office sees every enterprise, so `enterprises` replaces the links whole."""
    _require_supervisor(actor)
    check_people(actor, [leader, officer], field="leader", label="责任领导和督办专员")
    task = _lock(task)
    _require_status(task, [s for s in TaskStatus if s != TaskStatus.DONE], "修改")
    fields = ("title", "lead_unit_id", "leader_id", "officer_id", "report_cycle")
    before = {name: getattr(task, name) for name in (*fields, "report_day", "priority", "tags")}
    linked = list(task.enterprises.order_by("id"))
    before["enterprises"] = [e.name for e in linked]
    before["parks"] = [u.name for u in task.parks.order_by("id")]
    task.title, task.lead_unit, task.leader, task.officer = title, lead_unit, leader, officer
    task.report_cycle, task.report_day, task.priority, task.tags = (
        report_cycle,
        report_day,
        priority,
        tags,
    )
    task.save()
    task.co_units.set([u for u in co_units if u.pk != lead_unit.pk])
    task.enterprises.set(enterprises)
    task.parks.set([u for u in parks if u.kind == UnitKind.PARK])
    after: dict[str, Any] = {
        name: getattr(task, name) for name in before if name not in {"enterprises", "parks"}
    }
    after["enterprises"] = [e.name for e in task.enterprises.order_by("id")]
    after["parks"] = [u.name for u in task.parks.order_by("id")]
    changes = audit.diff(before, after)
    task_event(task=task, kind=EventKind.EDIT, actor=actor, message="修改督办事项", **changes)
    audit.record(actor=actor, action="supervision.task.update", obj=task, changes=changes)
    return task


@transaction.atomic
def milestone_add(*, actor: User, task: Task, title: str, due: dt.date) -> Milestone:
    _require_supervisor(actor)
    task = _lock(task)
    _require_status(task, [s for s in TaskStatus if s != TaskStatus.DONE], "添加节点")
    milestone = Milestone.objects.create(task=task, title=title, due=due)
    task_event(task=task, kind=EventKind.EDIT, actor=actor, message=f"新增节点：{title}（{due}）")
    audit.record(
        actor=actor,
        action="supervision.milestone.add",
        obj=task,
        changes={"title": title, "due": due},
    )
    return milestone


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, done_on: dt.date) -> Milestone:
    task = _lock(milestone.task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.SIGNED, TaskStatus.IN_PROGRESS], "完成节点")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise ValidationError("该节点已完成。")
    milestone.done_at = done_on
    milestone.save(update_fields=["done_at"])
    task_event(task=task, kind=EventKind.MILESTONE, actor=actor, message=milestone.title)
    audit.record(
        actor=actor,
        action="supervision.milestone.complete",
        obj=task,
        changes={"milestone": milestone.title, "done_on": done_on},
    )
    return milestone


@transaction.atomic
def task_sign(*, actor: User, task: Task) -> Task:
    """签收: the lead unit acknowledges the task; the time to sign is kept."""
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.ASSIGNED], "签收")
    task.status = TaskStatus.SIGNED
    task.signed_at = timezone.now()
    task.signed_by = actor
    task.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    task_event(task=task, kind=EventKind.SIGN, actor=actor, message=f"{actor.unit}签收")
    audit.record(actor=actor, action="supervision.task.sign", obj=task)
    return task


@transaction.atomic
def task_report(
    *,
    actor: User,
    task: Task,
    text: str,
    percent: int,
    files: Sequence[UploadedFile] = (),
    reported_on: dt.date | None = None,
) -> ProgressReport:
    """报送进展: moves a signed task into 办理中."""
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.SIGNED, TaskStatus.IN_PROGRESS], "报送进展")
    if not 0 <= percent <= 100:
        raise ValidationError("完成进度应在 0 到 100 之间。")
    report = ProgressReport.objects.create(
        task=task,
        author=actor,
        text=text,
        percent=percent,
        reported_on=reported_on or timezone.localdate(),
    )
    for upload in files:
        ReportAttachment.objects.create(
            report=report,
            file=upload,
            name=(upload.name or "附件")[:200],
            size=upload.size or 0,
            content_type=(upload.content_type or "")[:100],
        )
    task.status = TaskStatus.IN_PROGRESS
    task.percent = percent
    task.save(update_fields=["status", "percent", "updated_at"])
    task_event(
        task=task, kind=EventKind.REPORT, actor=actor, message=f"进度 {percent}%：{text[:100]}"
    )
    audit.record(
        actor=actor,
        action="supervision.task.report",
        obj=task,
        changes={"percent": percent, "attachments": len(files)},
    )
    return report


@transaction.atomic
def task_request_completion(*, actor: User, task: Task, note: str = "") -> Task:
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.IN_PROGRESS], "申请办结（请先报送进展）")
    task.status = TaskStatus.COMPLETION_REQUESTED
    task.completion_requested_on = timezone.localdate()
    task.save(update_fields=["status", "completion_requested_on", "updated_at"])
    task_event(task=task, kind=EventKind.REQUEST_COMPLETION, actor=actor, message=note)
    audit.record(
        actor=actor, action="supervision.task.request_completion", obj=task, changes={"note": note}
    )
    _notify_later(recipients=[task.officer], title="办结申请待审核", body=task.title, task=task)
    return task


@transaction.atomic
def task_accept(*, actor: User, task: Task, note: str = "") -> Task:
    """办结销号. On time means the completion was asked for by the deadline in force."""
    _require_supervisor(actor)
    task = _lock(task)
    _require_status(task, [TaskStatus.COMPLETION_REQUESTED], "审核办结")
    task.status = TaskStatus.DONE
    task.done_at = timezone.now()
    requested = task.completion_requested_on or timezone.localdate()
    task.on_time = requested <= task.deadline
    task.percent = 100
    task.save(update_fields=["status", "done_at", "on_time", "percent", "updated_at"])
    task_event(
        task=task,
        kind=EventKind.ACCEPT,
        actor=actor,
        message=note or ("按期办结" if task.on_time else "逾期办结"),
        on_time=task.on_time,
    )
    audit.record(
        actor=actor,
        action="supervision.task.accept",
        obj=task,
        changes={"on_time": task.on_time, "note": note},
    )
    done_id = task.pk
    transaction.on_commit(
        lambda: handover.task_done.send(sender=Task, task_id=done_id, actor=actor)
    )
    _notify_later(
        recipients=_unit_users(task.lead_unit_id),
        title="督办事项已办结销号",
        body=task.title,
        task=task,
    )
    return task


@transaction.atomic
def task_return(*, actor: User, task: Task, reason: str) -> Task:
    """驳回重办: back to 办理中 with the reason on the timeline."""
    _require_supervisor(actor)
    if not reason.strip():
        raise ValidationError("请填写驳回理由。")
    task = _lock(task)
    _require_status(task, [TaskStatus.COMPLETION_REQUESTED], "驳回")
    task.status = TaskStatus.IN_PROGRESS
    task.completion_requested_on = None
    task.save(update_fields=["status", "completion_requested_on", "updated_at"])
    task_event(task=task, kind=EventKind.RETURN, actor=actor, message=reason)
    audit.record(
        actor=actor, action="supervision.task.return", obj=task, changes={"reason": reason}
    )
    _notify_later(
        recipients=_unit_users(task.lead_unit_id),
        title="办结申请被驳回，请重新办理",
        body=f"{task.title}\n驳回理由：{reason}",
        task=task,
        level="warning",
    )
    return task


@transaction.atomic
def extension_request(
    *, actor: User, task: Task, reason: str, requested_deadline: dt.date
) -> ExtensionRequest:
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.SIGNED, TaskStatus.IN_PROGRESS], "申请延期（请先签收）")
    if requested_deadline <= task.deadline:
        raise ValidationError("申请延至的日期应晚于当前完成时限。")
    if task.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有待审批的延期申请。")
    extension = ExtensionRequest.objects.create(
        task=task,
        requested_by=actor,
        reason=reason,
        requested_deadline=requested_deadline,
        previous_deadline=task.deadline,
    )
    task_event(
        task=task,
        kind=EventKind.EXTENSION_REQUEST,
        actor=actor,
        message=f"申请延至 {requested_deadline}：{reason}",
    )
    audit.record(
        actor=actor,
        action="supervision.extension.request",
        obj=task,
        changes={"requested_deadline": requested_deadline, "reason": reason},
    )
    _notify_later(recipients=[task.officer], title="延期申请待审批", body=task.title, task=task)
    return extension


def _lock_extension(extension: ExtensionRequest) -> tuple[Task, ExtensionRequest]:
    task = _lock(extension.task)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError("该延期申请已审批。")
    return task, extension


@transaction.atomic
def extension_approve(*, actor: User, extension: ExtensionRequest, note: str = "") -> Task:
    """The deadline moves; `original_deadline` keeps the first one on record."""
    _require_supervisor(actor)
    task, extension = _lock_extension(extension)
    _require_status(task, [s for s in TaskStatus if s != TaskStatus.DONE], "延期")
    previous = task.deadline
    task.deadline = extension.requested_deadline
    task.save(update_fields=["deadline", "updated_at"])
    extension.status = ExtensionStatus.APPROVED
    extension.decided_by, extension.decided_at, extension.note = actor, timezone.now(), note
    extension.save()
    task_event(
        task=task,
        kind=EventKind.EXTENSION_APPROVE,
        actor=actor,
        message=f"完成时限由 {previous} 延至 {task.deadline}。{note}",
    )
    audit.record(
        actor=actor,
        action="supervision.extension.approve",
        obj=task,
        changes={"deadline": [previous, task.deadline], "note": note},
    )
    _notify_later(
        recipients=[extension.requested_by], title="延期申请已同意", body=task.title, task=task
    )
    return task


@transaction.atomic
def extension_refuse(*, actor: User, extension: ExtensionRequest, note: str) -> Task:
    _require_supervisor(actor)
    if not note.strip():
        raise ValidationError("请填写不同意的理由。")
    task, extension = _lock_extension(extension)
    extension.status = ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.note = actor, timezone.now(), note
    extension.save()
    task_event(task=task, kind=EventKind.EXTENSION_REFUSE, actor=actor, message=note)
    audit.record(
        actor=actor, action="supervision.extension.refuse", obj=task, changes={"note": note}
    )
    _notify_later(recipients=[extension.requested_by], title="延期申请未同意", body=note, task=task)
    return task


# --- tasks handed over by other modules ----------------------------------------------------


@transaction.atomic
def task_open(
    *,
    actor: User | None,
    title: str,
    lead_unit: Unit,
    deadline: dt.date,
    source_sentence: str,
    tags: str = "",
) -> Task:
    """A task opened by another module (an overdue or leader-marked appeal), not decomposed
    from a document. The calling module decides who may trigger it; `actor` is None when the
    system does (the daily SLA scan)."""
    task = Task.objects.create(
        source_sentence=source_sentence,
        title=title,
        lead_unit=lead_unit,
        officer=actor,
        created_by=actor,
        deadline=deadline,
        original_deadline=deadline,
        tags=tags,
        assigned_at=timezone.now(),
    )
    task_event(task=task, kind=EventKind.ASSIGN, actor=actor, message=f"交办{lead_unit}")
    audit.record(
        actor=actor,
        action="supervision.task.assign",
        obj=task,
        changes={"lead_unit": lead_unit, "deadline": deadline, "tags": tags},
    )
    _notify_later(
        recipients=_unit_users(lead_unit.pk),
        title="新的督办事项待签收",
        body=f"{task.title}（完成时限 {task.deadline:%Y-%m-%d}）",
        task=task,
    )
    return task
