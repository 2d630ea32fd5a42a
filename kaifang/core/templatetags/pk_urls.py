"""`{% pk_url "app:view" pk %}`: `{% url "app:view" pk %}` for a link in every row of a list.

Django's `{% url %}` reverses the URL pattern on every call, some 25 µs each: a list page
with three links per row for 30 rows spent a tenth of its CPU there (bench/bench_cpu.py).
The same rows are shown again and again, so each process keeps the last few thousand URLs,
keyed by the URL configuration and script prefix too; the value is what `reverse()` returns,
escaped as `{% url %}` escapes it.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=16384)
def _reversed(urlconf: object, prefix: str, name: str, args: tuple[object, ...]) -> str:
    return reverse(name, args=args, urlconf=urlconf)  # type: ignore[arg-type]


def pk_url_of(name: str, *args: object) -> str:
    """reverse(name, args=args), memoised (for views that build row links in Python)."""
    return _reversed(get_urlconf(), get_script_prefix(), name, args)


@register.simple_tag
def pk_url(name: str, *args: object) -> str:
    return pk_url_of(name, *args)
