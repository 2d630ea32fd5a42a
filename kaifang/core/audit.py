"""`record()` writes one audit entry. Every action and every export calls it inside its
own transaction, so the entry exists exactly when the change does."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import models

from kaifang.core.models import AuditEntry, User


def _plain(value: Any) -> Any:
    """Make a value JSON-safe for the `changes` column."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that changed, as {field: [old, new]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    object_type: str = "",
    object_repr: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Write one audit entry; `action` is a dotted verb (`unit.update`, `export.enterprises`)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)[:300]
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.display_name if actor is not None and actor.pk else "系统",
        action=action,
        object_type=object_type,
        object_id="" if obj is None or obj.pk is None else str(obj.pk),
        object_repr=object_repr,
        changes=_plain(dict(changes or {})),
        ip_address=ip_address,
    )
