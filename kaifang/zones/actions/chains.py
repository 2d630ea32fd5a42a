"""Writes of industry chains (产业链) and their segments (环节): add, edit, reorder, remove.
Only the bureau's city-wide editors may make them (permissions.can_edit_chains); each writes a
line on the chain's timeline and an audit record. Lock order: the chain, then its segments."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kaifang.core import audit
from kaifang.core.models import User
from kaifang.zones.actions import zone_event
from kaifang.zones.models import Chain, ChainSegment, Position
from kaifang.zones.permissions import CHAIN_EDITORS, can_edit_chains

SEGMENT_FIELDS = ("position", "name", "industry_codes", "hs_headings", "min_enterprises")
_INDUSTRY = re.compile(r"[A-T]|\d{2,4}")
_HS = re.compile(r"\d{2,6}")
_POSITION_ORDER = {p: i for i, p in enumerate(Position.values)}


def _require(actor: User | None) -> None:
    if actor is not None and not can_edit_chains(actor):
        raise PermissionDenied(f"只有{CHAIN_EDITORS}可以维护产业链。")


def _clean_codes(raw: str, pattern: re.Pattern[str], *, field: str, label: str) -> str:
    codes = ChainSegment._codes(raw.upper())
    bad = [c for c in codes if not pattern.fullmatch(c)]
    if bad:
        hint = "GB/T 4754 门类字母或 2–4 位数字" if field == "industry_codes" else "2–6 位数字"
        raise ValidationError({field: f"{label}“{'、'.join(bad)}”格式不对，应为{hint}。"})
    return ",".join(dict.fromkeys(codes))


def _clean_segment(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(SEGMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    out = dict(fields)
    if "name" in out:
        out["name"] = str(out["name"]).strip()
        if not out["name"]:
            raise ValidationError({"name": "请填写细分环节名称。"})
    if "position" in out and out["position"] not in Position.values:
        raise ValidationError({"position": "请选择上游、中游或下游。"})
    if "industry_codes" in out:
        out["industry_codes"] = _clean_codes(
            out["industry_codes"] or "", _INDUSTRY, field="industry_codes", label="行业代码"
        )
    if "hs_headings" in out:
        out["hs_headings"] = _clean_codes(
            out["hs_headings"] or "", _HS, field="hs_headings", label="HS 品目"
        )
    if "min_enterprises" in out and (out["min_enterprises"] or 0) < 1:
        raise ValidationError({"min_enterprises": "达标企业数至少为 1。"})
    return out


def _describe(segment: ChainSegment) -> str:
    return f"{segment.get_position_display()}·{segment.name}"


@transaction.atomic
def chain_create(*, actor: User | None, name: str, description: str = "") -> Chain:
    _require(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写产业链名称。"})
    if Chain.objects.filter(name=name).exists():
        raise ValidationError({"name": "已有同名产业链。"})
    last = Chain.objects.order_by("-order").values_list("order", flat=True).first() or 0
    chain = Chain.objects.create(name=name, description=description.strip(), order=last + 10)
    zone_event(chain=chain, kind="created", text=f"建立产业链“{name}”", actor=actor)
    audit.record(actor=actor, action="zones.chain.create", obj=chain, changes={"name": name})
    return chain


@transaction.atomic
def chain_update(*, actor: User, chain: Chain, name: str, description: str) -> Chain:
    _require(actor)
    chain = Chain.objects.select_for_update().get(pk=chain.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写产业链名称。"})
    if Chain.objects.filter(name=name).exclude(pk=chain.pk).exists():
        raise ValidationError({"name": "已有同名产业链。"})
    before = {"name": chain.name, "description": chain.description}
    chain.name, chain.description = name, description.strip()
    chain.save(update_fields=["name", "description"])
    changes = audit.diff(before, {"name": chain.name, "description": chain.description})
    if changes:
        zone_event(chain=chain, kind="edit", text="修改产业链信息", actor=actor)
        audit.record(actor=actor, action="zones.chain.update", obj=chain, changes=changes)
    return chain


def _renumber(chain: Chain) -> list[ChainSegment]:
    """Orders 10, 20, 30 … in the current order (positions first: 上游, 中游, 下游)."""
    segments = sorted(
        ChainSegment.objects.select_for_update().filter(chain=chain),
        key=lambda s: (_POSITION_ORDER.get(s.position, 9), s.order, s.pk),
    )
    for number, segment in enumerate(segments, start=1):
        if segment.order != number * 10:
            segment.order = number * 10
            segment.save(update_fields=["order"])
    return segments


@transaction.atomic
def segment_add(*, actor: User | None, chain: Chain, **fields: Any) -> ChainSegment:
    _require(actor)
    data = _clean_segment(fields)
    for required in ("position", "name"):
        if required not in data:
            raise ValidationError({required: "必填。"})
    chain = Chain.objects.select_for_update().get(pk=chain.pk)
    if chain.segments.filter(position=data["position"], name=data["name"]).exists():
        raise ValidationError({"name": "该产业链的同一环节下已有同名细分环节。"})
    segment = ChainSegment.objects.create(chain=chain, order=10_000, **data)
    _renumber(chain)
    segment.refresh_from_db()
    zone_event(chain=chain, kind="segment", text=f"新增环节：{_describe(segment)}", actor=actor)
    audit.record(
        actor=actor,
        action="zones.chain.segment_add",
        obj=chain,
        changes={"segment": _describe(segment)} | data,
    )
    return segment


@transaction.atomic
def segment_update(*, actor: User, segment: ChainSegment, **fields: Any) -> ChainSegment:
    _require(actor)
    data = _clean_segment(fields)
    chain = Chain.objects.select_for_update().get(pk=segment.chain_id)
    segment = ChainSegment.objects.select_for_update().get(pk=segment.pk)
    name, position = data.get("name", segment.name), data.get("position", segment.position)
    clash = chain.segments.filter(position=position, name=name).exclude(pk=segment.pk)
    if clash.exists():
        raise ValidationError({"name": "该产业链的同一环节下已有同名细分环节。"})
    before = {k: getattr(segment, k) for k in data}
    for key, value in data.items():
        setattr(segment, key, value)
    moved = "position" in data and before["position"] != segment.position
    if moved:
        segment.order = 10_000  # to the end of its new position
    segment.save()
    if moved:
        _renumber(chain)
        segment.refresh_from_db()
    changes = audit.diff(before, {k: getattr(segment, k) for k in data})
    if changes:
        zone_event(chain=chain, kind="segment", text=f"修改环节：{_describe(segment)}", actor=actor)
        audit.record(
            actor=actor,
            action="zones.chain.segment_update",
            obj=chain,
            changes={"segment": _describe(segment)} | changes,
        )
    return segment


@transaction.atomic
def segment_move(*, actor: User, segment: ChainSegment, up: bool) -> ChainSegment:
    """One place up or down within its position (上游/中游/下游)."""
    _require(actor)
    chain = Chain.objects.select_for_update().get(pk=segment.chain_id)
    ordered = [s for s in _renumber(chain) if s.position == segment.position]
    index = next(i for i, s in enumerate(ordered) if s.pk == segment.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(ordered):
        edge = "最前" if up else "最后"
        raise ValidationError(f"“{segment.name}”已在{segment.get_position_display()}的{edge}。")
    mine, other = ordered[index], ordered[other_index]
    mine.order, other.order = other.order, mine.order
    mine.save(update_fields=["order"])
    other.save(update_fields=["order"])
    zone_event(
        chain=chain,
        kind="segment",
        text=f"环节“{mine.name}”{'上移' if up else '下移'}到“{other.name}”之{'前' if up else '后'}",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.chain.segment_move",
        obj=chain,
        changes={"segment": _describe(mine), "direction": "up" if up else "down"},
    )
    return mine


@transaction.atomic
def segment_remove(*, actor: User, segment: ChainSegment) -> None:
    _require(actor)
    chain = Chain.objects.select_for_update().get(pk=segment.chain_id)
    described = _describe(segment)
    kept = {k: getattr(segment, k) for k in SEGMENT_FIELDS}
    segment.delete()
    _renumber(chain)
    zone_event(chain=chain, kind="segment", text=f"删除环节：{described}", actor=actor)
    audit.record(
        actor=actor,
        action="zones.chain.segment_remove",
        obj=chain,
        changes={"segment": described} | kept,
    )
