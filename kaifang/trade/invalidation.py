"""Keep the (district, park) pair rollups true when an enterprise moves: its trade leaves
the old pair and joins the new one. Any change that alters a cached page's figures or who
sees them (district, park, industry, liaison, name) also bumps the rollup version. A signal,
because the register (enterprises) must not know about trade's caches; STYLE.md allows
signals for exactly this."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from kaifang.enterprises.models import Enterprise

_OLD_PAIR = "_kaifang_old_scope_pair"
_OLD_ATTRS = "_kaifang_old_page_attrs"
# What the cached analysis pages derive from an enterprise besides its pair.
_PAGE_FIELDS = ("industry_id", "liaison_id", "name")


def _remember_pair(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return
    old = (
        Enterprise.objects.filter(pk=instance.pk)
        .values_list("district_id", "park_id", *_PAGE_FIELDS)
        .first()
    )
    if old is not None:
        setattr(instance, _OLD_PAIR, tuple(old[:2]))
        setattr(instance, _OLD_ATTRS, tuple(old[2:]))


def _refresh_if_moved(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    old = getattr(instance, _OLD_PAIR, None)
    if kwargs.get("raw") or old is None:
        return
    delattr(instance, _OLD_PAIR)
    old_attrs = getattr(instance, _OLD_ATTRS, None)
    new = (instance.district_id, instance.park_id)
    from kaifang.trade.rollups import bump_version, refresh_pairs

    if tuple(old) != new:
        refresh_pairs([old, new])  # bumps the version too
    elif old_attrs is not None and old_attrs[1] != instance.liaison_id:
        refresh_pairs([new])  # the liaison rollups of the pair
    elif old_attrs != tuple(getattr(instance, f) for f in _PAGE_FIELDS):
        bump_version()


def _refresh_deleted(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    # A merge moves the records before deleting the merged record: its pair lost them.
    from kaifang.trade.rollups import refresh_pairs

    refresh_pairs([(instance.district_id, instance.park_id)])


def connect() -> None:
    pre_save.connect(_remember_pair, sender=Enterprise, dispatch_uid="trade-pair-before")
    post_save.connect(_refresh_if_moved, sender=Enterprise, dispatch_uid="trade-pair-after")
    post_delete.connect(_refresh_deleted, sender=Enterprise, dispatch_uid="trade-pair-delete")
