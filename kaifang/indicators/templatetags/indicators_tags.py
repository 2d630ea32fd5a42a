"""Display of indicator figures: one decimal with thousands separators, a dash for none."""

from __future__ import annotations

from decimal import Decimal

from django import template

from kaifang.core.lib.numbers import DASH, grouped

register = template.Library()


@register.filter
def num(value: Decimal | float | int | None, places: int = 1) -> str:
    if value is None or value == "":
        return DASH
    return grouped(Decimal(str(value)), int(places))


@register.filter
def width_pct(value: Decimal | None) -> str:
    """A progress bar's width, 0–100, as text for a data attribute."""
    if value is None:
        return "0"
    return str(max(0, min(100, int(value))))
