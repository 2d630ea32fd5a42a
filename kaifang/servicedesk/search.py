"""The service desk's part of the header search: appeals by tracking code, title, firm or
description, as the appeal list finds them for the user (scope-filtered)."""

from __future__ import annotations

from django.urls import reverse

from kaifang.core import search
from kaifang.servicedesk.models import Appeal
from kaifang.servicedesk.selectors.appeals import AppealFilters, appeal_list


def _hit(a: Appeal) -> search.Hit:
    return search.Hit(
        f"{a.tracking_code} {a.title}",
        reverse("servicedesk:appeal_detail", args=[a.pk]),
        f"{a.enterprise_name} · {a.get_status_display()}",
    )


def find(user: search.AnyUser, q: str, limit: int) -> search.Found:
    appeals = appeal_list(user=user, filters=AppealFilters(q=q))
    return search.found(
        "企业诉求", appeals, _hit, listing="servicedesk:appeal_list", q=q, limit=limit
    )


def register() -> None:
    search.register("appeals", 20, find)
