"""An appeal overdue past the threshold, or one a leader marks, becomes a supervised task
(督办事项) in the supervision module, with the enterprise kept informed on its public
timeline. This is the one place that hands an appeal over; the task links back to the appeal
by its tracking code and the appeal keeps the task's id."""

from __future__ import annotations

from django.utils import timezone

from kaifang.core import audit, calendar, handover, permissions
from kaifang.core.models import NotificationLevel, User
from kaifang.core.notifications import notify
from kaifang.core.permissions import Cap
from kaifang.servicedesk.models import Appeal

TASK_WORKDAYS = 3  # a supervised appeal must be resolved within this many more working days


def _open_task(appeal: Appeal, reason: str, actor: User | None) -> str:
    """Open the supervision task through the opener supervision registers with
    core.handover; "" when supervision is not installed or no unit holds it."""
    if appeal.unit is None:
        return ""
    today = timezone.localdate()
    deadline = max(appeal.resolve_due, calendar.add_workdays(today, TASK_WORKDAYS))
    task = handover.open_task(
        actor=actor,
        title=f"督办企业诉求 {appeal.tracking_code}：{appeal.enterprise_name}——{appeal.title}",
        lead_unit=appeal.unit,
        deadline=deadline,
        source_sentence=f"{reason}。诉求内容：{appeal.description[:300]}",
        tags="企业诉求",
    )
    return "" if task is None else str(task.pk)


def supervise(*, appeal: Appeal, reason: str, actor: User | None) -> bool:
    """Flag the (locked) appeal as supervised once; return False when it already was."""
    from kaifang.servicedesk.events import appeal_event

    if appeal.supervised:
        return False
    appeal.supervised = True
    appeal.supervision_ref = _open_task(appeal, reason, actor)
    appeal.save(update_fields=["supervised", "supervision_ref", "updated_at"])
    appeal_event(
        appeal=appeal,
        kind="supervised",
        text=f"列为督办事项（{reason}）"
        + (f"，督办事项编号 {appeal.supervision_ref}" if appeal.supervision_ref else ""),
        public_text="您的诉求已列为督办事项，相关部门将加快办理。",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="appeal.supervise",
        obj=appeal,
        changes={"reason": reason, "task": appeal.supervision_ref},
    )
    recipients = permissions.holders(Cap.LEAD) | permissions.holders(Cap.SUPERVISE)
    notify(
        recipients=recipients.distinct(),
        title=f"诉求转为督办：{appeal.title}",
        body=f"{appeal.enterprise_name}，{reason}。承办单位：{appeal.unit or '未派单'}",
        url=f"/servicedesk/appeals/{appeal.pk}/",
        category="appeal",
        about=appeal,
        level=NotificationLevel.DANGER,
    )
    return True
