"""Writes of risk exposure: the watch list, scenarios and their product lists, and the one
step that turns a scenario's result into visits for liaison officers. Each write is one
transaction with its scenario event and audit entry."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from kaifang.core import audit, notifications
from kaifang.core.models import Partner, PartnerGroup, User
from kaifang.enterprises.events import enterprise_event
from kaifang.enterprises.models import Enterprise
from kaifang.risk.importers.tariff_list import TariffLine
from kaifang.risk.models import (
    FollowUp,
    FollowUpStatus,
    Scenario,
    ScenarioEvent,
    ScenarioProduct,
    WatchEntry,
)
from kaifang.risk.selectors import EnterpriseExposure

SCENARIO_FIELDS = (
    "name",
    "description",
    "flow",
    "shock",
    "tariff_pp",
    "elasticity",
    "share_lost_pct",
    "months",
    "until",
    "currency",
)


def scenario_event(
    *,
    scenario: Scenario,
    kind: str,
    text: str,
    actor: User | None = None,
    payload: dict[str, Any] | None = None,
) -> ScenarioEvent:
    return ScenarioEvent.objects.create(
        scenario=scenario,
        kind=kind,
        text=text[:500],
        actor=actor if actor is not None and actor.pk else None,
        payload=payload or {},
    )


# --- watch list ------------------------------------------------------------------------------


@transaction.atomic
def watch_entry_save(
    *,
    actor: User,
    partner: Partner,
    level: str,
    note: str = "",
    since: dt.date,
    is_synthetic: bool = False,
) -> WatchEntry:
    """Put a partner on the watch list, or change its level and note."""
    entry = WatchEntry.objects.select_for_update().filter(partner=partner).first()
    before = {} if entry is None else {"level": entry.level, "note": entry.note, "since": since}
    if entry is None:
        entry = WatchEntry(partner=partner)
    entry.level, entry.note, entry.since = level, note.strip(), since
    entry.updated_by = actor
    entry.is_synthetic = is_synthetic
    entry.save()
    after = {"level": level, "note": entry.note, "since": since}
    audit.record(
        actor=actor,
        action="watch_entry.update" if before else "watch_entry.create",
        obj=entry,
        changes=audit.diff(before, after) if before else after,
    )
    return entry


@transaction.atomic
def watch_entry_delete(*, actor: User, entry: WatchEntry) -> None:
    audit.record(actor=actor, action="watch_entry.delete", obj=entry, changes={})
    entry.delete()


# --- scenarios ---------------------------------------------------------------------------------


def _check_terms(data: dict[str, Any]) -> None:
    if not data.get("name", "").strip():
        raise ValidationError({"name": "请填写情景名称。"})


@transaction.atomic
def scenario_create(
    *,
    actor: User,
    partners: Sequence[Partner] = (),
    partner_groups: Sequence[PartnerGroup] = (),
    hs_codes: Sequence[str] = (),
    is_synthetic: bool = False,
    **terms: Any,
) -> Scenario:
    _check_terms(terms)
    scenario = Scenario(
        unit=actor.unit,
        created_by=actor,
        is_synthetic=is_synthetic,
        **{k: v for k, v in terms.items() if k in SCENARIO_FIELDS},
    )
    scenario.full_clean()
    scenario.save()
    scenario.partners.set(partners)
    scenario.partner_groups.set(partner_groups)
    if hs_codes:
        _replace_products(
            scenario, [TariffLine(i + 1, c, None, "") for i, c in enumerate(hs_codes)]
        )
    scenario_event(scenario=scenario, kind="create", text="创建情景", actor=actor)
    audit.record(actor=actor, action="scenario.create", obj=scenario, changes=_terms(scenario))
    return scenario


def _terms(scenario: Scenario) -> dict[str, Any]:
    return {
        **{name: getattr(scenario, name) for name in SCENARIO_FIELDS},
        "partners": sorted(scenario.partners.values_list("code", flat=True)),
        "partner_groups": sorted(scenario.partner_groups.values_list("code", flat=True)),
        "hs_codes": list(scenario.products.values_list("hs_code", flat=True)),
    }


@transaction.atomic
def scenario_update(
    *,
    actor: User,
    scenario: Scenario,
    partners: Sequence[Partner] = (),
    partner_groups: Sequence[PartnerGroup] = (),
    hs_codes: Sequence[str] | None = None,
    **terms: Any,
) -> Scenario:
    _check_terms(terms)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    before = _terms(scenario)
    for name, value in terms.items():
        if name in SCENARIO_FIELDS:
            setattr(scenario, name, value)
    scenario.full_clean()
    scenario.save()
    scenario.partners.set(partners)
    scenario.partner_groups.set(partner_groups)
    if hs_codes is not None and list(hs_codes) != before["hs_codes"]:
        rates = {p.hs_code: p for p in scenario.products.all()}
        _replace_products(
            scenario,
            [
                TariffLine(
                    i + 1,
                    code,
                    rates[code].rate_pp if code in rates else None,
                    rates[code].note if code in rates else "",
                )
                for i, code in enumerate(hs_codes)
            ],
        )
    changes = audit.diff(before, _terms(scenario))
    scenario_event(
        scenario=scenario, kind="update", text="修改情景条件", actor=actor, payload=changes
    )
    audit.record(actor=actor, action="scenario.update", obj=scenario, changes=changes)
    return scenario


def _replace_products(scenario: Scenario, lines: Sequence[TariffLine]) -> int:
    scenario.products.all().delete()
    seen: set[str] = set()
    rows = []
    for line in lines:
        if line.hs_code in seen:
            continue
        seen.add(line.hs_code)
        rows.append(
            ScenarioProduct(
                scenario=scenario,
                line=line.row,
                hs_code=line.hs_code,
                rate_pp=line.rate_pp,
                note=line.note[:200],
            )
        )
    ScenarioProduct.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def scenario_import_products(
    *, actor: User, scenario: Scenario, lines: Sequence[TariffLine], filename: str
) -> int:
    """Replace the scenario's products with the lines of a published tariff list."""
    if not lines:
        raise ValidationError("清单中没有可用的商品编码。")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    count = _replace_products(scenario, lines)
    scenario.save(update_fields=["updated_at"])
    scenario_event(
        scenario=scenario,
        kind="import",
        text=f"导入商品清单《{filename}》，{count} 个编码",
        actor=actor,
        payload={"filename": filename, "lines": count},
    )
    audit.record(
        actor=actor,
        action="scenario.import_products",
        obj=scenario,
        changes={"filename": filename, "lines": count},
    )
    return count


