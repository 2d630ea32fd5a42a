"""Links between analysis pages: every figure to its records, every row to the next level."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from kaifang.trade.selectors import Keys, Query

register = template.Library()


def analysis_params(q: Query | None, keys: Keys | None, **extra: object) -> str:
    params: dict[str, object] = {**_query_params(q), **_keys_params(keys)}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


# A breakdown page builds some 600 links per 100 rows: the paths and the shared parameters
# are computed once, not per link (issue 17: most of the hs4 page's time went here).
@lru_cache(maxsize=256)
def _query_params(q: Query | None) -> dict[str, str]:
    return q.params() if q else {}


@lru_cache(maxsize=4096)
def _keys_params(keys: Keys | None) -> dict[str, str]:
    return keys.params() if keys else {}


@lru_cache(maxsize=64)
def _path(urlconf: object, prefix: str, name: str, arg: str) -> str:
    return reverse(name, args=[arg] if arg else None, urlconf=urlconf)  # type: ignore[arg-type]


def path_of(name: str, arg: str = "") -> str:
    return _path(get_urlconf(), get_script_prefix(), name, arg)


# The row links themselves, whole: under load the same pages are asked again and again, and
# a link is a pure function of the (frozen) query, keys and arguments.
@lru_cache(maxsize=16384)
def _records_url(urlconf: object, prefix: str, q: Query, keys: Keys | None, span: str) -> str:
    return f"{path_of('trade:analysis_records')}?{analysis_params(q, keys, span=span)}"


@lru_cache(maxsize=16384)
def _breakdown_url(
    urlconf: object, prefix: str, q: Query | None, keys: Keys | None, by: str, level: int | str
) -> str:
    return f"{path_of('trade:analysis_breakdown', by)}?{analysis_params(q, keys, level=level)}"


@register.simple_tag
def records_url(q: Query, keys: Keys | None, span: str) -> str:
    """The drill-down list of the records a figure sums."""
    return _records_url(get_urlconf(), get_script_prefix(), q, keys, span)


@register.simple_tag
def breakdown_url(q: Query | None, keys: Keys | None, by: str, level: int | str = "") -> str:
    return _breakdown_url(get_urlconf(), get_script_prefix(), q, keys, by, level)


@register.simple_tag
def analysis_url(
    name: str, q: Query | None, keys: Keys | None = None, arg: str = "", **extra: object
) -> str:
    return f"{path_of(name, arg)}?{analysis_params(q, keys, **extra)}"
