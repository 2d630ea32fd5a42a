"""Enterprises an import meets that the register does not know yet: created pending review
(待审核), with a timeline entry, by every import that can name one (customs, FDI, ODI)."""

from __future__ import annotations

from kaifang.core.models import User
from kaifang.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseStatus
from kaifang.trade.importers.common import NewEnterprise
from kaifang.trade.models import ImportBatch


def create_pending_enterprises(
    new_enterprises: list[NewEnterprise], *, actor: User | None, batch: ImportBatch | None
) -> dict[tuple[str, str], int]:
    """New identifiers become pending-review enterprises; returns ref key → id."""
    created: dict[tuple[str, str], int] = {}
    new_objects: list[Enterprise] = []
    for new in new_enterprises:
        existing = None
        if new.uscc:
            existing = Enterprise.objects.filter(uscc=new.uscc).first()
        if existing is None and new.customs_code:
            existing = Enterprise.objects.filter(customs_code=new.customs_code).first()
        if existing is not None:
            enterprise_id = existing.pk
        else:
            enterprise = Enterprise(
                name=new.name or new.uscc or new.customs_code,
                uscc=new.uscc or None,
                customs_code=new.customs_code or None,
                status=EnterpriseStatus.PENDING,
                source="import",
                created_by=actor,
            )
            enterprise.search_text = " ".join(
                p for p in (enterprise.name, new.uscc, new.customs_code) if p
            )
            new_objects.append(enterprise)
            continue
        for key in ref_keys(new.uscc, new.customs_code):
            created[key] = enterprise_id
    Enterprise.objects.bulk_create(new_objects, batch_size=1000)
    saved = Enterprise.objects.filter(uscc__in=[e.uscc for e in new_objects if e.uscc]).values_list(
        "id", "uscc", "customs_code"
    )
    by_customs = Enterprise.objects.filter(
        customs_code__in=[e.customs_code for e in new_objects if e.customs_code]
    ).values_list("id", "uscc", "customs_code")
    events = []
    for enterprise_id, uscc, customs_code in {*saved, *by_customs}:
        for key in ref_keys(uscc or "", customs_code or ""):
            created[key] = enterprise_id
        events.append(
            EnterpriseEvent(
                enterprise_id=enterprise_id,
                kind="created",
                text=f"由数据导入自动建档（待审核）：{batch.filename if batch else ''}",
                actor=actor,
            )
        )
    EnterpriseEvent.objects.bulk_create(events, batch_size=1000)
    return created


def ref_keys(uscc: str, customs_code: str) -> list[tuple[str, str]]:
    keys = []
    if uscc:
        keys.append(("uscc", uscc))
    if customs_code:
        keys.append(("customs_code", customs_code))
    return keys
