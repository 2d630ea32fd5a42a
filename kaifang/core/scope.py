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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from kaifang.core.models import SCOPE_WIDTH, DataScope, Unit, User

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_kaifang_effective_scope"
_UNITS_ATTR = "_kaifang_unit_and_below"


@dataclass(frozen=True)
class EffectiveScope:
    """What one user may see, with the reasons, so the profile page can state it plainly."""

    sees_all: bool
    unit_ids: frozenset[int]
    user_id: int | None
    widest: str | None
    reasons: tuple[str, ...] = field(default_factory=tuple)
    # The codes of the roles read for the scope, so capabilities need no second roles query
    # (empty for a superuser, who holds every capability whatever the roles).
    role_codes: frozenset[str] = frozenset()

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


def unit_and_below(user: User) -> frozenset[int]:
    """The user's own unit and every unit below it (empty without a unit), read once per user
    object: the scope and the people pickers both ask for it on one request."""
    if user.unit_id is None:
        return frozenset()
    cached: frozenset[int] | None = getattr(user, _UNITS_ATTR, None)
    if cached is None:
        cached = frozenset(descendants({user.unit_id}))
        setattr(user, _UNITS_ATTR, cached)
    return cached


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
    codes: set[str] = set()
    # chosen_units is read only for a role of the CHOSEN scope (rare): a prefetch would add a
    # query to every request of every user.
    for role in user.roles.all():
        codes.add(role.code)
        data_scope = DataScope(role.data_scope)
        if SCOPE_WIDTH[data_scope] > SCOPE_WIDTH[DataScope(widest)]:
            widest = data_scope
        if data_scope == DataScope.ALL:
            sees_all = True
            reasons.append(f"角色“{role.name}”：全部数据")
        elif data_scope == DataScope.UNIT_AND_BELOW and user.unit_id:
            units |= unit_and_below(user)
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
        role_codes=frozenset(codes),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: User) -> None:
    """Drop the per-request caches (scope, and the capabilities derived from it) after roles
    or unit change."""
    for attr in (_CACHE_ATTR, _UNITS_ATTR, "_kaifang_capabilities"):
        if hasattr(user, attr):
            delattr(user, attr)


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


def who_sees(obj: models.Model, users: Iterable[User]) -> list[User]:
    """Those of `users` who may see `obj`: a notification that names a record goes only to
    them (a unit's staff includes liaison officers who see their own firms alone)."""
    model = type(obj)
    one = model._default_manager.filter(pk=obj.pk)
    return [u for u in users if visible_to(one, u).exists()]


def people_units(user: User | AnonymousUser) -> frozenset[int] | None:
    """The units whose people `user` may see and pick: their own unit and below, and the units
    of their scope; None when they see the whole city."""
    scope = effective_scope(user)
    if scope.sees_all:
        return None
    units: set[int] = set(scope.unit_ids)
    if isinstance(user, User) and user.unit_id is not None:
        units |= unit_and_below(user)
    return frozenset(units)


def people_visible_to(user: User | AnonymousUser) -> QuerySet[User]:
    """People (users) are scoped too: every list and picker of people reads them here, so a
    district never sees, nor hands a record to, another district's staff."""
    people = User.objects.filter(is_active=True)
    if not user.is_authenticated:
        return people.none()
    units = people_units(user)
    if units is None:
        return people
    return people.filter(Q(unit__in=units) | Q(pk=user.pk))


def check_people(
    user: User | None, people: Iterable[User | None], *, field: str, label: str
) -> None:
    """The server's own check behind every picker of people: a chosen person outside the
    chooser's units is refused with the field and the reason (a forged form gets no further
    than the picker). `user` None is the operator's command line."""
    if user is None:
        return
    units = people_units(user)
    if units is None:
        return
    outside = [p for p in people if p is not None and p.pk != user.pk and p.unit_id not in units]
    if outside:
        names = "、".join(p.display_name for p in outside)
        raise ValidationError({field: f"{label}只能选择本单位及下属单位的人员：{names} 不在其中。"})


def check_units(user: User | None, units: Iterable[Unit | None], *, field: str, label: str) -> None:
    """A district or park chosen for a record must lie in the user's scope, so no one creates
    or moves a record to where they can no longer see it."""
    if user is None:
        return
    scope = effective_scope(user)
    if scope.sees_all:
        return
    outside = [u for u in units if u is not None and u.pk not in scope.unit_ids]
    if outside:
        names = "、".join(u.name for u in outside)
        raise ValidationError({field: f"{label}只能选择您数据范围内的单位：{names} 不在其中。"})


def units_visible_to(user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units the user may see and choose (every unit for the whole city)."""
    return visible_to(Unit.objects.filter(is_active=True), user)


def _scope_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(getattr(model, "scope_unit_fields", ())) + tuple(
        getattr(model, "scope_owner_fields", ())
    )


def _is_many(model: type[models.Model], name: str) -> bool:
    """Whether the lookup path can repeat a row: only a to-many step does. A chain of foreign
    keys (`enterprise__district`) cannot, and DISTINCT on it costs a sort of every record."""
    current: Any = model
    for part in name.split("__"):
        if part in {"id", "pk"}:
            return False
        try:
            model_field: Any = current._meta.get_field(part)
        except Exception:
            return True
        if model_field.many_to_many or model_field.one_to_many:
            return True
        current = model_field.related_model
        if current is None:
            return False
    return False


def can_write(user: User | AnonymousUser, obj: models.Model) -> bool:
    """Leaders read; everyone else writes what they can see (`Cap.WRITE`). Models may refine
    it."""
    from kaifang.core.permissions import Cap, has  # permissions builds on this module

    if not isinstance(user, User) or not user.is_authenticated:
        return False
    check = getattr(obj, "can_be_written_by", None)
    if callable(check):
        return bool(check(user))
    return has(user, Cap.WRITE)


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
