"""The enterprise stage rollups (trade.models.STAGE_MODELS), the partner × heading, partner ×
trade mode, heading × trade mode and commodity code rollups against a fresh GROUP BY of the
customs records: every path that changes the records must leave them equal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce, Substr

from kaifang.trade.dimensions import FIELDS, STAGES
from kaifang.trade.models import (
    STAGE_MODELS,
    CommodityRollup,
    CustomsRecord,
    ModeProductRollup,
    PartnerModeRollup,
    PartnerProductRollup,
)

_PLACES = Decimal("0.0001")  # the stored precision; SQLite sums in binary floating point


def _exact(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(_PLACES)


def stage_tables() -> dict[str, list[tuple[Any, ...]]]:
    """Each stage table's rows: (enterprise id, period, flow, fields…, usd, cny, records)."""
    out = {}
    for stage, fields in STAGES.items():
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
        out[stage] = sorted(
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
    return out


def cross_table() -> list[tuple[Any, ...]]:
    """The partner × heading rollup's rows: (period, flow, partner, heading, usd, cny, records)."""
    rows = PartnerProductRollup.objects.values_list(
        "period", "flow", "partner", "heading", "value_usd", "value_cny", "rows"
    )
    return sorted(((*r[:-3], _exact(r[-3]), _exact(r[-2]), r[-1]) for r in rows), key=str)


def cross_from_facts() -> list[tuple[Any, ...]]:
    zero = Value(Decimal(0), output_field=DecimalField())
    rows = (
        CustomsRecord.objects.annotate(heading=Substr("hs_code", 1, 4))
        .values("period", "flow", "partner_code", "heading")
        .annotate(
            usd=Sum(Coalesce("value_usd", zero)),
            cny=Sum(Coalesce("value_cny", zero)),
            n=Count("id"),
        )
        .order_by()
    )
    return sorted(
        (
            (r["period"], r["flow"], r["partner_code"], r["heading"], _exact(r["usd"]), *tail)
            for r in rows
            for tail in [(_exact(r["cny"]), r["n"])]
        ),
        key=str,
    )


def codes_table() -> list[tuple[Any, ...]]:
    """The commodity code rollup's rows: (period, flow, code, usd, cny, records)."""
    rows = CommodityRollup.objects.values_list(
        "period", "flow", "code", "value_usd", "value_cny", "rows"
    )
    return sorted(((*r[:-3], _exact(r[-3]), _exact(r[-2]), r[-1]) for r in rows), key=str)


def codes_from_facts() -> list[tuple[Any, ...]]:
    zero = Value(Decimal(0), output_field=DecimalField())
    rows = (
        CustomsRecord.objects.annotate(code=Substr("hs_code", 1, 8))
        .values("period", "flow", "code")
        .annotate(
            usd=Sum(Coalesce("value_usd", zero)),
            cny=Sum(Coalesce("value_cny", zero)),
            n=Count("id"),
        )
        .order_by()
    )
    return sorted(
        (
            (r["period"], r["flow"], r["code"], _exact(r["usd"]), _exact(r["cny"]), r["n"])
            for r in rows
        ),
        key=str,
    )


def mode_cross_table() -> list[tuple[Any, ...]]:
    """The partner × trade mode rollup's rows: (period, flow, partner, mode, usd, cny, records)."""
    rows = PartnerModeRollup.objects.values_list(
        "period", "flow", "partner", "mode", "value_usd", "value_cny", "rows"
    )
    return sorted(((*r[:-3], _exact(r[-3]), _exact(r[-2]), r[-1]) for r in rows), key=str)


def mode_cross_from_facts() -> list[tuple[Any, ...]]:
    zero = Value(Decimal(0), output_field=DecimalField())
    rows = (
        CustomsRecord.objects.values("period", "flow", "partner_code", "trade_mode")
        .annotate(
            usd=Sum(Coalesce("value_usd", zero)),
            cny=Sum(Coalesce("value_cny", zero)),
            n=Count("id"),
        )
        .order_by()
    )
    return sorted(
        (
            (r["period"], r["flow"], r["partner_code"], r["trade_mode"], _exact(r["usd"]), *tail)
            for r in rows
            for tail in [(_exact(r["cny"]), r["n"])]
        ),
        key=str,
    )


def mode_product_table() -> list[tuple[Any, ...]]:
    """The heading × trade mode rollup's rows: (period, flow, heading, mode, usd, cny, records)."""
    rows = ModeProductRollup.objects.values_list(
        "period", "flow", "heading", "mode", "value_usd", "value_cny", "rows"
    )
    return sorted(((*r[:-3], _exact(r[-3]), _exact(r[-2]), r[-1]) for r in rows), key=str)


def mode_product_from_facts() -> list[tuple[Any, ...]]:
    zero = Value(Decimal(0), output_field=DecimalField())
    rows = (
        CustomsRecord.objects.annotate(heading=Substr("hs_code", 1, 4))
        .values("period", "flow", "heading", "trade_mode")
        .annotate(
            usd=Sum(Coalesce("value_usd", zero)),
            cny=Sum(Coalesce("value_cny", zero)),
            n=Count("id"),
        )
        .order_by()
    )
    return sorted(
        (
            (r["period"], r["flow"], r["heading"], r["trade_mode"], _exact(r["usd"]), *tail)
            for r in rows
            for tail in [(_exact(r["cny"]), r["n"])]
        ),
        key=str,
    )


def assert_stages_equal_the_facts() -> None:
    tables = stage_tables()
    assert tables == stages_from_facts()
    assert any(tables.values())  # a comparison of two empty sets proves nothing
    assert cross_table() == cross_from_facts()
    assert codes_table() == codes_from_facts()
    assert mode_cross_table() == mode_cross_from_facts()
    assert mode_product_table() == mode_product_from_facts()
