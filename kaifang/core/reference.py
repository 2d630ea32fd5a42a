"""Reference dictionaries as a whole: each one's size, for the 数据字典 overview page, and the
Chinese names of commodity codes as users read them (`hs_display_names`). (The importers read
the dictionaries they need as plain data through kaifang.trade.selectors.imports.import_lookups.)"""

from __future__ import annotations

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


HS_NO_CHINESE_NAME = "暂无中文名称"
# Above this many codes and prefixes, `hs_display_names` reads every name instead of a list.
HS_NAMES_LISTED = 1000


def _hs_ancestor_label(code: str) -> str:
    return f"第{int(code)}章" if len(code) == 2 else f"品目{code}" if len(code) == 4 else code


def hs_display_names(codes: Iterable[str]) -> dict[str, str]:
    """The Chinese name a user reads for each commodity code. A code the tariff source gives no
    Chinese title (most 4- and 6-digit headings) says so visibly and names the nearest level
    that has one: 「暂无中文名称（属第84章 核反应堆、锅炉、机器、机械器具及其零件）」. The
    English WCO description is never shown in its place."""
    wanted = {c for c in codes if c}
    prefixes = {c[:n] for c in wanted for n in (2, 4, 6) if len(c) > n}
    named = HSCode.objects.exclude(name_zh="")
    looked_up = wanted | prefixes
    if len(looked_up) > HS_NAMES_LISTED:
        # Every name (9,103 in the tariff): 7 ms, where the city's 5,692 codes and their
        # prefixes as an IN list took 80 ms, most of it Django preparing the list.
        names = dict(named.values_list("code", "name_zh"))
    else:
        names = dict(named.filter(code__in=looked_up).values_list("code", "name_zh"))
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
