"""The daily SLA scan: a reminder the working day before a deadline, escalation after it
(to the handling unit's head, then to the bureau's leaders), and supervision past the
threshold. Idempotent: each appeal remembers what it was last told (`reminder_key`,
`escalation_level`), so running the scan twice in a day, or every ten minutes, sends nothing
new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import NotificationLevel, RoleCode, Unit, UnitKind, User
from kaifang.core.notifications import notify
from kaifang.servicedesk import sla, supervision_link
from kaifang.servicedesk.events import appeal_event
from kaifang.servicedesk.models import OPEN_STATUSES, Appeal, AppealStatus

HEAD_TITLE_WORDS = ("长", "主任", "负责人", "书记")


def unit_heads(unit: Unit) -> list[User]:
    """Whoever in the unit holds a head's title (科长, 局长, 主任); all its staff otherwise."""
    staff = list(User.objects.filter(unit=unit, is_active=True))
    heads = [u for u in staff if any(word in u.title for word in HEAD_TITLE_WORDS)]
    return heads or staff


def bureau_leaders() -> list[User]:
    leaders = User.objects.filter(is_active=True, roles__code=RoleCode.LEADER)
    bureau = list(leaders.filter(unit__kind=UnitKind.BUREAU))
    return bureau or list(leaders)


@dataclass
class ScanReport:
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    supervised: list[str] = field(default_factory=list)


def _url(appeal: Appeal) -> str:
    return f"/servicedesk/appeals/{appeal.pk}/"


def check_appeal(appeal_id: int, today: dt.date, report: ScanReport) -> None:
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("unit", "enterprise")
            .filter(pk=appeal_id, status__in=OPEN_STATUSES)
            .first()
        )
        if appeal is None or appeal.status == AppealStatus.WAITING:
            return
        stage = sla.current_stage(appeal)
        if stage is None:
            return
        left = sla.workdays_left(stage.due, today)
        overdue = sla.workdays_overdue(stage.due, today)
        key = f"{stage.key}:{stage.due:%Y%m%d}"
        recipients = unit_heads(appeal.unit) if appeal.unit else []
        if 0 <= left <= sla.REMIND_DAYS_BEFORE and appeal.reminder_key != key:
            appeal.reminder_key = key
            appeal.save(update_fields=["reminder_key", "updated_at"])
            staff = list(User.objects.filter(unit=appeal.unit, is_active=True))
            notify(
                recipients=staff,
                title=f"诉求{stage.label}即将到期：{appeal.title}",
                body=f"{stage.label}期限 {stage.due:%Y-%m-%d}",
                url=_url(appeal),
                category="appeal",
                about=appeal,
                level=NotificationLevel.WARNING,
            )
            report.reminded.append(appeal.tracking_code)
        level = 0
        if overdue >= sla.ESCALATE_UNIT_HEAD_AFTER:
            level = 1
        if overdue >= sla.ESCALATE_LEADER_AFTER:
            level = 2
        if level > appeal.escalation_level:
            appeal.escalation_level = level
            appeal.save(update_fields=["escalation_level", "updated_at"])
            who = "承办单位负责人" if level == 1 else "局领导"
            people = recipients if level == 1 else bureau_leaders()
            notify(
                recipients=people,
                title=f"诉求{stage.label}已逾期 {overdue} 个工作日：{appeal.title}",
                body=f"{appeal.enterprise_name}；承办单位：{appeal.unit or '未派单'}；"
                f"期限 {stage.due:%Y-%m-%d}",
                url=_url(appeal),
                category="appeal",
                about=appeal,
                level=NotificationLevel.DANGER,
            )
            appeal_event(
                appeal=appeal,
                kind="escalated",
                text=f"{stage.label}逾期 {overdue} 个工作日，升级提醒{who}",
                unit=appeal.unit,
                to_enterprise=False,
            )
            audit.record(
                actor=None,
                action="appeal.escalate",
                obj=appeal,
                changes={"level": level, "stage": stage.key, "overdue": overdue},
            )
            report.escalated.append(appeal.tracking_code)
        if overdue >= sla.SUPERVISE_AFTER and supervision_link.supervise(
            appeal=appeal, reason=f"{stage.label}逾期 {overdue} 个工作日", actor=None
        ):
            report.supervised.append(appeal.tracking_code)


def scan(today: dt.date | None = None) -> ScanReport:
    """Check every open appeal; one short transaction each so a lock is never held long."""
    today = today or timezone.localdate()
    report = ScanReport()
    ids = (
        Appeal.objects.filter(status__in=OPEN_STATUSES)
        .filter(~Q(status=AppealStatus.WAITING))
        .values_list("pk", flat=True)
    )
    for appeal_id in list(ids):
        check_appeal(appeal_id, today, report)
    return report
