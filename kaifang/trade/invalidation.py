"""Keep the (district, park) pair rollups true when an enterprise moves: its trade leaves
the old pair and joins the new one. Any change that alters a cached page's figures or who
sees them (district, park, industry, liaison, name) also bumps the rollup version, and so
does a liaison officer's new name. A signal, because the register (enterprises) must not
know about trade's caches; STYLE.md allows signals for exactly this. Bulk writes send no
model signal: the register wraps them in `enterprises.signals.bulk_write`, whose
`enterprises_changed` lands here too, and a deleted user's enterprises (liaison SET NULL, one
UPDATE) are caught before the delete. A partner group's members (or code) refresh its rows
of the group stage the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from kaifang.core.models import Partner, PartnerGroup, User
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.signals import enterprises_changed

_OLD_PAIR = "_kaifang_old_scope_pair"
_OLD_ATTRS = "_kaifang_old_page_attrs"
# What the cached analysis pages derive from an enterprise besides its pair.
_PAGE_FIELDS = ("industry_id", "liaison_id", "name")


_PENDING = "_kaifang_pending_pairs"  # pair → (whether a firm left or joined it, its officers)
# the officers whose firms changed in a pair; None: any (a bulk write, a deleted firm)
Officers = frozenset[int] | None


def _defer_refresh(
    pairs: list[tuple[Any, Any]],
    *,
    places: bool = False,
    officers: Iterable[int | None] | None = None,
) -> None:
    """Refresh the pairs once, when the transaction commits: assigning liaison officers to a
    thousand enterprises in one action must not regroup the same pair's facts a thousand
    times (it made the demo load take minutes). The first callback at commit refreshes every
    pending pair and the rest find nothing to do; outside a transaction it runs at once.
    A rollback can leave pairs pending: the next commit refreshes them too (harmless).
    `places`: a firm left or joined these pairs, so their pair × partner × chapter rows are
    grouped again from the records too (a liaison change moves nothing between pairs).
    `officers`: the liaison officers (ids, None for none) of the firms that changed, whose
    codes in these pairs are grouped again; not given: every officer's."""
    pending: dict[tuple[Any, Any], tuple[bool, Officers]] | None = getattr(
        connection, _PENDING, None
    )
    if pending is None:
        pending = {}
        setattr(connection, _PENDING, pending)
    named: Officers = None if officers is None else frozenset(i for i in officers if i is not None)
    for pair in pairs:
        before = pending.get(pair)
        if before is None:
            pending[pair] = (places, named)
        else:
            both = None if before[1] is None or named is None else before[1] | named
            pending[pair] = (before[0] or places, both)
    transaction.on_commit(_flush)


def _flush() -> None:
    from kaifang.trade.rollups import refresh_pairs, refresh_places

    pending: dict[tuple[Any, Any], tuple[bool, Officers]] = (
        getattr(connection, _PENDING, None) or {}
    )
    if hasattr(connection, _PENDING):
        delattr(connection, _PENDING)
    if pending:
        named = {pair: ids for pair, (_, ids) in pending.items() if ids is not None}
        refresh_pairs(list(pending), officers=named)
    if moved := [pair for pair, (places, _) in pending.items() if places]:
        refresh_places(moved)


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
    from kaifang.trade.rollups import bump_version

    # the officers whose codes in the pairs change: the firm's, before and after
    officers = None if old_attrs is None else {old_attrs[1], instance.liaison_id}
    if tuple(old) != new:
        bump_version()
        # refresh_pairs bumps the version again
        _defer_refresh([tuple(old), new], places=True, officers=officers)
    elif old_attrs is not None and old_attrs[1] != instance.liaison_id:
        bump_version()
        _defer_refresh([new], officers=officers)  # the liaison rollups of the pair
    elif old_attrs != tuple(getattr(instance, f) for f in _PAGE_FIELDS):
        bump_version()


def _refresh_deleted(sender: Any, instance: Enterprise, **kwargs: Any) -> None:
    # A merge moves the records before deleting the merged record: its pair lost them.
    _defer_refresh([(instance.district_id, instance.park_id)], places=True)


def _refresh_bulk(
    sender: Any,
    pairs: frozenset[tuple[Any, Any]],
    moved: frozenset[tuple[Any, Any]] = frozenset(),
    **kwargs: Any,
) -> None:
    """A bulk write to the register (enterprises.signals.bulk_write): the same as a save."""
    from kaifang.trade.rollups import bump_version

    bump_version()
    if pairs - moved:
        _defer_refresh(list(pairs - moved))
    if moved:
        _defer_refresh(list(moved), places=True)


def _refresh_liaison_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    """Deleting a user sets `liaison` to NULL on their enterprises with one UPDATE that sends
    no signal: their pairs' liaison rollups are refreshed at commit, after it ran."""
    pairs = list(
        Enterprise.objects.filter(liaison=instance)
        .values_list("district_id", "park_id")
        .distinct()
        .order_by()
    )
    if pairs:
        from kaifang.trade.rollups import bump_version

        bump_version()
        _defer_refresh(pairs, officers={instance.pk})


_OLD_NAME = "_kaifang_old_user_name"
_NAME_FIELDS = ("full_name", "username")  # a liaison officer's name on the kept pages


def _remember_name(sender: Any, instance: User, **kwargs: Any) -> None:
    """Before a user's save that may rename them (a login writes `last_login` alone): the
    name the kept results show for a liaison officer."""
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or instance.pk is None:
        return
    if fields is not None and not set(fields) & set(_NAME_FIELDS):
        return
    old = User.objects.filter(pk=instance.pk).values_list(*_NAME_FIELDS).first()
    setattr(instance, _OLD_NAME, old)


