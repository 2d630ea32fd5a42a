"""How a follow-up learns that its visit happened, without importing the service desk.

The service desk writes every visit on the enterprise's timeline (the register's
`EnterpriseEvent` with kind "visit", `visit_create` in servicedesk/actions/visits.py). The
register is below us, so we listen to that row being written: a decoupled concern, the one
kind of work STYLE.md allows a signal."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from kaifang.enterprises.models import EnterpriseEvent

VISIT_KIND = "visit"


def _on_event(sender: Any, instance: EnterpriseEvent, created: bool, **kwargs: Any) -> None:  # noqa: FBT001
    if not created or instance.kind != VISIT_KIND:
        return
    from kaifang.risk.actions import follow_ups_mark_visited

    # In the visit's own transaction: the follow-up is done exactly when the visit exists.
    follow_ups_mark_visited(
        enterprise_id=instance.enterprise_id, visit_event_id=instance.pk, at=instance.created_at
    )


def connect() -> None:
    post_save.connect(_on_event, sender=EnterpriseEvent, dispatch_uid="risk.visit_done")
