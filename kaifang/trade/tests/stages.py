"""The enterprise stage rollups (trade.models.STAGE_MODELS), the partner × heading, partner ×
trade mode, heading × trade mode, partner × heading × trade mode, commodity code and (district,
park) pair × partner × chapter rollups, and the 累计 kept of three of them, against a fresh
GROUP BY of the customs records: every path that changes the records must leave them equal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr

from kaifang.core.models import PartnerGroup
from kaifang.trade.dimensions import FIELDS, STAGES
from kaifang.trade.models import (
    STAGE_MODELS,
    CommodityRollup,
    CommodityYearToDateRollup,
    CustomsRecord,
    EnterprisePartnerYearToDateRollup,
    LiaisonCommodityRollup,
    ModeProductRollup,
    PartnerModeProductRollup,
    PartnerModeRollup,
    PartnerProductRollup,
    PlaceCommodityRollup,
    PlaceCommodityYearToDateRollup,
    PlacePartnerChapterRollup,
)

_PLACES = Decimal("0.0001")  # the stored precision; SQLite sums in binary floating point


def _exact(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(_PLACES)


# each stage's fields: those of trade/dimensions.py, and the partner group stage's group code
_FIELDS = {**STAGES, "group": ("partner_group",)}


def stage_tables() -> dict[str, list[tuple[Any, ...]]]:
    """Each stage table's rows: (enterprise id, period, flow, fields…, usd, cny, records)."""
    out = {}
    for stage, fields in _FIELDS.items():
        rows = STAGE_MODELS[stage].objects.values_list(
            "enterprise_id", "period", "flow", *fields, "value_usd", "value_cny", "rows"
        )
        out[stage] = sorted(((*r[:-3], _exact(r[-3]), _exact(r[-2]), r[-1]) for r in rows), key=str)
    return out


def stages_from_facts() -> dict[str, list[tuple[Any, ...]]]:
    """The same rows grouped straight from the customs records, through the ORM."""
    out = {}
    zero = Value(Decimal(0), output_field=DecimalField())
    for stage, fields in STAGES.items():
        keys = {}
        for name in fields:
            column = FIELDS[name].column
            width = FIELDS[name].width
            keys[f"k_{name}"] = F(column) if width is None else Substr(column, 1, width)
        rows = (
            CustomsRecord.objects.annotate(**keys)
            .values("enterprise_id", "period", "flow", *keys)
            .annotate(
                usd=Sum(Coalesce("value_usd", zero)),
                cny=Sum(Coalesce("value_cny", zero)),
                n=Count("id"),
            )
            .order_by()
        )
        out[stage] = _sorted_rows(rows, list(keys))
    # the partner group stage: each group's members' records (a partner in each of its groups)
    out["group"] = sorted(
        (
            row
            for group in PartnerGroup.objects.prefetch_related("members")
            for row in _sorted_rows(
                CustomsRecord.objects.filter(partner_code__in=[p.code for p in group.members.all()])
                .annotate(k_group=Value(group.code))
                .values("enterprise_id", "period", "flow", "k_group")
                .annotate(
                    usd=Sum(Coalesce("value_usd", zero)),
                    cny=Sum(Coalesce("value_cny", zero)),
                    n=Count("id"),
                )
                .order_by(),
                ["k_group"],
            )
        ),
        key=str,
    )
    return out


def _sorted_rows(rows: Any, keys: list[str]) -> list[tuple[Any, ...]]:
    """Grouped records as a stage table's rows, in stage_tables' order."""
    return sorted(
        (
            (
                r["enterprise_id"],
                r["period"],
                r["flow"],
                *(r[k] for k in keys),
                _exact(r["usd"]),
                _exact(r["cny"]),
                r["n"],
            )
            for r in rows
        ),
        key=str,
    )


# each city-wide rollup without the enterprise: its model, its key columns, and the same keys
# over a customs record (a column, or a prefix of one)
_CITY_ROLLUPS: list[tuple[Any, tuple[str, ...], dict[str, Any]]] = [
    (
        PartnerProductRollup,
        ("partner", "heading"),
        {"partner": F("partner_code"), "heading": Substr("hs_code", 1, 4)},
    ),
    (CommodityRollup, ("code",), {"code": Substr("hs_code", 1, 8)}),
    (
        PartnerModeRollup,
        ("partner", "mode"),
        {"partner": F("partner_code"), "mode": F("trade_mode")},
    ),
    (
        ModeProductRollup,
        ("heading", "mode"),
        {"heading": Substr("hs_code", 1, 4), "mode": F("trade_mode")},
    ),
    (
        PartnerModeProductRollup,
        ("partner", "heading", "mode"),
        {
            "partner": F("partner_code"),
            "heading": Substr("hs_code", 1, 4),
            "mode": F("trade_mode"),
        },
    ),
    (
        PlacePartnerChapterRollup,
        ("district_id", "park_id", "partner", "chapter", "mode"),
        {
            "district_id": Coalesce("enterprise__district_id", 0),
            "park_id": Coalesce("enterprise__park_id", 0),
            "partner": F("partner_code"),
            "chapter": Substr("hs_code", 1, 2),
            "mode": F("trade_mode"),
        },
    ),
    (
        PlaceCommodityRollup,
        ("district_id", "park_id", "code"),
        {
            "district_id": Coalesce("enterprise__district_id", 0),
            "park_id": Coalesce("enterprise__park_id", 0),
            "code": Substr("hs_code", 1, 8),
        },
    ),
]

