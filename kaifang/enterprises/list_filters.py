"""Extra filters for the register's list, contributed by higher apps (trade: size band,
trading or not in a period). The register knows only this interface: each filter adds form
fields and narrows the queryset from their cleaned values. See docs/decisions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet

from kaifang.enterprises.models import Enterprise


@dataclass(frozen=True)
class ListFilter:
    key: str
    order: int
    fields: Mapping[str, Callable[[], forms.Field]]
    apply: Callable[[QuerySet[Enterprise], dict[str, Any]], QuerySet[Enterprise]]


_FILTERS: dict[str, ListFilter] = {}


def register(list_filter: ListFilter) -> None:
    _FILTERS[list_filter.key] = list_filter


def registered() -> list[ListFilter]:
    return sorted(_FILTERS.values(), key=lambda f: f.order)


def extra_fields() -> dict[str, forms.Field]:
    return {name: make() for f in registered() for name, make in f.fields.items()}


def apply_all(qs: QuerySet[Enterprise], values: Mapping[str, Any]) -> QuerySet[Enterprise]:
    for f in registered():
        data = {name: values.get(name) for name in f.fields}
        if any(v not in (None, "") for v in data.values()):
            qs = f.apply(qs, data)
    return qs
