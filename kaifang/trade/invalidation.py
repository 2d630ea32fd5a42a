"""Keep the (district, park) pair rollups true when an enterprise moves: its trade leaves
the old pair and joins the new one. A signal, because the register (enterprises) must not
know about trade's caches; STYLE.md allows signals for exactly this."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from kaifang.enterprises.models import Enterprise

_OLD_PAIR = "_kaifang_old_scope_pair"


def _remember_pair(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return
    old = Enterprise.objects.filter(pk=instance.pk).values_list("district_id", "park_id").first()
    setattr(instance, _OLD_PAIR, old)


def _refresh_if_moved(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    old = getattr(instance, _OLD_PAIR, None)
    if kwargs.get("raw") or old is None:
        return
    delattr(instance, _OLD_PAIR)
    new = (instance.district_id, instance.park_id)
    if tuple(old) != new:
        from kaifang.trade.rollups import refresh_pairs

        refresh_pairs([old, new])


def _refresh_deleted(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    # A merge moves the records before deleting the merged record: its pair lost them.
    from kaifang.trade.rollups import refresh_pairs

    refresh_pairs([(instance.district_id, instance.park_id)])


def connect() -> None:
    pre_save.connect(_remember_pair, sender=Enterprise, dispatch_uid="trade-pair-before")
    post_save.connect(_refresh_if_moved, sender=Enterprise, dispatch_uid="trade-pair-after")
    post_delete.connect(_refresh_deleted, sender=Enterprise, dispatch_uid="trade-pair-delete")
