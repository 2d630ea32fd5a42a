"""Reference lookups for importers and analyses. Every function returns plain dicts (or sets),
so a pure importer can be handed a lookup table without touching the ORM.

Partner names in real files vary (中国香港 / 香港 / 香港特别行政区, 韩国 / 大韩民国, 刚果(布) /
刚果（布）): `partner_name_table()` maps every variant to one partner, built from the official
name, the cleaned name and the aliases, plus the variants derived by `name_variants()`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Count

from kaifang.core.models import (
    AdminDivision,
    HSCode,
    Industry,
    Partner,
    PartnerGroup,
    RegistrationProvince,
    SupervisionMode,
    TradeMode,
)

PartnerDict = dict[str, Any]

_PAREN = str.maketrans({"（": "(", "）": ")", "　": ""})
_SUFFIXES = ("联邦民主共和国", "共和国", "联邦", "城国")


def normalize_name(name: str) -> str:
    """The comparable form of a name: half-width brackets, no spaces."""
    return re.sub(r"\s+", "", name.translate(_PAREN))


def name_variants(name: str) -> set[str]:
    """A Chinese partner name and the short forms people write for it."""
    base = normalize_name(name)
    if not base:
        return set()
    variants = {base}
    if re.fullmatch(r"中国(香港|澳门|台湾)", base):
        variants.add(base[2:])
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            variants.add(base[: -len(suffix)])
    if base.startswith("多民族") and base.endswith("国"):
        variants.add(base[3:-1])
    bracket = re.fullmatch(r"(.+)\((.+)\)", base)
    if bracket:  # 刚果(布) → 刚果布; 塞卜泰(休达) → 休达
        variants.add(bracket.group(1) + bracket.group(2))
        variants.add(bracket.group(2))
    return variants


def _partner_dict(partner: Partner) -> PartnerDict:
    return {
        "code": partner.code,
        "name_zh": partner.name_zh,
        "name_en": partner.name_en_clean or partner.name_en,
        "iso3": partner.iso3,
        "iso2": partner.iso2,
        "continent": partner.get_continent_display(),
        "is_active": partner.is_active,
    }


def partner_table() -> dict[str, PartnerDict]:
    """Every partner by its 3-digit customs code."""
    return {p.code: _partner_dict(p) for p in Partner.objects.all()}


def partner_by_code(code: str) -> PartnerDict | None:
    partner = Partner.objects.filter(code=code.strip().zfill(3)).first()
    return _partner_dict(partner) if partner else None


def partner_name_table() -> dict[str, PartnerDict]:
    """Every name variant → partner. A variant claimed by two partners is left out: a wrong
    guess would put trade under the wrong country."""
    claims: dict[str, set[str]] = {}
    partners = {p.code: p for p in Partner.objects.all()}
    for partner in partners.values():
        for name in [partner.name_zh, partner.name_zh_clean, *partner.alias_list()]:
            for variant in name_variants(name):
                claims.setdefault(variant, set()).add(partner.code)
    return {
        variant: _partner_dict(partners[next(iter(codes))])
        for variant, codes in claims.items()
        if len(codes) == 1
    }


def partner_by_name(name: str) -> PartnerDict | None:
    return partner_name_table().get(normalize_name(name))


def partner_group_table() -> dict[str, dict[str, Any]]:
    """Active groups by code, each with its members' customs codes."""
    groups = PartnerGroup.objects.filter(is_active=True).prefetch_related("members")
    return {
        g.code: {
            "code": g.code,
            "name": g.name,
            "members": sorted(p.code for p in g.members.all()),
        }
        for g in groups
    }


def trade_mode_table() -> dict[str, dict[str, Any]]:
    """Lookup keys → statistics trade mode: the 2-digit code, the 4-digit 监管方式 code (also
    without its leading zero, as some files store it), and the Chinese names of both.
    A 监管方式 without a statistics mode maps to a dict whose "code" is None."""
    table: dict[str, dict[str, Any]] = {}
    for mode in TradeMode.objects.all():
        entry: dict[str, Any] = {
            "code": mode.code,
            "name_zh": mode.name_zh,
            "name_en": mode.name_en,
            "supervision_code": None,
            "supervision_name": None,
        }
        table[mode.code] = entry
        table[normalize_name(mode.name_zh)] = entry
        if mode.name_zh.endswith("贸易") and len(mode.name_zh) > 4:
            table.setdefault(normalize_name(mode.name_zh[:-2]), entry)  # 来料加工贸易 → 来料加工
    for sup in SupervisionMode.objects.select_related("trade_mode"):
        mapped = sup.trade_mode
        entry = {
            "code": mapped.code if mapped else None,
            "name_zh": mapped.name_zh if mapped else None,
            "name_en": mapped.name_en if mapped else None,
            "supervision_code": sup.code,
            "supervision_name": sup.name_zh,
        }
        table[sup.code] = entry
        table.setdefault(sup.code.lstrip("0"), entry)
        table.setdefault(normalize_name(sup.name_zh), entry)
    return table


