"""The service desk's part of the header search: appeals by tracking code, title, firm or
description, as the appeal list finds them for the user (scope-filtered)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from kaifang.core import search
from kaifang.servicedesk.selectors.appeals import AppealFilters, appeal_list


def find(user: search.AnyUser, q: str, limit: int) -> search.Found:
    appeals = appeal_list(user=user, filters=AppealFilters(q=q))
    hits = [
        search.Hit(
            f"{a.tracking_code} {a.title}",
            reverse("servicedesk:appeal_detail", args=[a.pk]),
            f"{a.enterprise_name} · {a.get_status_display()}",
        )
        for a in appeals[:limit]
    ]
    more = reverse("servicedesk:appeal_list") + "?" + urlencode({"q": q})
    return search.Found(
        "企业诉求", hits, appeals.count() if len(hits) == limit else len(hits), more
    )


def register() -> None:
    search.register("appeals", 20, find)
