"""Writes of platforms and projects (parks: actions/parks.py; appeals: actions/appeals.py; chain
segments: actions/chains.py), and the helpers they share. Each action validates, saves in one
transaction under row locks, writes a timeline event and an audit record. Statuses and stages
change only here, each change kept as a dated history row.

Supervision and the service desk are peers: they are reached through kaifang.core.handover,
never imported. Lock order: platform, then its milestones; project, then its problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit, handover
from kaifang.core.models import Partner, Unit, User
from kaifang.core.permissions import Cap, has
from kaifang.core.scope import check_people, effective_scope
from kaifang.enterprises.actions import enterprise_create
from kaifang.enterprises.models import Enterprise, EnterpriseStatus, Ownership
from kaifang.zones.importers.kpi import match_kpi_rows
from kaifang.zones.models import (
    PIPELINE,
    Chain,
    Direction,
    KpiDefinition,
    KpiTarget,
    KpiValue,
    Park,
    ParkKpiValue,
    Platform,
    PlatformKind,
    PlatformMilestone,
    PlatformStatus,
    PlatformStatusChange,
    Project,
    ProjectStageChange,
    Stage,
    ZoneEvent,
)


def zone_event(
    *,
    kind: str,
    text: str,
    actor: User | None,
    platform: Platform | None = None,
    park: Park | None = None,
    project: Project | None = None,
    chain: Chain | None = None,
) -> ZoneEvent:
    """One line on a platform's, park's, project's or chain's timeline."""
    return ZoneEvent.objects.create(
        platform=platform,
        park=park,
        project=project,
        chain=chain,
        kind=kind,
        text=text[:500],
        actor=actor,
    )


def _today() -> dt.date:
    return timezone.localdate()


def check_units(
    actor: User | None, units: Sequence[Unit | None], *, field: str, label: str
) -> None:
    """A record is visible when any of its units is in scope (core.scope): one of the units
    chosen must be in the actor's, so no one creates a record they could not see again.
    (A park's user files a project with the park's district, which lies above the park.)"""
    if actor is None:
        return
    scope = effective_scope(actor)
    chosen = [u for u in units if u is not None]
    if scope.sees_all or not chosen or any(u.pk in scope.unit_ids for u in chosen):
        return
    names = "、".join(u.name for u in chosen)
    raise ValidationError({field: f"{label}至少一项应在您的数据范围内：{names} 都不在其中。"})


def _check_date(on: dt.date, *, not_before: dt.date | None, label: str) -> None:
    if on > _today():
        raise ValidationError(f"{label}不能晚于今天。")
    if not_before is not None and on < not_before:
        raise ValidationError(f"{label}不能早于上一次变化的日期（{not_before:%Y-%m-%d}）。")


# --- platforms ---------------------------------------------------------------------------

PLATFORM_FIELDS = ("name", "kind", "district", "park", "unit", "leader", "description")


@transaction.atomic
def platform_create(
    *,
    actor: User | None,
    name: str,
    kind: PlatformKind,
    status: str = PlatformStatus.PLANNING,
    status_on: dt.date | None = None,
    district: Unit | None = None,
    park: Unit | None = None,
    unit: Unit | None = None,
    leader: str = "",
    description: str = "",
    is_synthetic: bool = False,
) -> Platform:
    if not name.strip():
        raise ValidationError({"name": "请填写平台名称。"})
    if Platform.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": "已有同名平台。"})
    check_units(actor, [district, park, unit], field="district", label="县区、园区和责任单位")
    on = status_on or _today()
    platform = Platform.objects.create(
        name=name.strip(),
        kind=kind,
        status=status,
        status_on=on,
        district=district,
        park=park,
        unit=unit,
        leader=leader,
        description=description,
        is_synthetic=is_synthetic,
    )
    PlatformStatusChange.objects.create(platform=platform, to_status=status, on=on, actor=actor)
    zone_event(platform=platform, kind="created", text=f"建立平台档案（{kind}）", actor=actor)
    audit.record(
        actor=actor,
        action="zones.platform.create",
        obj=platform,
        changes={"kind": kind, "status": status, "district": district, "park": park},
    )
    return platform


def _snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


@transaction.atomic
def platform_update(*, actor: User, platform: Platform, **fields: Any) -> Platform:
    unknown = set(fields) - set(PLATFORM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    before = _snapshot(platform, fields)
    for name, value in fields.items():
        setattr(platform, name, value)
    platform.save()
    changes = audit.diff(before, _snapshot(platform, fields))
    if changes:
        zone_event(platform=platform, kind="edit", text="修改平台信息", actor=actor)
        audit.record(actor=actor, action="zones.platform.update", obj=platform, changes=changes)
    return platform


@transaction.atomic
def platform_set_status(
    *, actor: User | None, platform: Platform, status: str, on: dt.date, note: str = ""
) -> Platform:
    if status not in PlatformStatus.values:
        raise ValidationError("状态不正确。")
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if status == platform.status:
        raise ValidationError(f"平台已处于“{PlatformStatus(status).label}”状态。")
    _check_date(on, not_before=platform.status_on, label="状态日期")
    previous = platform.status
    platform.status, platform.status_on = status, on
    platform.save(update_fields=["status", "status_on", "updated_at"])
    PlatformStatusChange.objects.create(
        platform=platform, from_status=previous, to_status=status, on=on, note=note, actor=actor
    )
    text = f"状态由“{PlatformStatus(previous).label}”变为“{PlatformStatus(status).label}”"
    zone_event(
        platform=platform, kind="status", text=text + (f"：{note}" if note else ""), actor=actor
    )
    audit.record(
        actor=actor,
        action="zones.platform.status",
        obj=platform,
        changes={"status": [previous, status], "on": on, "note": note},
    )
    return platform


@transaction.atomic
def platform_set_enterprises(
    *, actor: User, platform: Platform, enterprises: Sequence[Enterprise]
) -> Platform:
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    before = set(platform.enterprises.values_list("pk", flat=True))
    platform.enterprises.set(enterprises)
    after = {e.pk for e in enterprises}
    if before != after:
        zone_event(
            platform=platform,
            kind="enterprises",
            text=f"运营企业更新为 {len(after)} 家",
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="zones.platform.enterprises",
            obj=platform,
            changes={"added": sorted(after - before), "removed": sorted(before - after)},
        )
    return platform


# --- milestones --------------------------------------------------------------------------


def _task_visible(actor: User, task_ref: int) -> bool:
    found = handover.call("supervision.task_summaries", user=actor, ids=[task_ref])
    return bool(found)


@transaction.atomic
def milestone_add(
    *, actor: User | None, platform: Platform, title: str, due: dt.date, task_ref: int | None = None
) -> PlatformMilestone:
    if not title.strip():
        raise ValidationError("请填写节点名称。")
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if task_ref is not None and actor is not None and not _task_visible(actor, task_ref):
        raise ValidationError("督办事项不存在或不在您的数据范围内。")
    milestone = PlatformMilestone.objects.create(
        platform=platform, title=title.strip(), due=due, task_ref=task_ref
    )
    zone_event(
        platform=platform,
        kind="milestone",
        text=f"新增节点：{title}（{due:%Y-%m-%d}）",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.milestone.add",
        obj=platform,
        changes={"title": title, "due": due, "task": task_ref},
    )
    return milestone


def _lock_milestone(milestone: PlatformMilestone) -> PlatformMilestone:
    Platform.objects.select_for_update().get(pk=milestone.platform_id)
    return PlatformMilestone.objects.select_for_update().get(pk=milestone.pk)


@transaction.atomic
def milestone_complete(
    *, actor: User | None, milestone: PlatformMilestone, done_on: dt.date, via: str = ""
) -> PlatformMilestone:
    milestone = _lock_milestone(milestone)
    if milestone.done_on is not None:
        raise ValidationError("该节点已完成。")
    if done_on > _today():
        raise ValidationError("完成日期不能晚于今天。")
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    zone_event(
        platform=milestone.platform,
        kind="milestone_done",
        text=f"节点完成：{milestone.title}" + (f"（{via}）" if via else ""),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.milestone.complete",
        obj=milestone.platform,
        changes={"milestone": milestone.title, "done_on": done_on, "via": via},
    )
    return milestone


@transaction.atomic
def milestone_open_task(*, actor: User, milestone: PlatformMilestone) -> int:
    """Hand the milestone to supervision as a task (督办事项) of the platform's unit; the
    task's completion will complete the milestone. Returns the task id."""
    milestone = _lock_milestone(milestone)
    platform = milestone.platform
    if milestone.task_ref is not None:
        raise ValidationError("该节点已关联督办事项。")
    if milestone.done_on is not None:
        raise ValidationError("该节点已完成。")
    lead = platform.unit or platform.park or platform.district
    if lead is None:
        raise ValidationError("请先为平台指定责任单位。")
    if not handover.can_open_task():
        raise ValidationError("督查督办模块未启用。")
    task = handover.open_task(
        actor=actor,
        title=f"{platform.name}：{milestone.title}",
        lead_unit=lead,
        deadline=milestone.due,
        source_sentence=f"开放平台节点（{platform.name}）",
        tags="开放平台",
    )
    if task is None:
        raise ValidationError("督查督办模块未启用。")
    milestone.task_ref = int(task.pk)
    milestone.save(update_fields=["task_ref"])
    zone_event(
        platform=platform,
        kind="milestone_task",
        text=f"节点“{milestone.title}”列为督办事项 #{task.pk}",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.milestone.supervise",
        obj=platform,
        changes={"milestone": milestone.title, "task": task.pk},
    )
    return int(task.pk)


