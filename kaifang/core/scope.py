"""The one data-scope gate (数据权限). Every list, page, export and API call reads scoped
records through `visible_to()` or `get_for_user()`; nothing else filters by unit.

A scoped model declares how it hangs off the organisation tree:

    scope_unit_fields = ("district", "park")      # FK/M2M to Unit, or "id" for Unit itself
    scope_owner_fields = ("created_by",)          # FK to User: "own records"

A record is visible when any unit field points into the user's effective units, or any
owner field is the user. A user with the ALL scope sees everything, except in personal models
that declare `scope_owner_only = True` (jobs, notifications): there only the owner fields count,
whatever the scope, and administrators use the Django admin.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from kaifang.core.models import SCOPE_WIDTH, DataScope, Unit, User

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_kaifang_effective_scope"


@dataclass(frozen=True)
class EffectiveScope:
    """What one user may see, with the reasons, so the profile page can state it plainly."""

    sees_all: bool
    unit_ids: frozenset[int]
    user_id: int | None
    widest: str | None
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def widest_label(self) -> str:
        if self.widest is None:
            return "无数据权限"
        return str(DataScope(self.widest).label)


def descendants(unit_ids: set[int]) -> set[int]:
    """The given units and every unit below them (the tree is small: one query)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(unit_ids)
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def effective_scope(user: User | AnonymousUser) -> EffectiveScope:
    """The union of the user's role scopes; `widest` names the widest one explicitly."""
    if not user.is_authenticated:
        return EffectiveScope(sees_all=False, unit_ids=frozenset(), user_id=None, widest=None)
    if not isinstance(user, User):
        return EffectiveScope(sees_all=False, unit_ids=frozenset(), user_id=None, widest=None)
    cached: EffectiveScope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = EffectiveScope(
            sees_all=True,
            unit_ids=frozenset(),
            user_id=user.pk,
            widest=DataScope.ALL,
            reasons=("超级管理员：全部数据",),
        )
        setattr(user, _CACHE_ATTR, scope)
        return scope
    sees_all = False
    units: set[int] = set()
    reasons: list[str] = []
    widest: str = DataScope.SELF
    for role in user.roles.prefetch_related("chosen_units"):
        data_scope = DataScope(role.data_scope)
        if SCOPE_WIDTH[data_scope] > SCOPE_WIDTH[DataScope(widest)]:
            widest = data_scope
        if data_scope == DataScope.ALL:
            sees_all = True
            reasons.append(f"角色“{role.name}”：全部数据")
        elif data_scope == DataScope.UNIT_AND_BELOW and user.unit_id:
            units |= descendants({user.unit_id})
            reasons.append(f"角色“{role.name}”：本单位及以下（{user.unit}）")
        elif data_scope == DataScope.UNIT and user.unit_id:
            units.add(user.unit_id)
            reasons.append(f"角色“{role.name}”：本单位（{user.unit}）")
        elif data_scope == DataScope.CHOSEN:
            chosen = list(role.chosen_units.all())
            units |= {u.pk for u in chosen}
            names = "、".join(u.name for u in chosen) or "（未指定）"
            reasons.append(f"角色“{role.name}”：指定单位 {names}")
        else:
            reasons.append(f"角色“{role.name}”：仅本人")
    reasons.append("本人经办的记录始终可见")
    scope = EffectiveScope(
        sees_all=sees_all,
        unit_ids=frozenset(units),
        user_id=user.pk,
        widest=widest,
        reasons=tuple(reasons),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: User) -> None:
    """Drop the per-request cache after roles or unit change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_q(model: type[models.Model], scope: EffectiveScope) -> Q | None:
    """The filter for `model` under `scope`; None means no restriction."""
    owner_only = bool(getattr(model, "scope_owner_only", False))
    if scope.sees_all and not owner_only:
        return None
    unit_fields: tuple[str, ...] = () if owner_only else getattr(model, "scope_unit_fields", ())
    owner_fields: tuple[str, ...] = getattr(model, "scope_owner_fields", ())
    if not unit_fields and not owner_fields:
        raise ImproperlyConfigured(
            f"{model.__name__} has no scope_unit_fields or scope_owner_fields"
        )
    condition = Q(pk__in=[])
    if scope.unit_ids:
        for name in unit_fields:
            lookup = "pk__in" if name == "id" else f"{name}__in"
            condition |= Q(**{lookup: scope.unit_ids})
    if scope.user_id is not None:
        for name in owner_fields:
            condition |= Q(**{name: scope.user_id})
    return condition


def visible_to(queryset: QuerySet[M], user: User | AnonymousUser) -> QuerySet[M]:
    """The records of `queryset` that `user` may see."""
    if not user.is_authenticated:
        return queryset.none()
    condition = scope_q(queryset.model, effective_scope(user))
    if condition is None:
        return queryset
    filtered = queryset.filter(condition)
    # M2M unit fields can repeat a row; distinct keeps counts and totals right.
    if any(_is_many(queryset.model, name) for name in _scope_fields(queryset.model)):
        filtered = filtered.distinct()
    return filtered


def _scope_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(getattr(model, "scope_unit_fields", ())) + tuple(
        getattr(model, "scope_owner_fields", ())
    )


def _is_many(model: type[models.Model], name: str) -> bool:
    first = name.split("__")[0]
    if first in {"id", "pk"}:
        return False
    try:
        model_field: Any = model._meta.get_field(first)
    except Exception:
        return True
    return bool(model_field.many_to_many or model_field.one_to_many) or "__" in name


def can_write(user: User | AnonymousUser, obj: models.Model) -> bool:
    """Leaders read; everyone else writes what they can see. Models may refine it."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    check = getattr(obj, "can_be_written_by", None)
    if callable(check):
        return bool(check(user))
    if user.is_superuser:
        return True
    return any(role.code != "leader" for role in user.roles.all())


def get_for_user(
    queryset: QuerySet[M], user: User | AnonymousUser, pk: Any, *, write: bool = False
) -> M:
    """The record, or 404 when it is outside the user's scope (never reveal that it exists);
    403 when it is visible but the user may not change it."""
    try:
        obj = visible_to(queryset, user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的数据范围内") from None
    if write and not can_write(user, obj):
        raise PermissionDenied("您没有修改此记录的权限")
    return obj


class ScopedQuerySet(QuerySet[M]):
    """Queryset with `.visible_to(user)`, for models whose manager should carry the gate."""

    def visible_to(self, user: User | AnonymousUser) -> QuerySet[M]:
        return visible_to(self, user)
