"""Writes of indicators: seeding, values (grid entry and committed imports), targets and the
official trade series. Each is one transaction with its audit entry; only users who see the
whole city and may write (not leaders) change whole-city data; a district user may enter
their own district's values."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit, jobs
from kaifang.core.models import Unit, UnitKind, User
from kaifang.core.scope import can_write, effective_scope
from kaifang.indicators.models import (
    Indicator,
    IndicatorValue,
    OfficialImport,
    OfficialTrade,
    Region,
    RegionKind,
    Target,
    ValueImport,
)
from kaifang.indicators.seed import INDICATORS, REGIONS


def may_write_region(user: User, region: Region) -> bool:
    """Whole-city staff write every row; a district's staff write their district's rows."""
    if not can_write(user, region):
        return False
    scope = effective_scope(user)
    if scope.sees_all:
        return True
    return region.unit_id is not None and region.unit_id in scope.unit_ids


def may_enter_any(user: User) -> bool:
    """Whether the user may enter some region's values (the "录入数值" button): one check
    instead of may_write_region() per row."""
    if not can_write(user, Region()):
        return False
    scope = effective_scope(user)
    return scope.sees_all or Region.objects.filter(unit_id__in=scope.unit_ids).exists()


def may_manage(user: User) -> bool:
    """Targets, imports and the official series: whole-city staff who may write."""
    return effective_scope(user).sees_all and can_write(user, Region())


def _require(allowed: bool) -> None:  # noqa: FBT001 (a guard: _require(may_x(...)))
    if not allowed:
        raise PermissionDenied("您没有修改这些指标数据的权限")


def indicators_seed(*, actor: User | None = None) -> dict[str, int]:
    """The usual set of indicators, the city/province/nation and default peers, and one row
    per district unit. Idempotent: existing rows keep an administrator's edits."""
    created = {"indicators": 0, "regions": 0}
    with transaction.atomic():
        for order, spec in enumerate(INDICATORS):
            _obj, made = Indicator.objects.get_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "unit": spec.unit,
                    "aliases": spec.aliases,
                    "source_kind": spec.source_kind,
                    "flow": spec.flow,
                    "currency": spec.currency,
                    "investment_kind": spec.investment_kind,
                    "frequency": spec.frequency,
                    "cumulative": spec.cumulative,
                    "order": order * 10,
                },
            )
            created["indicators"] += made
        for order, (code, name, kind) in enumerate(REGIONS):
            _r, made = Region.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "order": order * 10}
            )
            created["regions"] += made
        for order, unit in enumerate(Unit.objects.filter(kind=UnitKind.DISTRICT, is_active=True)):
            _r, made = Region.objects.get_or_create(
                unit=unit,
                defaults={
                    "code": f"district-{unit.pk}",
                    "name": unit.short_name or unit.name,
                    "kind": RegionKind.DISTRICT,
                    "order": 100 + order * 10,
                },
            )
            created["regions"] += made
        audit.record(
            actor=actor,
            action="indicators.seed",
            object_type="indicators.indicator",
            object_repr="指标与对标地区初始化",
            changes=created,
        )
    return created


@dataclass(frozen=True)
class ValueInput:
    indicator_code: str
    region_code: str
    period: dt.date
    month_value: Decimal | None = None
    ytd_value: Decimal | None = None
    month_yoy_pct: Decimal | None = None
    ytd_yoy_pct: Decimal | None = None


FIELDS = ("month_value", "ytd_value", "month_yoy_pct", "ytd_yoy_pct")


def value_save(
    *,
    actor: User,
    indicator: Indicator,
    region: Region,
    period: dt.date,
    values: Mapping[str, Decimal | None],
    source: str,
    is_synthetic: bool = False,
) -> IndicatorValue:
    """Enter or replace one value (本月, 累计, 同比); audited with what changed."""
    _require(may_write_region(actor, region))
    if indicator.is_computed and region.kind in (RegionKind.CITY, RegionKind.DISTRICT):
        raise ValidationError(f"“{indicator.name}”由系统按明细数据计算，本市和县区无需录入")
    with transaction.atomic():
        return _save(
            actor=actor,
            indicator=indicator,
            region=region,
            period=period,
            values=values,
            source=source,
            is_synthetic=is_synthetic,
        )


def _save(
    *,
    actor: User | None,
    indicator: Indicator,
    region: Region,
    period: dt.date,
    values: Mapping[str, Decimal | None],
    source: str,
    is_synthetic: bool,
) -> IndicatorValue:
    period = period.replace(day=1)
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, region=region, period=period)
        .first()
    )
    before = {f: getattr(existing, f) for f in FIELDS} if existing else {}
    after = {f: values.get(f) for f in FIELDS}
    if existing is None:
        existing = IndicatorValue(indicator=indicator, region=region, period=period)
    for name, value in after.items():
        setattr(existing, name, value)
    existing.source = source[:200]
    existing.entered_at = timezone.now()
    existing.entered_by = actor
    existing.is_synthetic = is_synthetic
    existing.save()
    audit.record(
        actor=actor,
        action="indicators.value_save",
        obj=existing,
        changes={"source": source, **audit.diff(before, after)},
    )
    return existing


