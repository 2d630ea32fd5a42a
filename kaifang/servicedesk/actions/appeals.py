"""Appeal state changes: the only place an appeal's status moves.

    已登记 → 已派单 → 已签收 → 办理中 ⇄ 待企业补充 → 已办结 → 已评价
                  ↘ 退回(→已登记)                   ↘ 重办 → 已办结 …

Each action locks the row (select_for_update; on SQLite the IMMEDIATE transaction mode
serialises writers), checks the transition against the locked row's status, recomputes the
due dates, writes the appeal's timeline, the enterprise's timeline and an audit entry. When two
people act on one appeal at once, the second finds the status already changed and gets a
Chinese message saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit, permissions
from kaifang.core.lib.uscc import UsccError, validate_uscc
from kaifang.core.models import NotificationLevel, RoleCode, Unit, UnitKind, User
from kaifang.core.notifications import notify
from kaifang.core.permissions import Cap
from kaifang.core.scope import effective_scope, visible_to
from kaifang.enterprises.actions import enterprise_create
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.servicedesk import codes, sla, supervision_link
from kaifang.servicedesk.events import appeal_event
from kaifang.servicedesk.models import (
    OPEN_STATUSES,
    Appeal,
    AppealAttachment,
    AppealStatus,
    Category,
    Channel,
    Priority,
    Source,
    Visit,
)
from kaifang.servicedesk.selectors.appeals import find_duplicate, routing_unit
from kaifang.servicedesk.uploads import MAX_FILES, Upload

S = AppealStatus

# action → the statuses it may start from
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "route": (S.REGISTERED, S.ROUTED, S.ACCEPTED),
    "accept": (S.ROUTED,),
    "return": (S.ROUTED,),
    "start": (S.ACCEPTED,),
    "reply": (S.ACCEPTED, S.IN_PROGRESS, S.REOPENED),
    "pause": (S.IN_PROGRESS, S.REOPENED),
    "resume": (S.WAITING,),
    "resolve": (S.IN_PROGRESS, S.REOPENED),
    "rate": (S.RESOLVED,),
    "reopen": (S.RESOLVED,),
    "commit": (S.REGISTERED, S.ROUTED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING, S.REOPENED),
    "mark": tuple(OPEN_STATUSES),
    "merge": tuple(OPEN_STATUSES),
}
ACTION_LABELS = {
    "route": "派单",
    "accept": "签收",
    "return": "退回",
    "start": "开始办理",
    "reply": "阶段答复",
    "pause": "暂停（待企业补充）",
    "resume": "恢复办理",
    "resolve": "办结",
    "rate": "评价",
    "reopen": "申请重办",
    "commit": "批准承诺办结日期",
    "mark": "领导督办",
    "merge": "合并",
}


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _lock(appeal: Appeal, action: str) -> Appeal:
    """The locked row; refuse the action when its status does not allow it."""
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("enterprise", "unit")
        .get(pk=appeal.pk)
    )
    if locked.status not in ALLOWED_FROM[action]:
        label = ACTION_LABELS[action]
        current = locked.get_status_display()
        if locked.status != appeal.status:
            raise ValidationError(
                f"该诉求刚被他人处理，当前状态为“{current}”，不能再“{label}”。请刷新页面后查看。"
            )
        raise ValidationError(f"诉求当前状态为“{current}”，不能执行“{label}”。")
    return locked


# --- Who may do what ---------------------------------------------------------------------


def is_office(user: User) -> bool:
    """Bureau staff who register and route appeals (办公室、科室) and administrators."""
    return permissions.has(user, Cap.OFFICE)


def is_leader(user: User) -> bool:
    return permissions.has(user, Cap.LEAD)


def can_handle(user: User, appeal: Appeal) -> bool:
    """The receiving unit's staff (or the office) handle it."""
    if appeal.unit_id is None:
        return False
    if is_office(user) or user.unit_id == appeal.unit_id:
        return True
    return appeal.unit_id in effective_scope(user).unit_ids and not user.has_role(RoleCode.LIAISON)