# the liaison officer × pair × code rollup's keys over a customs record
_OFFICER_CODES = {
    "liaison_id": F("enterprise__liaison_id"),
    "district_id": Coalesce("enterprise__district_id", 0),
    "park_id": Coalesce("enterprise__park_id", 0),
    "code": Substr("hs_code", 1, 8),
}

# each 累计 rollup: its model, its key columns, the same keys over a customs record
_YEAR_TO_DATE_ROLLUPS: list[tuple[Any, tuple[str, ...], dict[str, Any]]] = [
    (
        EnterprisePartnerYearToDateRollup,
        ("enterprise_id", "partner"),
        {"enterprise_id": F("enterprise_id"), "partner": F("partner_code")},
    ),
    (CommodityYearToDateRollup, ("code",), {"code": Substr("hs_code", 1, 8)}),
    (
        PlaceCommodityYearToDateRollup,
        ("district_id", "park_id", "code"),
        {
            "district_id": Coalesce("enterprise__district_id", 0),
            "park_id": Coalesce("enterprise__park_id", 0),
            "code": Substr("hs_code", 1, 8),
        },
    ),
]


def year_to_date_from_facts(exprs: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A 累计 rollup's rows from the records: each key's sums from January to each month from
    its first month with records in that year through December."""
    summed: dict[tuple[Any, ...], list[Any]] = {}
    for period, flow, *rest in city_from_facts(exprs):
        *keys, usd, cny, n = rest
        for month in range(period.month, 13):
            at = (period.replace(month=month), flow, *keys)
            sums = summed.setdefault(at, [Decimal(0), Decimal(0), 0])
            sums[0] += usd
            sums[1] += cny
            sums[2] += n
    return sorted(((*k, v[0], v[1], v[2]) for k, v in summed.items()), key=str)


def city_table(model: Any, keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """A city-wide rollup's rows: (period, flow, keys…, usd, cny, records)."""
    rows = model.objects.values_list("period", "flow", *keys, "value_usd", "value_cny", "rows")
    return sorted(((*r[:-3], _exact(r[-3]), _exact(r[-2]), r[-1]) for r in rows), key=str)


def city_from_facts(exprs: dict[str, Any], only: Q | None = None) -> list[tuple[Any, ...]]:
    """The same rows grouped straight from the customs records (`only`: those matching it),
    through the ORM."""
    zero = Value(Decimal(0), output_field=DecimalField())
    named = {f"k_{name}": expr for name, expr in exprs.items()}
    rows = (
        CustomsRecord.objects.filter(only or Q())
        .annotate(**named)
        .values("period", "flow", *named)
        .annotate(
            usd=Sum(Coalesce("value_usd", zero)),
            cny=Sum(Coalesce("value_cny", zero)),
            n=Count("id"),
        )
        .order_by()
    )
    return sorted(
        (
            (
                r["period"],
                r["flow"],
                *(r[k] for k in named),
                _exact(r["usd"]),
                _exact(r["cny"]),
                r["n"],
            )
            for r in rows
        ),
        key=str,
    )


def assert_stages_equal_the_facts() -> None:
    tables = stage_tables()
    assert tables == stages_from_facts()
    assert any(tables.values())  # a comparison of two empty sets proves nothing
    for model, keys, exprs in _CITY_ROLLUPS:
        assert city_table(model, keys) == city_from_facts(exprs), model.__name__
    for model, keys, exprs in _YEAR_TO_DATE_ROLLUPS:
        assert city_table(model, keys) == year_to_date_from_facts(exprs), model.__name__
    # a liaison officer's codes: the records of the firms that have one
    officers = city_from_facts(_OFFICER_CODES, Q(enterprise__liaison__isnull=False))
    assert city_table(LiaisonCommodityRollup, tuple(_OFFICER_CODES)) == officers