def _renamed(sender: Any, instance: User, **kwargs: Any) -> None:
    """A liaison officer's new name: the kept results that name them (a risk scenario's
    firms, the dependence page's watch list) showed the old one until they expired, a day
    later (session 55's note). Renaming anyone else moves no figure."""
    old = getattr(instance, _OLD_NAME, None)
    if kwargs.get("raw") or old is None:
        return
    delattr(instance, _OLD_NAME)
    if tuple(old) == tuple(getattr(instance, f) for f in _NAME_FIELDS):
        return
    if Enterprise.objects.filter(liaison=instance).exists():
        from kaifang.trade.rollups import bump_version

        bump_version()


_OLD_CODE = "_kaifang_old_group_code"


def _members_changed(
    sender: Any, *, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """A partner group's members changed (the admin's selector, `load-reference`, a partner's
    groups from its side): the group stage's rows of those groups, and every cached figure
    within or by a group, are stale (the figures kept a day until the next import before)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from kaifang.trade.models import EnterprisePartnerRollup
    from kaifang.trade.rollups import refresh_groups

    if reverse:  # a partner's groups: the partner is `instance`, the groups `pk_set`
        partners: list[str] | None = [instance.code]
        groups = (
            PartnerGroup.objects.all()
            if pk_set is None
            else PartnerGroup.objects.filter(pk__in=pk_set)
        )
        codes = list(groups.values_list("code", flat=True))
    else:  # a group's members (a clear names none: which ones left is no longer known)
        partners = (
            None
            if pk_set is None
            else list(Partner.objects.filter(pk__in=pk_set).values_list("code", flat=True))
        )
        codes = [instance.code]
    # partners without trade (`load-reference` filling an empty database, a partner nobody
    # trades with) change no figure
    if (
        partners is not None
        and not EnterprisePartnerRollup.objects.filter(partner__in=partners).exists()
    ):
        return
    refresh_groups(codes)


def _remember_group_code(sender: Any, instance: PartnerGroup, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return
    old = PartnerGroup.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
    setattr(instance, _OLD_CODE, old)


def _group_saved(sender: Any, instance: PartnerGroup, **kwargs: Any) -> None:
    """A group's new code: its stage rows move to it (a rename or a switched-off group keeps
    them; the pages name groups afresh and list the active ones)."""
    old = getattr(instance, _OLD_CODE, None)
    if kwargs.get("raw") or old is None:
        return
    delattr(instance, _OLD_CODE)
    from kaifang.trade.rollups import bump_version, refresh_groups

    if old != instance.code:
        refresh_groups([old, instance.code])
    else:
        bump_version()  # its name, order or switch: the cached pages show them


def _group_deleted(sender: Any, instance: PartnerGroup, **kwargs: Any) -> None:
    from kaifang.trade.rollups import refresh_groups

    refresh_groups([instance.code])  # its rows go; no group of that code is left to sum


_OLD_PARTNER = "_kaifang_old_partner"


def _remember_partner(sender: Any, instance: Partner, **kwargs: Any) -> None:
    """Before a partner's save or delete: its code and groups, which the group stage joins the
    partner stage through (a delete removes its memberships without `m2m_changed`)."""
    if kwargs.get("raw") or instance.pk is None:
        return
    old = Partner.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
    groups = list(instance.groups.values_list("code", flat=True))
    setattr(instance, _OLD_PARTNER, (old, groups))


def _partner_changed(sender: Any, instance: Partner, **kwargs: Any) -> None:
    """A partner's new code, or the partner deleted: its groups' rows of the group stage sum
    the partner stage through the code, so they are summed again."""
    old = getattr(instance, _OLD_PARTNER, None)
    if kwargs.get("raw") or old is None:
        return
    delattr(instance, _OLD_PARTNER)
    code, groups = old
    deleted = kwargs.get("signal") is post_delete
    if groups and (deleted or code != instance.code):
        from kaifang.trade.rollups import refresh_groups

        refresh_groups(groups)


def connect() -> None:
    pre_save.connect(_remember_pair, sender=Enterprise, dispatch_uid="trade-pair-before")
    post_save.connect(_refresh_if_moved, sender=Enterprise, dispatch_uid="trade-pair-after")
    post_delete.connect(_refresh_deleted, sender=Enterprise, dispatch_uid="trade-pair-delete")
    enterprises_changed.connect(_refresh_bulk, sender=Enterprise, dispatch_uid="trade-pair-bulk")
    pre_delete.connect(_refresh_liaison_deleted, sender=User, dispatch_uid="trade-liaison-delete")
    pre_save.connect(_remember_name, sender=User, dispatch_uid="trade-liaison-name-before")
    post_save.connect(_renamed, sender=User, dispatch_uid="trade-liaison-name-after")
    members = PartnerGroup.members.through
    m2m_changed.connect(_members_changed, sender=members, dispatch_uid="trade-group-members")
    pre_save.connect(_remember_group_code, sender=PartnerGroup, dispatch_uid="trade-group-before")
    post_save.connect(_group_saved, sender=PartnerGroup, dispatch_uid="trade-group-after")
    post_delete.connect(_group_deleted, sender=PartnerGroup, dispatch_uid="trade-group-delete")
    pre_save.connect(_remember_partner, sender=Partner, dispatch_uid="trade-partner-before")
    pre_delete.connect(_remember_partner, sender=Partner, dispatch_uid="trade-partner-gone")
    post_save.connect(_partner_changed, sender=Partner, dispatch_uid="trade-partner-after")
    post_delete.connect(_partner_changed, sender=Partner, dispatch_uid="trade-partner-deleted")
