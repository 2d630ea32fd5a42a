"""What the service desk offers its peers through kaifang.core.handover."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from kaifang.core import handover
from kaifang.core.models import User
from kaifang.servicedesk import codes
from kaifang.servicedesk.actions import appeal_create
from kaifang.servicedesk.models import Appeal, Category
from kaifang.servicedesk.selectors import appeals_for, public_appeal


def appeal_for_tracking_code(*, code: str) -> Appeal | None:
    """The one appeal a public tracking code opens (as typed: normalised here), or None."""
    return public_appeal(codes.normalise(code))


def categories() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Category.choices]


def _summary(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "code": appeal.tracking_code,
        "title": appeal.title,
        "category": appeal.get_category_display(),
        "status": appeal.get_status_display(),
        "status_colour": appeal.status_colour,
        "open": appeal.is_open,
        "enterprise": appeal.enterprise_name,
        "registered_at": appeal.registered_at,
        "url": reverse("servicedesk:appeal_detail", args=[appeal.pk]),
    }


def appeal_summaries(*, user: User | AnonymousUser, ids: Iterable[int]) -> list[dict[str, Any]]:
    """The appeals among `ids` that the user may see, newest first."""
    wanted = [int(i) for i in ids]
    rows = appeals_for(user).filter(pk__in=wanted).order_by("-registered_at", "-id")
    return [_summary(appeal) for appeal in rows]


def appeal_by_code(*, user: User | AnonymousUser, code: str) -> dict[str, Any] | None:
    """The appeal with this tracking code, if the user may see it."""
    normal = codes.normalise(code)
    found = appeals_for(user).filter(tracking_code=normal).first() if normal else None
    return None if found is None else _summary(found)


def register() -> None:
    handover.provide("servicedesk.appeal_create", appeal_create)
    handover.provide("servicedesk.public_appeal", appeal_for_tracking_code)
    handover.provide("servicedesk.categories", categories)
    handover.provide("servicedesk.appeal_summaries", appeal_summaries)
    handover.provide("servicedesk.appeal_by_code", appeal_by_code)