# Staff actions on the appeal page and in the API; rate and reopen are the enterprise's.
STAFF_ACTIONS = tuple(name for name in ALLOWED_FROM if name not in ("rate", "reopen"))
# Leaders read only, except to mark an appeal for supervision and approve a commitment: these
# two are fetched for reading, the others for writing (scope.get_for_user(write=True)).
READ_SCOPE_ACTIONS = frozenset({"mark", "commit"})


def available_actions(user: User, appeal: Appeal) -> list[str]:
    """The staff actions this user may take on the appeal now, in the page's order."""
    office, handler, leader = is_office(user), can_handle(user, appeal), is_leader(user)
    who = {
        "route": office,
        "accept": handler,
        "return": handler,
        "start": handler,
        "reply": handler,
        "pause": handler,
        "resume": handler,
        "resolve": handler,
        "commit": office or leader,
        "mark": leader and not appeal.leader_marked,
        "merge": office and appeal.duplicate_of_id is not None,
    }
    return [
        name
        for name in STAFF_ACTIONS
        if appeal.status in ALLOWED_FROM[name] and who.get(name, False)
    ]


def _require(condition: object, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def _require_handler(actor: User, appeal: Appeal) -> None:
    _require(can_handle(actor, appeal), "只有承办单位的工作人员可以办理此诉求。")


def _save(appeal: Appeal, *fields: str) -> None:
    appeal.save(update_fields=[*fields, "updated_at"])


def _audit(actor: User | None, action: str, appeal: Appeal, **changes: object) -> None:
    audit.record(
        actor=actor,
        action=f"appeal.{action}",
        obj=appeal,
        changes={"status": appeal.status, **changes},
    )


# --- Intake --------------------------------------------------------------------------------


def identify_enterprise(*, name: str, uscc: str, actor: User | None = None) -> Enterprise:
    """The register's enterprise with this code, or a new pending one (待审核) so the appeal
    is on an enterprise's record from the first minute.

    Staff (`actor`) register appeals only for enterprises in their scope: the form is not a
    lookup of the register. A new enterprise registered by a district or park user is placed
    in that district or park, so it stays in their sight. The public page and the channels
    (`actor` None) may name any enterprise; they are never shown the register's record."""
    try:
        code = validate_uscc(uscc)
    except UsccError as error:
        raise ValidationError({"uscc": str(error)}) from None
    found = Enterprise.objects.filter(uscc=code).first()
    if found is not None:
        if actor is not None and not visible_to(Enterprise.objects.filter(pk=found.pk), actor):
            raise ValidationError(
                {
                    "uscc": f"统一社会信用代码 {code} 对应的企业不在您的数据范围内，"
                    "不能由您登记；请企业通过公开诉求页提交，或转市商务局办公室登记。"
                }
            )
        return found
    district, park = _home_units(actor)
    return enterprise_create(
        actor=actor,
        name=name.strip(),
        uscc=code,
        district=district,
        park=park,
        status=EnterpriseStatus.PENDING,
        source="appeal",
    )


def _home_units(actor: User | None) -> tuple[Unit | None, Unit | None]:
    """Where a new enterprise registered by `actor` belongs: their district or park, or
    nowhere yet (待审核, placed by the office) for the public and the city-wide staff."""
    if actor is None or actor.unit is None or permissions.has(actor, Cap.SEE_CITY):
        return None, None
    unit = actor.unit
    if unit.kind == UnitKind.PARK:
        parent = unit.parent
        return (parent if parent and parent.kind == UnitKind.DISTRICT else None), unit
    if unit.kind == UnitKind.DISTRICT:
        return unit, None
    raise ValidationError(
        {"uscc": "登记库中没有该企业；请由市商务局办公室或企业所在县区登记后再办理。"}
    )


def _unique_code() -> str:
    while True:
        code = codes.new_code()
        if not Appeal.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def appeal_create(
    *,
    actor: User | None,
    enterprise_name: str,
    uscc: str,
    category: str,
    description: str,
    source: str,
    contact_name: str = "",
    contact_phone: str = "",
    priority: str = Priority.NORMAL,
    title: str = "",
    channel: Channel | None = None,
    visit: Visit | None = None,
    attachments: Sequence[Upload] = (),
    at: dt.datetime | None = None,
    is_synthetic: bool = False,
) -> Appeal:
    errors: dict[str, str] = {}
    if not enterprise_name.strip():
        errors["enterprise_name"] = "请填写企业名称。"
    if category not in Category.values:
        errors["category"] = "请选择诉求类别。"
    if len(description.strip()) < 10:
        errors["description"] = "请具体描述遇到的问题（至少10个字）。"
    if source not in Source.values:
        errors["source"] = "受理渠道不正确。"
    if priority not in Priority.values:
        errors["priority"] = "优先级不正确。"
    if len(attachments) > MAX_FILES:
        errors["attachments"] = f"附件最多 {MAX_FILES} 个。"
    if errors:
        raise ValidationError(errors)
    enterprise = identify_enterprise(name=enterprise_name, uscc=uscc, actor=actor)
    now = _now(at)
    start = timezone.localdate(now)
    text = description.strip()
    appeal = Appeal(
        tracking_code=_unique_code(),
        enterprise=enterprise,
        enterprise_name=enterprise_name.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        category=category,
        priority=priority,
        title=(title.strip() or text.splitlines()[0])[:100],
        description=text,
        source=source,
        channel=channel,
        visit=visit,
        clock_start=start,
        registered_at=now,
        created_by=actor,
        is_synthetic=is_synthetic,
    )
    sla.apply_dues(appeal)
    appeal.save()
    for upload in attachments:
        attachment = AppealAttachment(
            appeal=appeal,
            original_name=upload.name,
            content_type=upload.content_type,
            size=len(upload.content),
        )
        attachment.file.save(upload.name, ContentFile(upload.content), save=True)
    duplicate, score = find_duplicate(appeal, viewer=actor)
    if duplicate is not None:
        appeal.duplicate_of, appeal.similarity = duplicate, round(score, 3)
        _save(appeal, "duplicate_of", "similarity")
    via = Source(source).label + (f"（{channel.name}）" if channel else "")
    appeal_event(
        appeal=appeal,
        kind="registered",
        text=f"登记诉求（{via}）：{appeal.get_category_display()}，{appeal.title}",
        public_text=f"诉求已登记，查询码 {appeal.tracking_code}。",
        actor=actor,
        at=now,
    )
    if duplicate is not None:
        appeal_event(
            appeal=appeal,
            kind="duplicate",
            # No tracking code here: the timeline is read by everyone who sees this appeal,
            # and the code opens the other appeal on the public page.
            text=f"与该企业的另一件在办诉求相似度 {score:.0%}，待办公室确认是否合并",
            actor=None,
            at=now,
            to_enterprise=False,
        )
    _audit(actor, "create", appeal, source=source, channel=channel.name if channel else "")
    return appeal


# --- Routing and acceptance ------------------------------------------------------------------


def _unit_staff(unit: Unit) -> list[User]:
    return list(User.objects.filter(unit=unit, is_active=True))


@transaction.atomic
def appeal_route(
    *, appeal: Appeal, actor: User, unit: Unit | None = None, at: dt.datetime | None = None
) -> Appeal:
    """Send to the responsible unit (by the routing table when no unit is given). Routing an
    appeal a unit already holds is a transfer (转办), counted against that unit."""
    _require(is_office(actor), "只有局办公室（科室）工作人员可以派单。")
    appeal = _lock(appeal, "route")
    target = unit or routing_unit(appeal.category)
    if target is None:
        raise ValidationError(
            f"分办规则中没有“{appeal.get_category_display()}”类的承办单位，请手工选择。"
        )
    previous = appeal.unit if appeal.status != S.REGISTERED else None
    if previous is not None and previous.pk == target.pk:
        raise ValidationError(f"诉求已在“{target}”办理，无需转办。")
    now = _now(at)
    appeal.unit, appeal.status, appeal.routed_at = target, S.ROUTED, now
    appeal.accepted_at = None
    fields = ["unit", "status", "routed_at", "accepted_at"]
    if previous is not None:
        appeal.transfer_count += 1
        fields.append("transfer_count")
        appeal_event(
            appeal=appeal,
            kind="transferred",
            text=f"由“{previous}”转办至“{target}”",
            public_text="诉求已转至相关单位办理。",
            unit=previous,
            actor=actor,
            at=now,
        )
    else:
        appeal_event(
            appeal=appeal,
            kind="routed",
            text=f"派单至“{target}”",
            public_text=f"诉求已交由{target}办理。",
            unit=target,
            actor=actor,
            at=now,
        )
    _save(appeal, *fields)
    _audit(actor, "route", appeal, unit=target.name, transfer=previous is not None)
    notify(
        recipients=_unit_staff(target),
        title=f"新诉求待签收：{appeal.title}",
        body=f"{appeal.enterprise_name}，请于 {appeal.accept_due:%Y-%m-%d} 前签收。",
        url=f"/servicedesk/appeals/{appeal.pk}/",
        category="appeal",
        about=appeal,
        level=NotificationLevel.WARNING,
    )
    return appeal


@transaction.atomic
def appeal_accept(*, appeal: Appeal, actor: User, at: dt.datetime | None = None) -> Appeal:
    appeal = _lock(appeal, "accept")
    _require_handler(actor, appeal)
    now = _now(at)
    appeal.status, appeal.accepted_at = S.ACCEPTED, now
    _save(appeal, "status", "accepted_at")
    appeal_event(
        appeal=appeal,
        kind="accepted",
        text=f"“{appeal.unit}”签收",
        public_text=f"{appeal.unit}已签收，正在办理。",
        unit=appeal.unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "accept", appeal)
    return appeal


@transaction.atomic
def appeal_return(
    *, appeal: Appeal, actor: User, reason: str, at: dt.datetime | None = None
) -> Appeal:
    """The unit sends it back to the office with a reason; counted against the unit."""
    appeal = _lock(appeal, "return")
    _require_handler(actor, appeal)
    _require(bool(reason.strip()), "退回必须说明理由。")
    unit = appeal.unit
    now = _now(at)
    appeal.status, appeal.unit, appeal.routed_at = S.REGISTERED, None, None
    appeal.return_count += 1
    _save(appeal, "status", "unit", "routed_at", "return_count")
    appeal_event(
        appeal=appeal,
        kind="returned",
        text=f"“{unit}”退回：{reason.strip()}",
        unit=unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "return", appeal, unit=str(unit), reason=reason.strip())
    notify(
        recipients=User.objects.filter(is_active=True, roles__code=RoleCode.DIVISION_STAFF),
        title=f"诉求被退回，请重新派单：{appeal.title}",
        body=f"{unit}：{reason.strip()}",
        url=f"/servicedesk/appeals/{appeal.pk}/",
        category="appeal",
        about=appeal,
    )
    return appeal


# --- Handling ------------------------------------------------------------------------------


@transaction.atomic
def appeal_start(*, appeal: Appeal, actor: User, at: dt.datetime | None = None) -> Appeal:
    appeal = _lock(appeal, "start")
    _require_handler(actor, appeal)
    appeal.status = S.IN_PROGRESS
    _save(appeal, "status")
    appeal_event(appeal=appeal, kind="started", text="开始办理", actor=actor, at=_now(at))
    _audit(actor, "start", appeal)
    return appeal


@transaction.atomic
def appeal_reply(
    *, appeal: Appeal, actor: User, text: str, at: dt.datetime | None = None
) -> Appeal:
    """A stage reply (阶段答复) to the enterprise; the first one meets the reply deadline."""
    appeal = _lock(appeal, "reply")
    _require_handler(actor, appeal)
    _require(bool(text.strip()), "请填写答复内容。")
    now = _now(at)
    if appeal.replied_at is None:
        appeal.replied_at = now
        _save(appeal, "replied_at")
    appeal_event(
        appeal=appeal,
        kind="reply",
        text=f"阶段答复：{text.strip()}",
        public_text=f"办理进展：{text.strip()}",
        unit=appeal.unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "reply", appeal, text=text.strip())
    return appeal


@transaction.atomic
def appeal_pause(
    *, appeal: Appeal, actor: User, reason: str, at: dt.datetime | None = None
) -> Appeal:
    """Wait for the enterprise to supply something: the clock stops."""
    appeal = _lock(appeal, "pause")
    _require_handler(actor, appeal)
    _require(bool(reason.strip()), "暂停计时必须说明需要企业补充的内容。")
    now = _now(at)
    appeal.status, appeal.paused_since, appeal.pause_reason = S.WAITING, now, reason.strip()
    _save(appeal, "status", "paused_since", "pause_reason")
    appeal_event(
        appeal=appeal,
        kind="paused",
        text=f"暂停计时，待企业补充：{reason.strip()}",
        public_text=f"需要企业补充材料：{reason.strip()}（办理时限暂停计算）",
        unit=appeal.unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "pause", appeal, reason=reason.strip())
    return appeal


@transaction.atomic
def appeal_resume(
    *, appeal: Appeal, actor: User, note: str = "", at: dt.datetime | None = None
) -> Appeal:
    appeal = _lock(appeal, "resume")
    _require_handler(actor, appeal)
    now = _now(at)
    assert appeal.paused_since is not None  # noqa: S101 (set by every pause)
    days = sla.paused_days(timezone.localdate(appeal.paused_since), timezone.localdate(now))
    appeal.paused_workdays += days
    appeal.status = S.REOPENED if appeal.reopen_count and appeal.resolved_at else S.IN_PROGRESS
    appeal.paused_since, appeal.pause_reason = None, ""
    sla.apply_dues(appeal)
    _save(
        appeal,
        "status",
        "paused_since",
        "pause_reason",
        "paused_workdays",
        "accept_due",
        "reply_due",
        "resolve_due",
        "due_provisional",
    )
    extra = f"：{note.strip()}" if note.strip() else ""
    appeal_event(
        appeal=appeal,
        kind="resumed",
        text=f"企业已补充，恢复计时（暂停 {days} 个工作日，办结期限顺延至 "
        f"{appeal.resolve_due:%Y-%m-%d}）{extra}",
        public_text=f"已收到补充材料，恢复办理，预计 {appeal.resolve_due:%Y-%m-%d} 前办结。",
        unit=appeal.unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "resume", appeal, paused_workdays=days, resolve_due=appeal.resolve_due)
    return appeal


@transaction.atomic
def appeal_resolve(
    *, appeal: Appeal, actor: User, resolution: str, at: dt.datetime | None = None
) -> Appeal:
    appeal = _lock(appeal, "resolve")
    _require_handler(actor, appeal)
    _require(bool(resolution.strip()), "办结必须填写办理结果。")
    now = _now(at)
    appeal.status, appeal.resolved_at, appeal.resolution = S.RESOLVED, now, resolution.strip()
    appeal.resolved_on_time = timezone.localdate(now) <= appeal.resolve_due
    _save(appeal, "status", "resolved_at", "resolution", "resolved_on_time")
    appeal_event(
        appeal=appeal,
        kind="resolved",
        text=f"办结：{resolution.strip()}",
        public_text=f"已办结。办理结果：{resolution.strip()}",
        unit=appeal.unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "resolve", appeal, on_time=appeal.resolved_on_time)
    return appeal


# --- The enterprise's answer ---------------------------------------------------------------


@transaction.atomic
def appeal_rate(
    *,
    appeal: Appeal,
    rating: int,
    comment: str = "",
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Appeal:
    """The enterprise rates the answer (1–5) on its tracking page, or staff record it."""
    appeal = _lock(appeal, "rate")
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "评分应为 1 到 5 分。"})
    now = _now(at)
    appeal.status, appeal.rating, appeal.rating_comment = S.RATED, rating, comment.strip()
    appeal.rated_at = now
    _save(appeal, "status", "rating", "rating_comment", "rated_at")
    said = f"，意见：{comment.strip()}" if comment.strip() else ""
    appeal_event(
        appeal=appeal,
        kind="rated",
        text=f"企业评价 {rating} 分{said}",
        public_text=f"您的评价：{rating} 分。感谢您的反馈。",
        actor=actor,
        at=now,
    )
    _audit(actor, "rate", appeal, rating=rating, comment=comment.strip())
    return appeal


