"""Reads of the register, always through the scope gate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from kaifang.core.models import User
from kaifang.core.scope import get_for_user, visible_to
from kaifang.enterprises import list_filters
from kaifang.enterprises.models import Enterprise

SORTS = {
    "name": "name",
    "-name": "-name",
    "updated": "-updated_at",
    "created": "-created_at",
    "district": "district__order",
}


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    district: int | None = None
    park: int | None = None
    industry_code: str = ""
    tag: int | None = None
    liaison: int | None = None
    status: str = ""
    sort: str = "name"
    extra: tuple[tuple[str, Any], ...] = ()  # values of filters other apps register


def enterprise_list(
    *, user: User | AnonymousUser, filters: EnterpriseFilters
) -> QuerySet[Enterprise]:
    """The register as the user may see it, filtered and sorted."""
    qs = visible_to(
        Enterprise.objects.select_related("district", "park", "industry", "liaison"), user
    )
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(search_text__icontains=term) | Q(uscc=term.upper()))
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    if filters.park:
        qs = qs.filter(park_id=filters.park)
    if filters.industry_code:
        code = filters.industry_code.strip().upper()
        if code.isalpha():
            qs = qs.filter(industry__section_code=code)
        else:
            qs = qs.filter(industry__code__startswith=code)
    if filters.tag:
        qs = qs.filter(tags__id=filters.tag)
    if filters.liaison:
        qs = qs.filter(liaison_id=filters.liaison)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.extra:
        qs = list_filters.apply_all(qs, dict(filters.extra))
    return qs.order_by(SORTS.get(filters.sort, "name"), "id")


def enterprise_get(*, user: User | AnonymousUser, pk: Any, write: bool = False) -> Enterprise:
    qs = Enterprise.objects.select_related("district", "park", "industry", "liaison")
    return get_for_user(qs, user, pk, write=write)
