"""Load the reference data (数据字典) from the CSV files shipped in `reference_data/`.

Idempotent: rows are matched by code; new codes are created, changed names are written back,
codes no longer shipped are marked inactive (never deleted: trade records may point at them).
Administrators' additions survive: partner aliases are merged, and partner groups keep the
members an administrator chose unless `reset_groups` asks for the shipped definition."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction

from kaifang.core import audit
from kaifang.core.models import (
    AdminDivision,
    HSCode,
    Industry,
    Partner,
    PartnerGroup,
    RegistrationProvince,
    SupervisionMode,
    TradeMode,
    User,
)

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
BATCH = 500
CHINA = "142"

INDUSTRY_LEVELS = {"section": 1, "division": 2, "group": 3, "class": 4}


@dataclass
class SyncResult:
    label: str
    total: int = 0
    created: int = 0
    updated: int = 0
    deactivated: int = 0

    def line(self) -> str:
        return (
            f"{self.label}: {self.total} 条 rows (新增 created {self.created}, "
            f"更新 updated {self.updated}, 停用 deactivated {self.deactivated})"
        )


def read_csv(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _sync(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    label: str,
    fields: list[str],
    tree: bool = False,
) -> SyncResult:
    """Upsert `rows` (each with "code" and `fields`) by code; rows no longer shipped are
    marked inactive. With `tree`, rows carry "level" and "parent_code"; they are written level
    by level so that each parent has its id before its children."""
    result = SyncResult(label=label)
    manager = model._default_manager
    existing: dict[str, Any] = {obj.code: obj for obj in manager.all()}  # type: ignore[attr-defined]
    ids = {code: obj.pk for code, obj in existing.items()}
    columns = [*fields, "parent_id"] if tree else list(fields)
    to_update: list[models.Model] = []
    seen: set[str] = set()
    pending: list[models.Model] = []
    pending_level: object = None
    if tree:
        rows = sorted(rows, key=lambda r: int(r["level"]))
    for row in rows:
        if tree:
            if row["level"] != pending_level:
                _create(manager, pending, ids)
                result.created += len(pending)
                pending, pending_level = [], row["level"]
            row = {**row, "parent_id": ids.get(row["parent_code"]) if row["parent_code"] else None}
        code = row["code"]
        seen.add(code)
        obj = existing.get(code)
        if obj is None:
            pending.append(model(code=code, is_active=True, **{f: row[f] for f in columns}))
            continue
        changed = not obj.is_active
        obj.is_active = True
        for field in columns:
            if getattr(obj, field) != row[field]:
                setattr(obj, field, row[field])
                changed = True
        if changed:
            to_update.append(obj)
    _create(manager, pending, ids)
    result.created += len(pending)
    for code, obj in existing.items():
        if code not in seen and obj.is_active:
            obj.is_active = False
            to_update.append(obj)
            result.deactivated += 1
    manager.bulk_update(to_update, [*columns, "is_active"], batch_size=BATCH)
    result.updated = len(to_update) - result.deactivated
    result.total = len(seen)
    return result


def _create(manager: Any, objs: list[models.Model], ids: dict[str, int]) -> None:
    """Insert new rows; bulk_create returns primary keys on SQLite and PostgreSQL."""
    for obj in manager.bulk_create(objs, batch_size=BATCH):
        ids[obj.code] = obj.pk


def load_industries() -> SyncResult:
    rows = [
        {
            "code": r["code"],
            "name": r["name"],
            "level": INDUSTRY_LEVELS[r["level"]],
            "section_code": r["section_code"],
            "parent_code": r["parent_code"],
        }
        for r in read_csv("gbt4754_2017_industry.csv")
    ]
    return _sync(
        Industry,
        rows,
        label="国民经济行业分类 Industry",
        fields=["name", "level", "section_code"],
        tree=True,
    )


def load_partners() -> SyncResult:
    rows = [
        {
            "code": r["code"],
            "name_zh": r["name_zh_official"],
            "name_en": r["name_en_official"],
            "name_zh_clean": r["name_zh_chinautils_clean"],
            "name_en_clean": r["name_en_chinautils_clean"],
            "iso3": r["iso3_derived"],
            "iso2": r["iso2_derived"],
            "iso_match_method": r["iso_match_method"],
            "continent": r["code"][0],
        }
        for r in read_csv("customs_trade_partners.csv")
    ]
    fields = [
        "name_zh",
        "name_en",
        "name_zh_clean",
        "name_en_clean",
        "iso3",
        "iso2",
        "iso_match_method",
        "continent",
    ]
    result = _sync(Partner, rows, label="贸易伙伴 Partner", fields=fields)
    _merge_partner_aliases()
    return result


def _merge_partner_aliases() -> None:
    """Add the shipped aliases to each partner, keeping any an administrator added."""
    shipped = {
        r["code"]: [a.strip() for a in r["aliases"].split("、") if a.strip()]
        for r in read_csv("partner_aliases.csv")
    }
    to_update = []
    for partner in Partner.objects.filter(code__in=shipped):
        current = partner.alias_list()
        merged = current + [a for a in shipped[partner.code] if a not in current]
        if merged != current:
            partner.aliases = "、".join(merged)
            to_update.append(partner)
    Partner.objects.bulk_update(to_update, ["aliases"])


def load_partner_groups(*, reset: bool = False) -> SyncResult:
    """Create the shipped groups; existing ones are left as administrators edited them
    unless `reset`. China is never a member (see PartnerGroup)."""
    result = SyncResult(label="国别分组 PartnerGroup")
    definitions = json.loads((DATA_DIR / "partner_groups.json").read_text(encoding="utf-8"))
    partners = list(Partner.objects.exclude(code=CHINA))
    by_iso3 = {p.iso3: p for p in partners if p.iso3}
    by_code = {p.code: p for p in partners}
    existing = {g.code: g for g in PartnerGroup.objects.all()}
    for spec in definitions:
        result.total += 1
        group = existing.get(spec["code"])
        if group is not None and not reset:
            continue
        if "members" in spec:
            members = [by_iso3[iso3] for iso3 in spec["members"]]
        elif "members_by_customs_code" in spec:
            members = [by_code[code] for code in spec["members_by_customs_code"]]
        else:
            prefix = spec["members_by_code_prefix"]
            members = [p for p in partners if p.code.startswith(prefix)]
        values = {
            "name": spec["name"],
            "description": spec["description"],
            "source": spec["source"],
            "order": spec["order"],
        }
        if group is None:
            group = PartnerGroup.objects.create(code=spec["code"], **values)
            result.created += 1
        else:
            for key, value in values.items():
                setattr(group, key, value)
            group.is_active = True
            group.save()
            result.updated += 1
        group.members.set(members)
    return result


def _hs_rows() -> Iterator[dict[str, Any]]:
    def node(code: str, level: int, parent: str, section: str, name_en: str) -> dict[str, Any]:
        return {
            "code": code,
            "level": level,
            "parent_code": parent,
            "section": section,
            "name_zh": "",
            "name_en": name_en.strip(),
            "unit1": "",
            "unit2": "",
        }

    # Chinese titles of the customs tariff's chapters and of the headings a public source
    # carries (SOURCES.md); a heading without one is shown with its chapter (hs_display_names).
    chapters_zh = {r["chapter"]: r["name_zh"].strip() for r in read_csv("hs_chapters_zh.csv")}
    headings_zh = {r["heading"]: r["name_zh"].strip() for r in read_csv("hs_headings_zh.csv")}
    for r in read_csv("hs2022_sections_en.csv"):
        yield node(r["section"], 1, "", r["section"], r["name_en"])
    for r in read_csv("hs2022_chapters_en.csv"):
        row = node(r["chapter"], 2, r["section"], r["section"], r["name_en"])
        yield {**row, "name_zh": chapters_zh.get(r["chapter"], "")}
    for r in read_csv("hs2022_headings_en.csv"):
        row = node(r["heading"], 3, r["chapter"], r["section"], r["name_en"])
        yield {**row, "name_zh": headings_zh.get(r["heading"], "")}
    sections = {}
    for r in read_csv("hs2022_subheadings_en.csv"):
        sections[r["subheading"]] = r["section"]
        yield node(r["subheading"], 4, r["heading"], r["section"], r["name_en"])
    for r in read_csv("china_customs_hs8_2023.csv"):
        code = r["hs8"]
        # Chapters 98/99 are China's own, with no HS 2022 parent: no parent, no section.
        section = sections.get(code[:6], "")
        yield {
            **node(code, 5, code[:6] if section else "", section, r["name_en"]),
            "name_zh": r["name_zh"].strip(),
            "unit1": r["unit1_zh"],
            "unit2": r["unit2_zh"],
        }


def load_hs_codes() -> SyncResult:
    return _sync(
        HSCode,
        _hs_rows(),
        label="商品编码 HSCode",
        fields=["level", "name_zh", "name_en", "section", "unit1", "unit2"],
        tree=True,
    )


def load_trade_modes() -> list[SyncResult]:
    stats = _sync(
        TradeMode,
        (
            {"code": r["code"], "name_zh": r["name_zh"], "name_en": r["name_en"]}
            for r in read_csv("customs_stats_trade_modes.csv")
        ),
        label="贸易方式 TradeMode",
        fields=["name_zh", "name_en"],
    )
    mode_ids = dict(TradeMode.objects.values_list("code", "pk"))
    # Rule: a 监管方式 code's last two digits are its customs statistics code; when they are
    # one of the statistics trade modes, that is its mode (0110→10, 0615→15, 4019→19).
    rows = [
        {
            "code": r["code_4digit"],
            "name_zh": r["name_zh"],
            "trade_mode_id": mode_ids.get(r["code_4digit"][2:]),
        }
        for r in read_csv("customs_supervision_modes_legacy_4digit.csv")
    ]
    supervision = _sync(
        SupervisionMode,
        rows,
        label="监管方式 SupervisionMode",
        fields=["name_zh", "trade_mode_id"],
    )
    return [stats, supervision]


def _division_rows() -> Iterator[dict[str, Any]]:
    for r in read_csv("admin_divisions_provinces.csv"):
        yield {
            "code": r["code"],
            "name": r["name"],
            "level": 1,
            "province_code": r["code"],
            "parent_code": "",
        }
    for r in read_csv("admin_divisions_prefectures.csv"):
        yield {
            "code": r["code"],
            "name": r["name"],
            "level": 2,
            "province_code": r["province_code"],
            "parent_code": r["province_code"],
        }
    for r in read_csv("admin_divisions_counties.csv"):
        yield {
            "code": r["code"],
            "name": r["name"],
            "level": 3,
            "province_code": r["province_code"],
            "parent_code": r["prefecture_code"],
        }


def load_admin_divisions() -> SyncResult:
    return _sync(
        AdminDivision,
        _division_rows(),
        label="行政区划 AdminDivision",
        fields=["name", "level", "province_code"],
        tree=True,
    )


def load_registration_provinces() -> SyncResult:
    return _sync(
        RegistrationProvince,
        (
            {"code": r["code"], "name_zh": r["name_zh"]}
            for r in read_csv("customs_stats_registration_provinces.csv")
        ),
        label="海关注册地 RegistrationProvince",
        fields=["name_zh"],
    )


def reference_load(*, actor: User | None = None, reset_groups: bool = False) -> list[SyncResult]:
    """Load every dictionary in one transaction and write one audit entry."""
    with transaction.atomic():
        results = [
            load_industries(),
            load_partners(),
            load_partner_groups(reset=reset_groups),
            load_hs_codes(),
            *load_trade_modes(),
            load_admin_divisions(),
            load_registration_provinces(),
        ]
        audit.record(
            actor=actor,
            action="reference.load",
            object_type="core.reference",
            object_repr="数据字典",
            changes={
                r.label: {
                    "total": r.total,
                    "created": r.created,
                    "updated": r.updated,
                    "deactivated": r.deactivated,
                }
                for r in results
            },
        )
    return results
