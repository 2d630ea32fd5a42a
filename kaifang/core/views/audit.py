"""The audit log search page, for administrators only."""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaifang.core import audit_labels
from kaifang.core.selectors import audit_search


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


@staff_member_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_search()
    if form.is_valid():
        data = form.cleaned_data
        entries = audit_search(
            user_query=data["user"],
            object_query=data["obj"],
            action=data["action"],
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.description = audit_labels.describe(entry.action, entry.object_type)  # type: ignore[attr-defined]
        entry.change_rows = audit_labels.change_rows(  # type: ignore[attr-defined]
            entry.action, entry.object_type, entry.changes
        )
    return render(request, "core/audit_list.html", {"form": form, "page": page})
