"""Timeline events of an enterprise, written by small keyword-only functions (Saleor style)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaifang.core.models import User
from kaifang.enterprises.models import Enterprise, EnterpriseEvent


def enterprise_event(
    *,
    enterprise: Enterprise,
    kind: str,
    text: str,
    actor: User | None = None,
    payload: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> EnterpriseEvent:
    """`at` dates the event when it describes something that happened earlier (a back-dated
    appeal step, a demo visit); otherwise it is now."""
    event = EnterpriseEvent.objects.create(
        enterprise=enterprise,
        kind=kind,
        text=text[:500],
        actor=actor if actor is not None and actor.pk else None,
        payload=payload or {},
    )
    if at is not None:  # created_at is auto_now_add: set it after the insert
        EnterpriseEvent.objects.filter(pk=event.pk).update(created_at=at)
        event.created_at = at
    return event