def on_task_done(*, task_id: int, actor: User | None) -> int:
    """Supervision accepted a task as done: complete the milestones linked to it."""
    count = 0
    for milestone in PlatformMilestone.objects.filter(task_ref=task_id, done_on__isnull=True):
        milestone_complete(
            actor=actor, milestone=milestone, done_on=_today(), via=f"督办事项 #{task_id} 办结"
        )
        count += 1
    return count


# --- KPIs --------------------------------------------------------------------------------


def _definitions(platform: Platform) -> dict[int, KpiDefinition]:
    return {d.pk: d for d in KpiDefinition.objects.filter(kind_id=platform.kind_id)}


@transaction.atomic
def kpi_target_set(
    *,
    actor: User,
    platform: Platform,
    definition: KpiDefinition,
    year: int,
    target: Decimal | None,
) -> None:
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if definition.kind_id != platform.kind_id:
        raise ValidationError("该指标不属于本平台类型。")
    if target is None:
        KpiTarget.objects.filter(platform=platform, definition=definition, year=year).delete()
    else:
        KpiTarget.objects.update_or_create(
            platform=platform, definition=definition, year=year, defaults={"target": target}
        )
    zone_event(
        platform=platform,
        kind="target",
        text=f"{year}年目标：{definition.name} {target if target is not None else '清除'}",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.kpi.target",
        obj=platform,
        changes={"definition": definition.name, "year": year, "target": target},
    )


