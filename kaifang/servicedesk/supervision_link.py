"""An appeal overdue past the threshold, or one a leader marks, becomes a supervised task
(督办事项). The supervision module is built on its own branch; until it is on main this is
the one place that knows how to hand an appeal over, and it only flags the appeal, tells the
office and the leaders, and keeps the enterprise informed. Wiring it to
`kaifang.supervision` is a change to this function alone."""

from __future__ import annotations

from django.db.models import Q

from kaifang.core import audit
from kaifang.core.models import NotificationLevel, RoleCode, User
from kaifang.core.notifications import notify
from kaifang.servicedesk.models import Appeal


def supervise(*, appeal: Appeal, reason: str, actor: User | None) -> bool:
    """Flag the (locked) appeal as supervised once; return False when it already was."""
    from kaifang.servicedesk.events import appeal_event

    if appeal.supervised:
        return False
    appeal.supervised = True
    appeal.save(update_fields=["supervised", "updated_at"])
    appeal_event(
        appeal=appeal,
        kind="supervised",
        text=f"列为督办事项（{reason}）",
        public_text="您的诉求已列为督办事项，相关部门将加快办理。",
        actor=actor,
    )
    audit.record(actor=actor, action="appeal.supervise", obj=appeal, changes={"reason": reason})
    recipients = User.objects.filter(is_active=True).filter(
        Q(roles__code=RoleCode.LEADER) | Q(roles__code=RoleCode.DIVISION_STAFF, unit__name="办公室")
    )
    notify(
        recipients=recipients.distinct(),
        title=f"诉求转为督办：{appeal.title}",
        body=f"{appeal.enterprise_name}，{reason}。承办单位：{appeal.unit or '未派单'}",
        url=f"/servicedesk/appeals/{appeal.pk}/",
        category="appeal",
        level=NotificationLevel.DANGER,
    )
    return True
