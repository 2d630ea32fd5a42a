"""The register's part of the header search: firms by name, former name or code, in scope."""

from __future__ import annotations

from django.urls import reverse

from kaifang.core import search
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.selectors import EnterpriseFilters, enterprise_list


def _hit(e: Enterprise) -> search.Hit:
    codes = " · ".join(x for x in (e.uscc, e.customs_code, str(e.district or "")) if x)
    return search.Hit(e.name, reverse("enterprises:detail", args=[e.pk]), codes)


def find(user: search.AnyUser, q: str, limit: int) -> search.Found:
    firms = enterprise_list(user=user, filters=EnterpriseFilters(q=q)).select_related("district")
    return search.found("企业", firms, _hit, listing="enterprises:list", q=q, limit=limit)


def register() -> None:
    search.register("enterprises", 10, find)
