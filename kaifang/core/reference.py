"""Reference dictionaries as a whole: each one's size, for the 数据字典 overview page. (The
importers read the dictionaries they need as plain data through
kaifang.trade.selectors_import.import_lookups.)"""

from __future__ import annotations

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
