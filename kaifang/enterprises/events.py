"""Timeline events of an enterprise, written by small keyword-only functions (Saleor style)."""

from __future__ import annotations

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
) -> EnterpriseEvent:
    return EnterpriseEvent.objects.create(
        enterprise=enterprise,
        kind=kind,
        text=text[:500],
        actor=actor if actor is not None and actor.pk else None,
        payload=payload or {},
    )