@transaction.atomic
def appeal_reopen(
    *, appeal: Appeal, comment: str, actor: User | None = None, at: dt.datetime | None = None
) -> Appeal:
    """重办: the enterprise is not satisfied; back to the same unit with a fresh clock."""
    appeal = _lock(appeal, "reopen")
    _require(bool(comment.strip()), "申请重办请说明不满意的原因。")
    now = _now(at)
    appeal.status = S.REOPENED
    appeal.reopen_count += 1
    appeal.clock_start = timezone.localdate(now)
    appeal.paused_workdays, appeal.commitment_date = 0, None
    appeal.replied_at, appeal.escalation_level, appeal.reminder_key = None, 0, ""
    sla.apply_dues(appeal)
    _save(
        appeal,
        "status",
        "reopen_count",
        "clock_start",
        "paused_workdays",
        "commitment_date",
        "replied_at",
        "escalation_level",
        "reminder_key",
        "accept_due",
        "reply_due",
        "resolve_due",
        "due_provisional",
    )
    appeal_event(
        appeal=appeal,
        kind="reopened",
        text=f"企业不满意，申请重办：{comment.strip()}",
        public_text=f"已受理您的重办申请，{appeal.unit}将重新办理，"
        f"预计 {appeal.resolve_due:%Y-%m-%d} 前办结。",
        unit=appeal.unit,
        actor=actor,
        at=now,
    )
    _audit(actor, "reopen", appeal, comment=comment.strip())
    if appeal.unit is not None:
        notify(
            recipients=_unit_staff(appeal.unit),
            title=f"诉求被申请重办：{appeal.title}",
            body=comment.strip(),
            url=f"/servicedesk/appeals/{appeal.pk}/",
            category="appeal",
            about=appeal,
            level=NotificationLevel.WARNING,
        )
    return appeal


