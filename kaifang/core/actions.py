"""State changes of the core app. Each validates, saves in one transaction and audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kaifang.core import audit
from kaifang.core.models import Unit, User


def _check_parent(unit: Unit | None, parent: Unit | None) -> None:
    node = parent
    while node is not None and unit is not None:
        if node.pk == unit.pk:
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
        node = node.parent


@transaction.atomic
def unit_create(
    *,
    actor: User,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    aliases: str = "",
    order: int = 0,
) -> Unit:
    if Unit.objects.filter(name=name).exists():
        raise ValidationError({"name": f"单位“{name}”已存在。"})
    unit = Unit.objects.create(
        name=name, kind=kind, parent=parent, short_name=short_name, aliases=aliases, order=order
    )
    audit.record(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes={"name": name, "kind": kind, "parent": parent},
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: Unit,
    name: str,
    kind: str,
    parent: Unit | None,
    short_name: str = "",
    aliases: str = "",
    order: int = 0,
) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_parent(unit, parent)
    if Unit.objects.filter(name=name).exclude(pk=unit.pk).exists():
        raise ValidationError({"name": f"单位“{name}”已存在。"})
    before = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "short_name": unit.short_name,
        "aliases": unit.aliases,
        "order": unit.order,
    }
    unit.name, unit.kind, unit.parent = name, kind, parent
    unit.short_name, unit.aliases, unit.order = short_name, aliases, order
    unit.save()
    after = {
        "name": name,
        "kind": kind,
        "parent": parent.pk if parent else None,
        "short_name": short_name,
        "aliases": aliases,
        "order": order,
    }
    audit.record(actor=actor, action="unit.update", obj=unit, changes=audit.diff(before, after))
    return unit


@transaction.atomic
def unit_delete(*, actor: User, unit: Unit) -> None:
    if unit.children.exists():
        raise ValidationError("该单位下还有下级单位，不能删除。")
    if unit.users.exists():
        raise ValidationError("该单位下还有用户，不能删除。")
    audit.record(actor=actor, action="unit.delete", obj=unit, changes={"name": unit.name})
    unit.delete()
