"""Keep the index of supervision's source documents current (a read-through index, not a
copy): when supervision saves or deletes a source document, re-index it after commit.
Supervision is a peer app and is not imported: its model comes from the app registry, and the
periodic `library.index_supervision` job catches anything these receivers miss (bulk writes)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _reindex(sender: Any, instance: Any, **kwargs: Any) -> None:
    from kaifang.library.actions import index_supervision_one

    pk = instance.pk
    transaction.on_commit(lambda: index_supervision_one(pk))


def connect() -> None:
    if not apps.is_installed("kaifang.supervision"):
        return
    model = apps.get_model("supervision", "SourceDocument")
    post_save.connect(_reindex, sender=model, dispatch_uid="library.index_source_save")
    post_delete.connect(_reindex, sender=model, dispatch_uid="library.index_source_delete")