# --- Office and leaders --------------------------------------------------------------------


@transaction.atomic
def appeal_commit(
    *,
    appeal: Appeal,
    actor: User,
    commitment_date: dt.date,
    reason: str,
    at: dt.datetime | None = None,
) -> Appeal:
    """Approve a later resolve date for a complex appeal (承诺办结)."""
    _require(is_office(actor) or is_leader(actor), "只有局办公室或领导可以批准承诺办结日期。")
    appeal = _lock(appeal, "commit")
    _require(bool(reason.strip()), "请说明延长办理时限的理由。")
    _require(commitment_date > appeal.resolve_due, "承诺办结日期应晚于现有办结期限。")
    appeal.priority, appeal.commitment_date = Priority.COMPLEX, commitment_date
    sla.apply_dues(appeal)
    _save(appeal, "priority", "commitment_date", "resolve_due", "reply_due", "due_provisional")
    appeal_event(
        appeal=appeal,
        kind="commitment",
        text=f"批准承诺办结日期 {commitment_date:%Y-%m-%d}：{reason.strip()}",
        public_text=f"该诉求较为复杂，承诺于 {appeal.resolve_due:%Y-%m-%d} 前办结。",
        actor=actor,
        at=_now(at),
    )
    _audit(actor, "commit", appeal, commitment_date=commitment_date, reason=reason.strip())
    return appeal


