"""Writes of parks: the profile, yearly output against target, 专人专班, and the monthly KPIs
(the month's grid, the Excel import, annual targets). Each action validates, saves in one
transaction under the park's row lock, writes a timeline event and an audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaifang.core import audit
from kaifang.core.models import Industry, Unit, UnitKind, User
from kaifang.core.scope import check_people
from kaifang.zones.actions import (
    _snapshot,
    _today,
    check_month_values,
    check_units,
    write_kpi_values,
    zone_event,
)
from kaifang.zones.importers.kpi import match_kpi_rows
from kaifang.zones.models import (
    Park,
    ParkKpiDefinition,
    ParkKpiTarget,
    ParkKpiValue,
    ParkOutput,
    ParkTeamMember,
)

# --- parks -------------------------------------------------------------------------------

PARK_FIELDS = ("name", "kind", "district", "area_km2", "tier", "description")


@transaction.atomic
def park_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    unit: Unit | None = None,
    district: Unit | None = None,
    area_km2: Decimal | None = None,
    tier: str = "",
    description: str = "",
    lead_industries: Sequence[Industry] = (),
    is_synthetic: bool = False,
) -> Park:
    """A park on an existing park unit of the tree, or on a new one created under the district."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写园区名称。"})
    check_units(actor, [unit, district], field="district", label="园区和县区")
    if unit is None:
        unit_name = name if name.endswith("管委会") else f"{name}管委会"
        if Unit.objects.filter(name=unit_name).exists():
            raise ValidationError({"name": f"组织机构中已有“{unit_name}”，请直接选择该单位。"})
        unit = Unit.objects.create(
            name=unit_name,
            short_name=name[:50],
            kind=UnitKind.PARK,
            parent=district,
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="unit.create", obj=unit, changes={"kind": unit.kind})
    elif unit.kind != UnitKind.PARK:
        raise ValidationError({"unit": "请选择类型为“园区管委会”的单位。"})
    if Park.objects.filter(unit=unit).exists():
        raise ValidationError({"unit": "该单位已建立园区档案。"})
    if Park.objects.filter(name=name).exists():
        raise ValidationError({"name": "已有同名园区。"})
    park = Park.objects.create(
        unit=unit,
        name=name,
        kind=kind,
        district=district
        or (unit.parent if unit.parent and unit.parent.kind == UnitKind.DISTRICT else None),
        area_km2=area_km2,
        tier=tier,
        description=description,
        is_synthetic=is_synthetic,
    )
    park.lead_industries.set(lead_industries)
    zone_event(park=park, kind="created", text="建立园区档案", actor=actor)
    audit.record(
        actor=actor,
        action="zones.park.create",
        obj=park,
        changes={"unit": unit, "kind": kind, "tier": tier, "district": park.district},
    )
    return park


