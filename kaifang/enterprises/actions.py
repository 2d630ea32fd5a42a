"""State changes of the register: create, update, merge, status. Each validates, saves in one
transaction, writes the enterprise's timeline and an audit entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from kaifang.core import audit, permissions
from kaifang.core.lib.uscc import UsccError, is_customs_code, validate_uscc
from kaifang.core.models import Industry, Unit, User
from kaifang.core.permissions import Cap
from kaifang.core.scope import check_people, check_units
from kaifang.enterprises import merge_hooks
from kaifang.enterprises.events import enterprise_event
from kaifang.enterprises.models import Enterprise, EnterpriseStatus, Tag

_FOREIGN_KEYS = frozenset({"district", "park", "industry", "liaison"})

EDITABLE_FIELDS = (
    "name",
    "uscc",
    "customs_code",
    "district",
    "park",
    "industry",
    "ownership",
    "size",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "liaison",
    "status",
    "problems",
    "development_direction",
)


def clean_identifiers(
    *, uscc: str | None, customs_code: str | None, exclude_pk: int | None = None
) -> tuple[str | None, str | None]:
    """Validate and normalise the two codes; Chinese messages name the field and reason."""
    errors: dict[str, str] = {}
    clean_uscc: str | None = None
    clean_customs: str | None = None
    if uscc:
        try:
            clean_uscc = validate_uscc(uscc)
        except UsccError as error:
            errors["uscc"] = str(error)
    if customs_code:
        candidate = customs_code.strip().upper()
        if is_customs_code(candidate):
            clean_customs = candidate
        else:
            errors["customs_code"] = f"海关编码“{customs_code}”格式不正确：应为10位数字或大写字母。"
    others = Enterprise.objects.exclude(pk=exclude_pk) if exclude_pk else Enterprise.objects.all()
    if clean_uscc and others.filter(uscc=clean_uscc).exists():
        errors["uscc"] = (
            f"统一社会信用代码 {clean_uscc} 已被其他企业使用，如为同一企业请使用“合并”。"
        )
    if clean_customs and others.filter(customs_code=clean_customs).exists():
        errors["customs_code"] = f"海关编码 {clean_customs} 已被其他企业使用。"
    if errors:
        raise ValidationError(errors)
    return clean_uscc, clean_customs


def _check_scope(actor: User | None, changed: dict[str, Any]) -> None:
    """District and park only within the actor's scope; the liaison only among the actor's
    people (a liaison officer gains the enterprise's records)."""
    check_units(
        actor, [changed.get("district"), changed.get("park")], field="district", label="县区和园区"
    )
    if "liaison" in changed:
        check_people(actor, [changed["liaison"]], field="liaison", label="包联干部")


def _field_label(name: str) -> str:
    if name == "tags":
        return "标签"
    if name == "former_names":
        return "曾用名"
    return str(getattr(Enterprise._meta.get_field(name), "verbose_name", name))


def _snapshot(enterprise: Enterprise) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        attname = f"{name}_id" if name in _FOREIGN_KEYS else name
        data[name] = getattr(enterprise, attname)
    data["tags"] = sorted(t.name for t in enterprise.tags.all()) if enterprise.pk else []
    data["former_names"] = list(enterprise.former_names)
    return data


@transaction.atomic
def enterprise_create(
    *,
    actor: User | None,
    name: str,
    uscc: str | None = None,
    customs_code: str | None = None,
    district: Unit | None = None,
    park: Unit | None = None,
    industry: Industry | None = None,
    tags: list[Tag] | None = None,
    status: str = EnterpriseStatus.ACTIVE,
    source: str = "manual",
    **fields: Any,
) -> Enterprise:
    clean_uscc, clean_customs = clean_identifiers(uscc=uscc, customs_code=customs_code)
    if not name.strip():
        raise ValidationError({"name": "企业名称不能为空。"})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_scope(actor, {"district": district, "park": park, **fields})
    if (
        actor is not None
        and district is None
        and park is None
        and not permissions.has(actor, Cap.SEE_CITY)
    ):
        raise ValidationError({"district": "请选择企业所在的县区或园区（您的数据范围内）。"})
    enterprise = Enterprise.objects.create(
        name=name.strip(),
        uscc=clean_uscc,
        customs_code=clean_customs,
        district=district,
        park=park,
        industry=industry,
        status=status,
        source=source,
        created_by=actor,
        **fields,
    )
    if tags:
        enterprise.tags.set(tags)
    enterprise_event(enterprise=enterprise, kind="created", text="建立企业档案", actor=actor)
    audit.record(
        actor=actor, action="enterprise.create", obj=enterprise, changes=_snapshot(enterprise)
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, tags: list[Tag] | None = None, **fields: Any
) -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = _snapshot(enterprise)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if "uscc" in fields or "customs_code" in fields:
        clean_uscc, clean_customs = clean_identifiers(
            uscc=fields.get("uscc", enterprise.uscc),
            customs_code=fields.get("customs_code", enterprise.customs_code),
            exclude_pk=enterprise.pk,
        )
        fields["uscc"], fields["customs_code"] = clean_uscc, clean_customs
    _check_scope(
        actor,
        {
            k: v
            for k, v in fields.items()
            if k in _FOREIGN_KEYS and getattr(enterprise, f"{k}_id") != getattr(v, "pk", v)
        },
    )
    new_name = fields.get("name", enterprise.name).strip()
    if not new_name:
        raise ValidationError({"name": "企业名称不能为空。"})
    if new_name != enterprise.name and enterprise.name not in enterprise.former_names:
        enterprise.former_names = [*enterprise.former_names, enterprise.name]
    fields["name"] = new_name
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.save()
    if tags is not None:
        enterprise.tags.set(tags)
    changes = audit.diff(before, _snapshot(enterprise))
    if changes:
        enterprise_event(
            enterprise=enterprise,
            kind="updated",
            text="修改企业档案：" + "、".join(_field_label(k) for k in changes),
            actor=actor,
            payload={"changes": list(changes)},
        )
        audit.record(actor=actor, action="enterprise.update", obj=enterprise, changes=changes)
    return enterprise


@transaction.atomic
def enterprise_merge(*, actor: User, keep: Enterprise, drop: Enterprise) -> Enterprise:
    """Merge `drop` into `keep`: every related row of every module moves to `keep`, names
    become former names, missing identifiers are taken over; `drop` is deleted."""
    if keep.pk == drop.pk:
        raise ValidationError("不能把企业与自身合并。")
    # Lock both rows in primary-key order, so two opposite merges cannot deadlock.
    locked = {
        e.pk: e
        for e in Enterprise.objects.select_for_update()
        .filter(pk__in=[keep.pk, drop.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError("企业档案已不存在，请刷新页面。")
    keep, drop = locked[keep.pk], locked[drop.pk]
    merge_hooks.run_before(keep, drop)
    moved: dict[str, int] = {}
    for relation in Enterprise._meta.related_objects:
        if relation.many_to_many:
            accessor = relation.get_accessor_name()
            if accessor is None:
                continue
            related_manager = getattr(drop, accessor)
            items = list(related_manager.all())
            getattr(keep, accessor).add(*items)
            moved[accessor] = len(items)
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        related_model: type[models.Model] = relation.related_model  # type: ignore[assignment]
        field_name = relation.field.name
        count = related_model._default_manager.filter(**{field_name: drop}).update(
            **{field_name: keep}
        )
        moved[related_model._meta.label_lower] = count
    keep.tags.add(*drop.tags.all())
    names = [*keep.former_names]
    for name in [drop.name, *drop.former_names]:
        if name != keep.name and name not in names:
            names.append(name)
    keep.former_names = names
    drop_uscc, drop_customs = drop.uscc, drop.customs_code
    inherited = {
        f: getattr(drop, f"{f}_id")
        for f in ("district", "park", "industry", "liaison")
        if getattr(keep, f"{f}_id") is None and getattr(drop, f"{f}_id") is not None
    }
    summary = {"dropped": {"id": drop.pk, "name": drop.name, "uscc": drop_uscc}, "moved": moved}
    drop_repr = str(drop)
    drop.delete()
    if not keep.uscc and drop_uscc:
        keep.uscc = drop_uscc
    if not keep.customs_code and drop_customs:
        keep.customs_code = drop_customs
    for field, value in inherited.items():
        setattr(keep, f"{field}_id", value)
    keep.save()
    enterprise_event(
        enterprise=keep,
        kind="merged",
        text=f"合并企业档案“{drop_repr}”",
        actor=actor,
        payload=summary,
    )
    merge_hooks.run_after(keep, drop)
    audit.record(actor=actor, action="enterprise.merge", obj=keep, changes=summary)
    return keep