@transaction.atomic
def appeal_mark(*, appeal: Appeal, actor: User, note: str = "") -> Appeal:
    """A leader marks the appeal for supervision (领导督办)."""
    _require(is_leader(actor), "只有领导可以将诉求列为督办事项。")
    appeal = _lock(appeal, "mark")
    _require(not appeal.leader_marked, "该诉求已列为领导督办。")
    appeal.leader_marked = True
    _save(appeal, "leader_marked")
    appeal_event(
        appeal=appeal,
        kind="marked",
        text=f"领导批示督办{('：' + note.strip()) if note.strip() else ''}",
        actor=actor,
    )
    _audit(actor, "mark", appeal, note=note.strip())
    supervision_link.supervise(appeal=appeal, reason="领导批示督办", actor=actor)
    return appeal


@transaction.atomic
def appeal_merge(*, appeal: Appeal, into: Appeal, actor: User) -> Appeal:
    """Close a duplicate into the appeal that carries on; the enterprise can still follow it."""
    _require(is_office(actor), "只有局办公室（科室）工作人员可以合并诉求。")
    _require(appeal.pk != into.pk, "不能与自身合并。")
    _require(appeal.enterprise_id == into.enterprise_id, "只能合并同一企业的诉求。")
    # Fixed lock order (lower id first) so two opposite merges cannot deadlock.
    for pk in sorted([appeal.pk, into.pk]):
        Appeal.objects.select_for_update().filter(pk=pk).first()
    appeal = _lock(appeal, "merge")
    into = Appeal.objects.get(pk=into.pk)
    _require(into.is_open, "目标诉求已经办结，不能合并到它。")
    appeal.status, appeal.merged_into = S.MERGED, into
    _save(appeal, "status", "merged_into")
    appeal_event(
        appeal=appeal,
        kind="merged",
        text=f"与诉求 {into.tracking_code} 合并办理",
        public_text="该诉求已与同一事项的另一诉求合并办理。",
        actor=actor,
    )
    appeal_event(
        appeal=into,
        kind="merged_in",
        text=f"合并诉求 {appeal.tracking_code}：{appeal.title}",
        actor=actor,
        to_enterprise=False,
    )
    _audit(actor, "merge", appeal, into=into.tracking_code)
    return appeal