@transaction.atomic
def scenario_delete(*, actor: User, scenario: Scenario) -> None:
    audit.record(actor=actor, action="scenario.delete", obj=scenario, changes=_terms(scenario))
    scenario.delete()


def scenario_export_recorded(*, actor: User, scenario: Scenario, kind: str) -> None:
    """An export leaves the system: audited, and kept on the scenario's record."""
    label = {"xlsx": "导出 Excel", "docx": "导出领导简报（Word）"}.get(kind, kind)
    with transaction.atomic():
        scenario_event(scenario=scenario, kind=f"export.{kind}", text=label, actor=actor)
        audit.record(actor=actor, action=f"export.risk_scenario_{kind}", obj=scenario)


# --- follow-up visits ------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpOutcome:
    created: int
    existing: int
    without_liaison: list[str]
    notified: int


@transaction.atomic
def follow_ups_create(
    *,
    actor: User,
    scenario: Scenario,
    exposed: Sequence[EnterpriseExposure],
    top: int,
    currency: str,
) -> FollowUpOutcome:
    """One visit task per enterprise among the `top` most exposed (as the actor sees them),
    for its liaison officer; enterprises already sent for this scenario are left as they are
    (idempotent); each officer with new tasks gets one notification."""
    if top < 1:
        raise ValidationError("请选择要派发走访的企业数量。")
    chosen = list(exposed[:top])
    liaisons = {
        e.pk: e.liaison
        for e in Enterprise.objects.filter(pk__in=[c.enterprise_id for c in chosen]).select_related(
            "liaison"
        )
    }
    existing = set(
        FollowUp.objects.filter(scenario=scenario, enterprise_id__in=liaisons).values_list(
            "enterprise_id", flat=True
        )
    )
    created: list[FollowUp] = []
    without: list[str] = []
    for rank, row in enumerate(chosen, start=1):
        liaison = liaisons.get(row.enterprise_id)
        if row.enterprise_id in existing:
            continue
        if liaison is None or not liaison.is_active:
            without.append(row.name)
            continue
        follow_up = FollowUp.objects.create(
            scenario=scenario,
            enterprise_id=row.enterprise_id,
            liaison=liaison,
            rank=rank,
            exposed=row.exposed,
            currency=currency,
            created_by=actor,
        )
        created.append(follow_up)
        enterprise_event(
            enterprise=follow_up.enterprise,
            kind="risk.follow_up",
            text=f"风险情景“{scenario.name}”：请包联干部{liaison.display_name}走访",
            actor=actor,
            payload={"scenario": scenario.pk, "follow_up": follow_up.pk},
        )
    by_liaison: dict[int, list[FollowUp]] = defaultdict(list)
    for follow_up in created:
        by_liaison[follow_up.liaison_id].append(follow_up)
    notified = 0
    for items in by_liaison.values():
        officer = items[0].liaison
        names = "、".join(f.enterprise.name for f in items[:5])
        more = f"等 {len(items)} 家企业" if len(items) > 5 else ""
        notifications.notify(
            recipients=[officer],
            title=f"风险走访任务：{scenario.name}",
            body=f"受“{scenario.name}”影响较大，请尽快走访：{names}{more}。走访后在企业服务中登记走访记录。",
            url=reverse("risk:my_follow_ups"),
            category="risk",
        )
        notified += 1
    text = f"向包联干部派发走访任务 {len(created)} 项（前 {top} 家企业）"
    if existing:
        text += f"，{len(existing)} 家此前已派发"
    if without:
        text += f"，{len(without)} 家无包联干部"
    scenario_event(
        scenario=scenario,
        kind="follow_ups",
        text=text,
        actor=actor,
        payload={
            "top": top,
            "created": [f.enterprise_id for f in created],
            "without_liaison": without,
        },
    )
    audit.record(
        actor=actor,
        action="scenario.follow_ups",
        obj=scenario,
        changes={"top": top, "created": len(created), "existing": len(existing)},
    )
    return FollowUpOutcome(
        created=len(created), existing=len(existing), without_liaison=without, notified=notified
    )


def follow_ups_mark_visited(*, enterprise_id: int, visit_event_id: int, at: dt.datetime) -> int:
    """A visit to the enterprise was recorded at `at`: its open follow-ups created before
    then are done. Idempotent (visited ones stay as they were)."""
    with transaction.atomic():
        open_ones = list(
            FollowUp.objects.select_for_update().filter(
                enterprise_id=enterprise_id, status=FollowUpStatus.OPEN, created_at__lte=at
            )
        )
        for follow_up in open_ones:
            follow_up.status = FollowUpStatus.VISITED
            follow_up.visited_at = at
            follow_up.visit_event_id = visit_event_id
            follow_up.save(update_fields=["status", "visited_at", "visit_event_id"])
            scenario_event(
                scenario=follow_up.scenario,
                kind="visited",
                text=f"{follow_up.enterprise.name} 已走访",
                payload={"follow_up": follow_up.pk, "event": visit_event_id},
            )
        if open_ones:
            audit.record(
                actor=None,
                action="risk_follow_up.visited",
                object_type="enterprises.enterprise",
                object_repr=str(enterprise_id),
                changes={"follow_ups": [f.pk for f in open_ones], "event": visit_event_id},
            )
    return len(open_ones)
