"""Links between analysis pages: every figure to its records, every row to the next level."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from kaifang.trade.selectors import Keys, Query

register = template.Library()


def analysis_params(q: Query | None, keys: Keys | None, **extra: object) -> str:
    params: dict[str, object] = {**(q.params() if q else {}), **(keys.params() if keys else {})}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


@register.simple_tag
def records_url(q: Query, keys: Keys | None, span: str) -> str:
    """The drill-down list of the records a figure sums."""
    return f"{reverse('trade:analysis_records')}?{analysis_params(q, keys, span=span)}"


@register.simple_tag
def breakdown_url(q: Query | None, keys: Keys | None, by: str, level: int | str = "") -> str:
    url = reverse("trade:analysis_breakdown", args=[by])
    return f"{url}?{analysis_params(q, keys, level=level)}"


@register.simple_tag
def analysis_url(
    name: str, q: Query | None, keys: Keys | None = None, arg: str = "", **extra: object
) -> str:
    url = reverse(name, args=[arg]) if arg else reverse(name)
    return f"{url}?{analysis_params(q, keys, **extra)}"