def target_save(
    *,
    actor: User,
    indicator: Indicator,
    region: Region,
    year: int,
    value: Decimal,
    growth_pct: Decimal | None = None,
    is_synthetic: bool = False,
) -> Target:
    _require(may_manage(actor))
    if region.kind not in (RegionKind.CITY, RegionKind.DISTRICT):
        raise ValidationError("年度目标只为本市和县区设定")
    with transaction.atomic():
        target = (
            Target.objects.select_for_update()
            .filter(indicator=indicator, region=region, year=year)
            .first()
        )
        before = {"value": target.value, "growth_pct": target.growth_pct} if target else {}
        if target is None:
            target = Target(indicator=indicator, region=region, year=year)
        target.value, target.growth_pct = value, growth_pct
        target.set_at, target.set_by, target.is_synthetic = timezone.now(), actor, is_synthetic
        target.save()
        audit.record(
            actor=actor,
            action="indicators.target_save",
            obj=target,
            changes=audit.diff(before, {"value": value, "growth_pct": growth_pct}),
        )
    return target


def value_import_stage(
    *, actor: User, filename: str, rows: list[dict[str, Any]], errors: list[dict[str, Any]]
) -> ValueImport:
    _require(may_manage(actor))
    with transaction.atomic():
        staged = ValueImport.objects.create(
            filename=filename[:255], rows=rows, errors=errors, uploaded_by=actor
        )
        audit.record(
            actor=actor,
            action="indicators.import_upload",
            obj=staged,
            changes={"rows": len(rows), "errors": len(errors)},
        )
    return staged


def value_import_commit(*, actor: User, staged: ValueImport, good_rows_only: bool) -> int:
    """Write the staged rows. A file with errors writes nothing unless the user asked to
    commit the good rows (`good_rows_only`). One transaction; audited."""
    _require(may_manage(actor))
    if staged.committed_at is not None:
        raise ValidationError("该文件已导入")
    if staged.errors and not good_rows_only:
        raise ValidationError(
            f"文件有 {len(staged.errors)} 行错误，未导入任何数据；请修正后重新上传，"
            "或确认只导入无误的行"
        )
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    with transaction.atomic():
        count = 0
        for row in staged.rows:
            values = {f: _dec(row.get(f)) for f in FIELDS}
            _save(
                actor=actor,
                indicator=indicators[row["indicator"]],
                region=regions[row["region"]],
                period=dt.date.fromisoformat(row["period"]),
                values=values,
                source=f"导入：{staged.filename}",
                is_synthetic=False,
            )
            count += 1
        staged.committed_at, staged.committed_rows = timezone.now(), count
        staged.save(update_fields=["committed_at", "committed_rows"])
        audit.record(
            actor=actor,
            action="indicators.import_commit",
            obj=staged,
            changes={"rows": count, "skipped_errors": len(staged.errors)},
        )
    return count


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class OfficialRow:
    period: dt.date
    flow: str
    hs_code: str
    partner_code: str
    trade_mode: str
    value_usd: Decimal | None
    value_cny: Decimal | None


def official_import(
    *,
    actor: User | None,
    filename: str,
    data: bytes,
    flow: str,
    rows: Iterable[OfficialRow],
    rows_read: int,
    is_synthetic: bool = False,
) -> OfficialImport:
    """Replace the official series for the months and flow of the file with its rows (already
    aggregated by the importer). A re-import of the same file changes nothing."""
    if actor is not None:
        _require(may_manage(actor))
    items = list(rows)
    periods = sorted({r.period for r in items})
    with transaction.atomic():
        batch = OfficialImport.objects.create(
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            flow=flow,
            rows_read=rows_read,
            periods=[p.isoformat() for p in periods],
            imported_by=actor,
        )
        OfficialTrade.objects.filter(period__in=periods, flow=flow).delete()
        OfficialTrade.objects.bulk_create(
            [
                OfficialTrade(
                    period=r.period,
                    flow=r.flow,
                    hs_code=r.hs_code,
                    partner_code=r.partner_code,
                    trade_mode=r.trade_mode,
                    value_usd=r.value_usd,
                    value_cny=r.value_cny,
                    batch=batch,
                    is_synthetic=is_synthetic,
                )
                for r in items
            ],
            batch_size=2000,
        )
        audit.record(
            actor=actor,
            action="indicators.official_import",
            obj=batch,
            changes={"flow": flow, "periods": batch.periods, "rows": len(items)},
        )
        # the dashboards' official figures change: rebuilt by the worker once this commits
        jobs.defer_once("kaifang.indicators.dashboard.refill")
    return batch
