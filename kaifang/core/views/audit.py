"""The audit log search page, for administrators only."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaifang.core import audit_labels
from kaifang.core.audit_export import (
    AUDIT_HEADERS,
    AUDIT_WRITER,
    EXPORT_LIMIT,
    AuditFilterForm,
    audit_file,
    audit_filtered,
)
from kaifang.core.exports import export_response
from kaifang.core.lib.requests import current_user
from kaifang.core.models import AuditEntry


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    return audit_filtered(request.GET)


@staff_member_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names = audit_labels.RelatedNames()
    names.prefetch((e.object_type, e.changes) for e in page)
    for entry in page:
        entry.description = audit_labels.describe(entry.action, entry.object_type)  # type: ignore[attr-defined]
        entry.change_rows = audit_labels.change_rows(  # type: ignore[attr-defined]
            entry.action, entry.object_type, entry.changes, names
        )
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@staff_member_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit log as filtered on the page, in Excel, newest first (itself audited): written
    here, or by the worker when long (up to 50,000 entries, some seconds of writing)."""
    user = current_user(request)
    _, entries = _filtered(request)
    return export_response(
        request,
        writer=AUDIT_WRITER,
        user=user,
        rows=min(entries.count(), EXPORT_LIMIT),
        columns=len(AUDIT_HEADERS),
        title="审计日志",
        noun="条审计记录",
        write=lambda: audit_file(user=user, params=request.GET),
    )
