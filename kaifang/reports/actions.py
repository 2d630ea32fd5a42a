"""Generate the monthly briefing and archive it: a new version per run, the previous one
kept (no longer current). Audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from kaifang.core import audit
from kaifang.core.models import User
from kaifang.core.scope import effective_scope
from kaifang.reports import briefing as data
from kaifang.reports.models import Briefing
from kaifang.reports.renderers.briefing import render_annex, render_briefing


def may_generate(user: User) -> bool:
    return effective_scope(user).sees_all


def briefing_render(*, year: int, month: int) -> tuple[bytes, bytes, str]:
    """The Word file, the Excel annex and the lead paragraph (for the CLI and the job)."""
    doc = data.build(year, month)
    return render_briefing(doc), render_annex(doc), doc.lead


def briefing_generate(*, year: int, month: int, actor: User | None) -> Briefing:
    if actor is not None and not may_generate(actor):
        raise PermissionDenied("只有全市范围用户可以生成工作月报")
    document, annex, lead = briefing_render(year=year, month=month)
    with transaction.atomic():
        previous = (
            Briefing.objects.select_for_update()
            .filter(year=year, month=month)
            .aggregate(v=Max("version"))["v"]
            or 0
        )
        Briefing.objects.filter(year=year, month=month, is_current=True).update(is_current=False)
        name = f"{year}年{month}月对外开放工作月报"
        created = Briefing(
            year=year,
            month=month,
            version=previous + 1,
            is_current=True,
            title=name,
            headline=lead,
            created_by=actor,
        )
        created.document.save(
            f"briefing-{year}{month:02d}-v{previous + 1}.docx", ContentFile(document), save=False
        )
        created.annex.save(
            f"briefing-{year}{month:02d}-v{previous + 1}-annex.xlsx", ContentFile(annex), save=False
        )
        created.save()
        audit.record(
            actor=actor,
            action="reports.briefing_generate",
            obj=created,
            changes={"year": year, "month": month, "version": created.version},
        )
    return created
