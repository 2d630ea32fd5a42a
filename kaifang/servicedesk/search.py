"""The service desk's part of the header search: appeals by tracking code, title, firm or
description, as the appeal list finds them for the user (scope-filtered); visits (走访记录) by
the firm's name, what it said or the problems found, through the firm's scope."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from kaifang.core import search
from kaifang.servicedesk.models import Appeal, Visit
from kaifang.servicedesk.selectors import visits_found
from kaifang.servicedesk.selectors.appeals import AppealFilters, appeal_list

EXCERPT = 40  # characters of what the firm said, around the words searched


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


def excerpt(text: str, q: str) -> str:
    """A line of `text` around `q` (its start when `q` is not in it), about EXCERPT long."""
    flat = " ".join(text.split())
    at = flat.find(q)
    start = max(0, at - EXCERPT // 4) if at >= 0 else 0
    piece = flat[start : start + EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT < len(flat) else "")


def _visit_hit(q: str) -> Callable[[Visit], search.Hit]:
    def hit(v: Visit) -> search.Hit:
        said = next((t for t in (v.enterprise_said, v.problems) if q in t), v.enterprise_said)
        return search.Hit(
            f"{v.visited_on:%Y-%m-%d} {v.enterprise.name}",
            reverse("servicedesk:visit_detail", args=[v.pk]),
            excerpt(said, q),
        )

    return hit


def find_visits(user: search.AnyUser, q: str, limit: int) -> search.Found:
    visits = visits_found(user, q=q)
    return search.found(
        "走访记录", visits, _visit_hit(q), listing="servicedesk:visit_list", q=q, limit=limit
    )


def register() -> None:
    search.register("appeals", 20, find)
    search.register("visits", 25, find_visits)
