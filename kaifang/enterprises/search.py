"""The register's part of the header search: firms by name, former name or code, in scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from kaifang.core import search
from kaifang.enterprises.selectors import EnterpriseFilters, enterprise_list


def find(user: search.AnyUser, q: str, limit: int) -> search.Found:
    firms = enterprise_list(user=user, filters=EnterpriseFilters(q=q))
    hits = [
        search.Hit(
            e.name,
            reverse("enterprises:detail", args=[e.pk]),
            " · ".join(x for x in (e.uscc, e.customs_code, str(e.district or "")) if x),
        )
        for e in firms.select_related("district")[:limit]
    ]
    more = reverse("enterprises:list") + "?" + urlencode({"q": q})
    return search.Found("企业", hits, firms.count() if len(hits) == limit else len(hits), more)


def register() -> None:
    search.register("enterprises", 10, find)
