"""`{{ value|amount }}`: a number with thousands separators and two decimals, as Chinese
reports print money; accepts Decimal, numbers and decimal strings (JSON summaries)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def amount(value: object, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:,.{int(places)}f}"
