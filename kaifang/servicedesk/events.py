"""The appeal's timeline and the 亲清 record: every step is on the appeal's timeline (with the
text the enterprise may see, when it may see it) and on the enterprise's own timeline."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kaifang.core.models import Unit, User
from kaifang.enterprises.events import enterprise_event
from kaifang.servicedesk.models import Appeal, AppealEvent


def appeal_event(
    *,
    appeal: Appeal,
    kind: str,
    text: str,
    public_text: str = "",
    unit: Unit | None = None,
    actor: User | None = None,
    at: dt.datetime | None = None,
    to_enterprise: bool = True,
) -> AppealEvent:
    event = AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        text=text[:1000],
        public_text=public_text[:1000],
        unit=unit,
        actor=actor if actor is not None and actor.pk else None,
        created_at=at or timezone.now(),
    )
    if to_enterprise:
        enterprise_event(
            enterprise=appeal.enterprise,
            kind=f"appeal.{kind}",
            text=f"诉求 {appeal.tracking_code}：{text}",
            actor=actor,
            payload={"appeal": appeal.pk},
            at=event.created_at,
        )
    return event