def write_kpi_values(
    model: type[KpiValue] | type[ParkKpiValue],
    owner: dict[str, Any],
    values: Mapping[tuple[int, dt.date], Decimal | None],
) -> tuple[int, int]:
    """Upsert (or delete for None) a platform's or park's monthly values (`owner` is
    {"platform": p} or {"park": p}); return (written, deleted)."""
    written = deleted = 0
    for (definition_id, period), value in values.items():
        if value is None:
            deleted += model.objects.filter(
                **owner, definition_id=definition_id, period=period
            ).delete()[0]
            continue
        model.objects.update_or_create(
            **owner, definition_id=definition_id, period=period, defaults={"value": value}
        )
        written += 1
    return written, deleted


def check_month_values(values: Mapping[int, Decimal | None], known: Iterable[int]) -> None:
    """The month's grid: only known KPIs, no negative figure."""
    if set(values) - set(known):
        raise ValidationError("包含不适用的指标。")
    for value in values.values():
        if value is not None and value < 0:
            raise ValidationError("指标数值不能为负数。")


@transaction.atomic
def kpi_month_save(
    *,
    actor: User,
    platform: Platform,
    period: dt.date,
    values: Mapping[int, Decimal | None],
) -> int:
    """The month's grid: one value per KPI definition id (None clears it)."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    period = period.replace(day=1)
    if period > _today().replace(day=1):
        raise ValidationError("不能填报未来月份的指标。")
    known = _definitions(platform)
    check_month_values(values, known)
    written, deleted = write_kpi_values(
        KpiValue, {"platform": platform}, {(k, period): v for k, v in values.items()}
    )
    zone_event(
        platform=platform,
        kind="kpi",
        text=f"填报 {period:%Y年%m月} 指标 {written} 项"
        + (f"，清除 {deleted} 项" if deleted else ""),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.kpi.month",
        obj=platform,
        changes={
            "period": period,
            "values": {known[k].name: v for k, v in values.items()},
        },
    )
    return written


@transaction.atomic
def kpi_import(
    *,
    actor: User,
    platform: Platform,
    rows: Sequence[tuple[int, str, dt.date, Decimal]],
    filename: str = "",
) -> int:
    """Write the rows of a parsed KPI workbook (importers.kpi.parse_kpi_workbook), all or none;
    indicator names are matched to the platform kind's KPIs. Raises ValidationError with one
    message per bad row."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    by_name = {d.name: d.pk for d in _definitions(platform).values()}
    values, errors = match_kpi_rows(
        list(rows), by_name, this_month=_today().replace(day=1), owner="本平台"
    )
    if errors:
        raise ValidationError(errors)
    written, _ = write_kpi_values(KpiValue, {"platform": platform}, values)
    zone_event(
        platform=platform,
        kind="kpi_import",
        text=f"从 Excel 导入指标 {written} 项" + (f"（{filename}）" if filename else ""),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.kpi.import",
        obj=platform,
        changes={"rows": written, "file": filename},
    )
    return written


