"""审计日志 export: the log as filtered on its page, newest first, as an Excel file (itself
audited); written in the request, or by the worker when long (kaifang.core.exports), for
administrators only."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from kaifang.core import audit, audit_labels
from kaifang.core.exports import ExportFile, Progress, export_stamp, exporter
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import AuditEntry, User
from kaifang.core.selectors import audit_search

AUDIT_WRITER = "core.audit"
AUDIT_HEADERS = ("时间", "操作人", "操作", "操作代码", "对象", "对象编号", "变更", "IP 地址")
EXPORT_LIMIT = 50_000  # rows in one file; narrow the dates for more


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="操作人", required=False)
    obj = forms.CharField(label="对象", required=False)
    action = forms.CharField(
        label="操作",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：导出、修改外向型企业"}),
    )
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput({"type": "date"})
    )


def audit_filtered(params: QueryDict) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    """The page's filter form over `params`, and the entries it selects, newest first."""
    form = AuditFilterForm(params or None)
    if not form.is_valid():
        return form, audit_search()
    data = form.cleaned_data
    return form, audit_search(
        user_query=data["user"],
        object_query=data["obj"],
        action=data["action"],
        since=data["since"],
        until=data["until"],
    )


def _change_text(entry: AuditEntry, names: audit_labels.RelatedNames) -> str:
    rows = audit_labels.change_rows(entry.action, entry.object_type, entry.changes, names)
    return "；".join(
        f"{row.label}：{row.new}" if row.old is None else f"{row.label}：{row.old} → {row.new}"
        for row in rows
    )


@exporter(AUDIT_WRITER)
def audit_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    """The entries the page's filters `params` select, at most `EXPORT_LIMIT`, newest first."""
    if not (user.is_active and user.is_staff):
        raise PermissionDenied("只有管理员可以导出审计日志。")
    form, entries = audit_filtered(params)
    total = entries.count()
    chosen_entries = list(entries[:EXPORT_LIMIT])
    names = audit_labels.RelatedNames()
    names.prefetch((e.object_type, e.changes) for e in chosen_entries)
    rows = [
        (
            timezone.localtime(e.created_at).replace(tzinfo=None),
            e.actor_name,
            audit_labels.describe(e.action, e.object_type),
            e.action,
            e.object_repr,
            e.object_id,
            _change_text(e, names),
            e.ip_address or "",
        )
        for e in chosen_entries
    ]
    if progress is not None:
        progress(60, f"正在写入 Excel 文件（{len(rows):,} 条）")
    more = f"（仅导出最近 {EXPORT_LIMIT:,} 条，请缩小日期范围）" if total > len(rows) else ""
    content = table_xlsx(
        title="审计日志",
        subtitle=export_stamp(user, total, note=more),
        headers=AUDIT_HEADERS,
        rows=rows,
        widths=[20, 12, 24, 28, 30, 10, 60, 16],
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    audit.record(
        actor=user,
        action="export.audit",
        object_type="core.auditentry",
        object_repr=f"审计日志（{len(rows)} 条）",
        changes={
            "filters": {name: str(value) for name, value in chosen.items() if value},
            "rows": len(rows),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(name=f"审计日志-{stamp}.xlsx", content=content, rows=len(rows))