@transaction.atomic
def park_update(
    *,
    actor: User,
    park: Park,
    lead_industries: Sequence[Industry] | None = None,
    **fields: Any,
) -> Park:
    unknown = set(fields) - set(PARK_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    park = Park.objects.select_for_update().get(pk=park.pk)
    before = _snapshot(park, fields)
    for name, value in fields.items():
        setattr(park, name, value)
    park.save()
    changes = audit.diff(before, _snapshot(park, fields))
    if lead_industries is not None:
        old = sorted(i.code for i in park.lead_industries.all())
        park.lead_industries.set(lead_industries)
        new = sorted(i.code for i in lead_industries)
        if old != new:
            changes["lead_industries"] = [old, new]
    if changes:
        zone_event(park=park, kind="edit", text="修改园区信息", actor=actor)
        audit.record(actor=actor, action="zones.park.update", obj=park, changes=changes)
    return park


@transaction.atomic
def park_output_set(
    *, actor: User | None, park: Park, year: int, output: Decimal | None, target: Decimal | None
) -> ParkOutput:
    park = Park.objects.select_for_update().get(pk=park.pk)
    row, _ = ParkOutput.objects.update_or_create(
        park=park, year=year, defaults={"output": output, "target": target}
    )
    zone_event(
        park=park,
        kind="output",
        text=f"{year}年营业收入/产值 {output if output is not None else '—'} 亿元，"
        f"目标 {target if target is not None else '—'} 亿元",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.park.output",
        obj=park,
        changes={"year": year, "output": output, "target": target},
    )
    return row


@transaction.atomic
def park_team_add(
    *,
    actor: User | None,
    park: Park,
    name: str,
    role: str,
    phone: str = "",
    user: User | None = None,
) -> ParkTeamMember:
    if not name.strip() or not role.strip():
        raise ValidationError("请填写姓名和专班职务。")
    check_people(actor, [user], field="user", label="专班成员")
    park = Park.objects.select_for_update().get(pk=park.pk)
    member = ParkTeamMember.objects.create(
        park=park,
        name=name.strip(),
        role=role.strip(),
        phone=phone,
        user=user,
        order=park.team.count(),
    )
    zone_event(park=park, kind="team", text=f"专班新增：{member}", actor=actor)
    audit.record(
        actor=actor, action="zones.park.team_add", obj=park, changes={"member": str(member)}
    )
    return member


@transaction.atomic
def park_team_remove(*, actor: User, member: ParkTeamMember) -> None:
    park = Park.objects.select_for_update().get(pk=member.park_id)
    text = str(member)
    member.delete()
    zone_event(park=park, kind="team", text=f"专班移除：{text}", actor=actor)
    audit.record(actor=actor, action="zones.park.team_remove", obj=park, changes={"member": text})


# --- monthly KPIs ------------------------------------------------------------------------


def _park_definitions() -> dict[int, ParkKpiDefinition]:
    return {d.pk: d for d in ParkKpiDefinition.objects.all()}


@transaction.atomic
def park_kpi_target_set(
    *,
    actor: User,
    park: Park,
    definition: ParkKpiDefinition,
    year: int,
    target: Decimal | None,
) -> None:
    park = Park.objects.select_for_update().get(pk=park.pk)
    if target is not None and target < 0:
        raise ValidationError("年度目标不能为负数。")
    if target is None:
        ParkKpiTarget.objects.filter(park=park, definition=definition, year=year).delete()
    else:
        ParkKpiTarget.objects.update_or_create(
            park=park, definition=definition, year=year, defaults={"target": target}
        )
    zone_event(
        park=park,
        kind="target",
        text=f"{year}年目标：{definition.name} {target if target is not None else '清除'}",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.park.kpi_target",
        obj=park,
        changes={"definition": definition.name, "year": year, "target": target},
    )


@transaction.atomic
def park_kpi_month_save(
    *,
    actor: User,
    park: Park,
    period: dt.date,
    values: Mapping[int, Decimal | None],
) -> int:
    """The month's grid: one value per park KPI id (None clears it)."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    period = period.replace(day=1)
    if period > _today().replace(day=1):
        raise ValidationError("不能填报未来月份的指标。")
    known = _park_definitions()
    check_month_values(values, known)
    written, deleted = write_kpi_values(
        ParkKpiValue, {"park": park}, {(k, period): v for k, v in values.items()}
    )
    zone_event(
        park=park,
        kind="kpi",
        text=f"填报 {period:%Y年%m月} 指标 {written} 项"
        + (f"，清除 {deleted} 项" if deleted else ""),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.park.kpi_month",
        obj=park,
        changes={"period": period, "values": {known[k].name: v for k, v in values.items()}},
    )
    return written


@transaction.atomic
def park_kpi_import(
    *,
    actor: User,
    park: Park,
    rows: Sequence[tuple[int, str, dt.date, Decimal]],
    filename: str = "",
) -> int:
    """Write the rows of a parsed KPI workbook (importers.kpi.parse_kpi_workbook), all or none;
    names are matched to the park KPIs. Raises ValidationError with one message per bad row."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    by_name = {d.name: d.pk for d in _park_definitions().values()}
    values, errors = match_kpi_rows(
        list(rows), by_name, this_month=_today().replace(day=1), owner="园区"
    )
    if errors:
        raise ValidationError(errors)
    written, _ = write_kpi_values(ParkKpiValue, {"park": park}, values)
    zone_event(
        park=park,
        kind="kpi_import",
        text=f"从 Excel 导入指标 {written} 项" + (f"（{filename}）" if filename else ""),
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.park.kpi_import",
        obj=park,
        changes={"rows": written, "file": filename},
    )
    return written
