"""Writes of the library's side tables: fairs with their exhibitor lists (the data the 参展
condition is answered from) and the reply templates the service desk offers per category.
Editors only; one transaction each, with its audit record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import User
from kaifang.enterprises.models import Enterprise
from kaifang.library import fair_import
from kaifang.library.actions import _require_editor, support_item_evaluate
from kaifang.library.models import Document, Fair, FairExhibitor, ReplyTemplate, SupportItem

# --- fairs -------------------------------------------------------------------------------


@transaction.atomic
def fair_save(
    *,
    actor: User | None,
    name: str,
    session: str = "",
    city: str = "",
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    fair: Fair | None = None,
    is_synthetic: bool = False,
) -> Fair:
    _require_editor(actor)
    name, session = name.strip(), session.strip()
    if not name:
        raise ValidationError({"name": "请填写展会名称。"})
    if starts and ends and ends < starts:
        raise ValidationError({"ends": "闭幕日期早于开幕日期。"})
    clash = Fair.objects.filter(name=name, session=session)
    if fair is not None:
        clash = clash.exclude(pk=fair.pk)
    if clash.exists():
        raise ValidationError({"session": "已有同名同届次的展会。"})
    if fair is None:
        fair = Fair(is_synthetic=is_synthetic)
    fair.name, fair.session, fair.city, fair.starts, fair.ends = name, session, city, starts, ends
    fair.save()
    audit.record(
        actor=actor,
        action="library.fair_save",
        obj=fair,
        changes={"name": name, "session": session},
    )
    return fair


def items_naming_fair(fair_id: int) -> list[SupportItem]:
    """Support items whose conditions name the fair (JSON searched in Python: few items)."""
    return [
        item
        for item in SupportItem.objects.all()
        if any(
            c.get("type") == "fair" and fair_id in [int(f) for f in c.get("fairs", [])]
            for c in item.conditions
        )
    ]


@transaction.atomic
def fair_import_exhibitors(
    *, actor: User | None, fair: Fair, data: bytes, filename: str
) -> dict[str, int]:
    """Replace the fair's exhibitor list by the file's. Any bad row (unreadable code, a
    duplicate, an enterprise not in the register) refuses the whole file with every row's
    reason, and nothing changes. Then the items that name the fair are matched again."""
    _require_editor(actor)
    try:
        parsed = fair_import.parse(data, filename)
    except fair_import.FileUnreadable as error:
        raise ValidationError(str(error)) from error
    problems = list(parsed.errors)
    known = dict(
        Enterprise.objects.filter(uscc__in=[r.uscc for r in parsed.rows]).values_list("uscc", "pk")
    )
    for row in parsed.rows:
        if row.uscc not in known:
            shown = f"{row.uscc}（{row.name}）" if row.name else row.uscc
            problems.append(
                fair_import.RowProblem(
                    row.row, "统一社会信用代码", f"{shown}不在企业名录中，请先登记该企业"
                )
            )
    if problems:
        problems.sort(key=lambda p: p.row)
        raise ValidationError([str(p) for p in problems])
    locked = Fair.objects.select_for_update().get(pk=fair.pk)
    before = set(FairExhibitor.objects.filter(fair=locked).values_list("enterprise_id", flat=True))
    wanted = {known[r.uscc]: r for r in parsed.rows}
    FairExhibitor.objects.filter(fair=locked).exclude(enterprise_id__in=list(wanted)).delete()
    existing = {x.enterprise_id: x for x in FairExhibitor.objects.filter(fair=locked)}
    changed = 0
    for enterprise_id, row in wanted.items():
        current = existing.get(enterprise_id)
        if current is None:
            FairExhibitor.objects.create(
                fair=locked,
                enterprise_id=enterprise_id,
                booth=row.booth,
                area=row.area,
                row=row.row,
            )
        elif (current.booth, current.area, current.row) != (row.booth, row.area, row.row):
            current.booth, current.area, current.row = row.booth, row.area, row.row
            current.save(update_fields=["booth", "area", "row"])
            changed += 1
    locked.list_imported_at = timezone.now()
    locked.list_file = filename[:200]
    locked.save(update_fields=["list_imported_at", "list_file"])
    counts = {
        "rows": len(parsed.rows),
        "added": len(set(wanted) - before),
        "removed": len(before - set(wanted)),
        "changed": changed,
        "skipped": len(parsed.skipped),
    }
    audit.record(
        actor=actor,
        action="library.fair_import",
        obj=locked,
        changes={**counts, "file": filename},
    )
    for item in items_naming_fair(locked.pk):
        support_item_evaluate(item=item, actor=actor)
    fair.refresh_from_db()
    return counts


# --- reply templates ---------------------------------------------------------------------


@transaction.atomic
def reply_template_save(
    *,
    actor: User | None,
    category: str,
    title: str,
    text: str,
    document: Document | None = None,
    anchor: str = "",
    template: ReplyTemplate | None = None,
    is_synthetic: bool = False,
) -> ReplyTemplate:
    _require_editor(actor)
    if not title.strip() or not text.strip():
        raise ValidationError("请填写模板名称和答复内容。")
    if anchor and document is None:
        raise ValidationError({"anchor": "引用条款前请先选择政策文件。"})
    if template is None:
        template = ReplyTemplate(is_synthetic=is_synthetic)
    before: dict[str, Any] = {"category": template.category, "title": template.title}
    template.category, template.title, template.text = category, title.strip(), text.strip()
    template.document, template.anchor, template.updated_by = document, anchor, actor
    template.save()
    audit.record(
        actor=actor,
        action="library.template_save",
        obj=template,
        changes=audit.diff(before, {"category": category, "title": template.title}),
    )
    return template


@transaction.atomic
def reply_template_delete(*, actor: User | None, template: ReplyTemplate) -> None:
    _require_editor(actor)
    audit.record(
        actor=actor,
        action="library.template_delete",
        obj=template,
        changes={"title": template.title, "category": template.category},
    )
    template.delete()