def appeal_act(*, appeal: Appeal, actor: User, action: str, data: Mapping[str, Any]) -> Appeal:
    """Run one staff action by name with its form's cleaned data (the page and the API)."""
    if action not in STAFF_ACTIONS:
        raise ValidationError("不支持的操作。")
    if action == "route":
        return appeal_route(appeal=appeal, actor=actor, unit=data.get("unit"))
    if action == "accept":
        return appeal_accept(appeal=appeal, actor=actor)
    if action == "return":
        return appeal_return(appeal=appeal, actor=actor, reason=data["reason"])
    if action == "start":
        return appeal_start(appeal=appeal, actor=actor)
    if action == "reply":
        return appeal_reply(appeal=appeal, actor=actor, text=data["text"])
    if action == "pause":
        return appeal_pause(appeal=appeal, actor=actor, reason=data["reason"])
    if action == "resume":
        return appeal_resume(appeal=appeal, actor=actor)
    if action == "resolve":
        return appeal_resolve(appeal=appeal, actor=actor, resolution=data["resolution"])
    if action == "commit":
        return appeal_commit(
            appeal=appeal,
            actor=actor,
            commitment_date=data["commitment_date"],
            reason=data["reason"],
        )
    if action == "mark":
        return appeal_mark(appeal=appeal, actor=actor, note=data["text"])
    if appeal.duplicate_of is None:
        raise ValidationError("该诉求没有疑似重复的诉求。")
    return appeal_merge(appeal=appeal, into=appeal.duplicate_of, actor=actor)
