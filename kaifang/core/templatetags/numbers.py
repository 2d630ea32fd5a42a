"""`{{ value|amount:currency }}` (亿元/万美元, one decimal), `{{ value|amount_small:currency }}`
(万元/万美元, for enterprise-sized figures), `{{ value|exact }}` (units, two decimals),
`{{ value|figure }}` (a KPI: two decimals unless whole), `{{ value|pct }}` and `{{ value|pp }}`.
Thin wrappers over kaifang.core.lib.numbers."""

from __future__ import annotations

from decimal import Decimal

from django import template

from kaifang.core.lib import numbers

register = template.Library()


@register.filter
def amount(value: Decimal | None, currency: str = "usd") -> str:
    return numbers.scaled(value, numbers.amount_scale(currency))


@register.filter
def amount_small(value: Decimal | None, currency: str = "usd") -> str:
    return numbers.scaled(value, numbers.amount_scale(currency, small=True))


@register.filter
def amount_unit(currency: str, size: str = "") -> str:
    return numbers.amount_unit(currency, small=size == "small")


@register.filter
def exact(value: Decimal | None) -> str:
    return numbers.scaled(value, "one", 2)


@register.filter
def figure(value: Decimal | None) -> str:
    """A monthly KPI's figure: thousands separators and two decimals, none for a whole number
    (9 个项目, 1,020.51 万美元, not 9.00 and 1020.51)."""
    if value is None:
        return numbers.DASH
    number = Decimal(value)
    return numbers.grouped(number, 0 if number == number.to_integral_value() else 2)


@register.filter
def pct(value: Decimal | None) -> str:
    return numbers.percent(value)


@register.filter
def pp(value: Decimal | None) -> str:
    return numbers.points(value)


@register.filter
def sign_class(value: Decimal | None) -> str:
    """A class for growth cells: up, down or nothing."""
    if value is None or value == 0:
        return ""
    return "up" if value > 0 else "down"