# --- projects ----------------------------------------------------------------------------

PROJECT_FIELDS = (
    "name",
    "direction",
    "investor",
    "country",
    "industry",
    "contracted_usd",
    "contracted_cny",
    "actual_usd",
    "actual_cny",
    "district",
    "park",
    "platform",
    "enterprise",
    "officer",
)


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    name: str,
    direction: str,
    lead_on: dt.date | None = None,
    is_synthetic: bool = False,
    **fields: Any,
) -> Project:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not name.strip():
        raise ValidationError({"name": "请填写项目名称。"})
    if direction not in Direction.values:
        raise ValidationError({"direction": "请选择引进来或走出去。"})
    check_units(
        actor, [fields.get("district"), fields.get("park")], field="district", label="县区和园区"
    )
    check_people(actor, [fields.get("officer")], field="officer", label="责任人")
    on = lead_on or _today()
    project = Project.objects.create(
        name=name.strip(),
        direction=direction,
        stage=Stage.LEAD,
        stage_on=on,
        lead_on=on,
        created_by=actor,
        is_synthetic=is_synthetic,
        **fields,
    )
    ProjectStageChange.objects.create(project=project, to_stage=Stage.LEAD, on=on, actor=actor)
    zone_event(
        project=project,
        kind="created",
        text=f"登记{Direction(direction).label}项目线索",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.project.create",
        obj=project,
        changes={k: v for k, v in fields.items() if v not in (None, "")} | {"lead_on": on},
    )
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields: Any) -> Project:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if "officer" in fields and fields["officer"] != project.officer:
        check_people(actor, [fields["officer"]], field="officer", label="责任人")
    before = _snapshot(project, fields)
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    changes = audit.diff(before, _snapshot(project, fields))
    if changes:
        zone_event(project=project, kind="edit", text="修改项目信息", actor=actor)
        audit.record(actor=actor, action="zones.project.update", obj=project, changes=changes)
    return project


def _pending_enterprise(project: Project, name: str) -> Enterprise:
    """Created by the system (as the service desk's unknown firms are): the project's district
    and park may lie outside the mover's own scope (a park user, the park's district)."""
    return enterprise_create(
        actor=None,
        name=name or project.name,
        district=project.district,
        park=project.park,
        industry=project.industry,
        status=EnterpriseStatus.PENDING,
        source="project",
        ownership=Ownership.FOREIGN,
    )