def trade_mode_lookup(value: str) -> dict[str, Any] | None:
    """A trade mode by 2-digit code, 4-digit 监管方式 code or name."""
    return trade_mode_table().get(normalize_name(str(value)))


def hs_code_set() -> frozenset[str]:
    """Every valid numeric commodity code (2, 4, 6 and 8 digits)."""
    codes = HSCode.objects.filter(is_active=True).exclude(level=HSCode.Level.SECTION)
    return frozenset(codes.values_list("code", flat=True))


def hs_code_valid(code: str) -> bool:
    code = code.strip()
    return code.isdigit() and HSCode.objects.filter(code=code, is_active=True).exists()


HS_NO_CHINESE_NAME = "暂无中文名称"


def _hs_ancestor_label(code: str) -> str:
    return f"第{int(code)}章" if len(code) == 2 else f"品目{code}" if len(code) == 4 else code


def hs_display_names(codes: Iterable[str]) -> dict[str, str]:
    """The Chinese name a user reads for each commodity code. A code the tariff source gives no
    Chinese title (most 4- and 6-digit headings) says so visibly and names the nearest level
    that has one: 「暂无中文名称（属第84章 核反应堆、锅炉、机器、机械器具及其零件）」. The
    English WCO description is never shown in its place."""
    wanted = {c for c in codes if c}
    prefixes = {c[:n] for c in wanted for n in (2, 4, 6) if len(c) > n}
    names = dict(
        HSCode.objects.filter(code__in=wanted | prefixes)
        .exclude(name_zh="")
        .values_list("code", "name_zh")
    )
    shown: dict[str, str] = {}
    for code in wanted:
        if code in names:
            shown[code] = names[code]
            continue
        ancestor = next((code[:n] for n in (6, 4, 2) if len(code) > n and code[:n] in names), None)
        shown[code] = (
            f"{HS_NO_CHINESE_NAME}（属{_hs_ancestor_label(ancestor)} {names[ancestor]}）"
            if ancestor
            else HS_NO_CHINESE_NAME
        )
    return shown


def hs_code_info(code: str) -> dict[str, Any] | None:
    node = HSCode.objects.filter(code=code.strip()).first()
    if node is None:
        return None
    return {
        "code": node.code,
        "level": node.level,
        "name": hs_display_names([node.code])[node.code],
        "name_zh": node.name_zh,
        "name_en": node.name_en,
        "section": node.section,
        "chapter": node.code[:2] if node.level >= HSCode.Level.CHAPTER else "",
        "is_active": node.is_active,
    }


def industry_table() -> dict[str, dict[str, Any]]:
    """Every GB/T 4754 node by code."""
    return {
        i.code: {"code": i.code, "name": i.name, "level": i.level, "section": i.section_code}
        for i in Industry.objects.all()
    }


def dictionary_counts() -> list[dict[str, Any]]:
    """Each dictionary with its row count, for the 数据字典 overview page."""
    models: list[Any] = [
        Industry,
        Partner,
        PartnerGroup,
        HSCode,
        TradeMode,
        SupervisionMode,
        AdminDivision,
        RegistrationProvince,
    ]
    rows = []
    for model in models:
        meta = model._meta
        rows.append(
            {
                "name": meta.verbose_name_plural,
                "count": model.objects.count(),
                "active": model.objects.filter(is_active=True).count(),
                "admin_url_name": f"admin:{meta.app_label}_{meta.model_name}_changelist",
                "levels": _level_counts(model),
            }
        )
    return rows


def _level_counts(model: Any) -> list[tuple[str, int]]:
    if not hasattr(model, "Level"):
        return []
    labels = dict(model.Level.choices)
    counts = model.objects.values("level").annotate(n=Count("pk")).order_by("level")
    return [(labels[row["level"]], row["n"]) for row in counts]