@transaction.atomic
def project_move(
    *,
    actor: User | None,
    project: Project,
    stage: str,
    on: dt.date,
    note: str = "",
    enterprise_name: str = "",
) -> Project:
    """Move along 线索 → 洽谈 → 签约 → 注册 → 开工 → 投产/运营 (forward, stages may be skipped)
    or 终止 (with the reason in `note`). An inbound project that registers without an
    enterprise creates one in the register as pending review."""
    if stage not in Stage.values:
        raise ValidationError("阶段不正确。")
    project = Project.objects.select_for_update().get(pk=project.pk)
    current = Stage(project.stage)
    if current == Stage.TERMINATED:
        raise ValidationError("项目已终止，不能再变更阶段。")
    if stage == current:
        raise ValidationError(f"项目已处于“{current.label}”阶段。")
    _check_date(on, not_before=project.stage_on, label="阶段日期")
    if stage == Stage.TERMINATED:
        if not note.strip():
            raise ValidationError("终止项目请填写终止原因。")
        project.terminated_reason = note.strip()[:300]
    else:
        target = PIPELINE.index(Stage(stage))
        if target < PIPELINE.index(current):
            raise ValidationError("项目阶段只能向前推进；如项目中止请选择“终止”。")
        project.reached = max(project.reached, target)
        registered = PIPELINE.index(Stage.REGISTERED)
        if (
            target >= registered
            and project.enterprise_id is None
            and project.direction == Direction.INBOUND
        ):
            project.enterprise = _pending_enterprise(project, enterprise_name)
            zone_event(
                project=project,
                kind="enterprise",
                text=f"新设外资企业“{project.enterprise.name}”已登记到企业名录（待审核）",
                actor=actor,
            )
    project.stage, project.stage_on = stage, on
    project.save()
    ProjectStageChange.objects.create(
        project=project, from_stage=current, to_stage=stage, on=on, note=note, actor=actor
    )
    text = f"阶段由“{current.label}”推进到“{Stage(stage).label}”（{on:%Y-%m-%d}）"
    zone_event(
        project=project, kind="stage", text=text + (f"：{note}" if note else ""), actor=actor
    )
    audit.record(
        actor=actor,
        action="zones.project.stage",
        obj=project,
        changes={"stage": [current, stage], "on": on, "note": note},
    )
    return project


@transaction.atomic
def project_supervise(*, actor: User, project: Project, deadline: dt.date, note: str = "") -> int:
    """A leader turns the project into a supervised task (督办事项); returns the task id."""
    if not has(actor, Cap.LEAD):
        raise PermissionDenied("只有领导可以将项目列为督办事项。")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.task_ref is not None:
        raise ValidationError(f"该项目已列为督办事项 #{project.task_ref}。")
    lead = project.park or project.district
    if lead is None:
        raise ValidationError("项目没有所在县区或园区，无法确定牵头单位。")
    if deadline < _today():
        raise ValidationError("完成时限不能早于今天。")
    if not handover.can_open_task():
        raise ValidationError("督查督办模块未启用。")
    task = handover.open_task(
        actor=actor,
        title=f"推进招商项目：{project.name}（当前{project.get_stage_display()}）",
        lead_unit=lead,
        deadline=deadline,
        source_sentence=note or f"领导批示：加快推进{project.name}",
        tags="招商项目",
    )
    if task is None:
        raise ValidationError("督查督办模块未启用。")
    project.task_ref = int(task.pk)
    project.save(update_fields=["task_ref", "updated_at"])
    zone_event(project=project, kind="supervised", text=f"列为督办事项 #{task.pk}", actor=actor)
    audit.record(
        actor=actor,
        action="zones.project.supervise",
        obj=project,
        changes={"task": task.pk, "deadline": deadline, "note": note},
    )
    return int(task.pk)


def partner_by_code(code: str) -> Partner | None:
    return Partner.objects.filter(code=code).first()
