"""Pages of the library: search and list, read online with clause links, versions, upload,
support items with their matches and the 免申即享 ledger, an enterprise's 可享政策."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core import audit
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import get_for_user
from kaifang.library import actions, selectors
from kaifang.library.forms import (
    DocumentCreateForm,
    DocumentEditForm,
    LedgerForm,
    SearchForm,
    SupportItemForm,
    VersionForm,
)
from kaifang.library.models import (
    DocumentVersion,
    LedgerEntry,
    LedgerStatus,
    SearchSource,
    SupportItem,
)
from kaifang.library.permissions import is_editor, may_pay

PAGE = 20


def _refusal(error: ValidationError) -> str:
    return "；".join(error.messages)


def _require_editor(request: HttpRequest) -> None:
    if not is_editor(request.user):
        raise PermissionDenied("只有市商务局科室可以维护政策库。")


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    filters = form.filters()
    context: dict[str, Any] = {"form": form, "query": query, "can_edit": is_editor(request.user)}
    if query:
        raw = request.GET.get("page", "1")
        number = max(1, int(raw)) if raw.isdigit() else 1
        result = selectors.search_documents(
            user=request.user,
            query=query,
            filters=filters,
            limit=PAGE,
            offset=(number - 1) * PAGE,
        )
        context.update(result=result, number=number, pages=(result.total + PAGE - 1) // PAGE)
        params = request.GET.copy()
        params.pop("page", None)
        context["params"] = params.urlencode()
        return render(request, "library/search.html", context)
    docs = selectors.documents(user=request.user)
    for name in ("level", "kind", "status"):
        value = getattr(filters, name)
        if value:
            docs = docs.filter(**{name: value})
    if filters.issuer:
        docs = docs.filter(issuer__contains=filters.issuer)
    if filters.tag:
        docs = docs.filter(tags__contains=filters.tag)
    if filters.since:
        docs = docs.filter(issued__gte=filters.since)
    if filters.until:
        docs = docs.filter(issued__lte=filters.until)
    context["page"] = Paginator(docs, 30).get_page(request.GET.get("page"))
    return render(request, "library/document_list.html", context)


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = DocumentCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = actions.document_create(actor=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, "文件已入库，可以全文检索。")
            return redirect("library:document_detail", pk=document.pk)
    return render(request, "library/document_form.html", {"form": form, "title": "录入政策文件"})


def _reading(text: str) -> list[Any]:
    return selectors.blocks(text)


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    items = list(document.support_items.select_related("responsible_unit"))
    clauses = selectors.clause_index(document)
    for item in items:
        item.clause_label = clauses[item.anchor].label if item.anchor in clauses else ""  # type: ignore[attr-defined]
        item.described = selectors.describe_conditions(item)  # type: ignore[attr-defined]
    return render(
        request,
        "library/document_detail.html",
        {
            "document": document,
            "blocks": _reading(document.text),
            "versions": document.versions.select_related("created_by"),
            "items": items,
            "related": selectors.related_documents(
                user=request.user, source=SearchSource.LIBRARY, object_id=document.pk
            ),
            "can_edit": is_editor(request.user),
        },
    )


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404("版本不存在")
    return render(
        request,
        "library/version_detail.html",
        {"document": document, "version": version, "blocks": _reading(version.text)},
    )


@login_required
def version_original(request: HttpRequest, pk: int, number: int) -> FileResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    version: DocumentVersion | None = document.versions.filter(number=number).first()
    if version is None or not version.original:
        raise Http404("没有原始文件")
    audit.record(
        actor=current_user(request),
        action="export.library_original",
        obj=document,
        changes={"version": number},
    )
    return file_download(version.original, filename=version.original_name)


@login_required
def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    document = selectors.document_for_user(user=request.user, pk=pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.document_add_version(
                actor=current_user(request), document=document, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, f"已上传第 {version.number} 版，条款链接保持不变。")
            return redirect("library:document_detail", pk=document.pk)
    return render(
        request,
        "library/document_form.html",
        {"form": form, "title": f"上传修订版：{document.title}", "document": document},
    )


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    document = selectors.document_for_user(user=request.user, pk=pk)
    initial = {
        name: getattr(document, name)
        for name in (
            "title",
            "kind",
            "issuer",
            "doc_number",
            "level",
            "issued",
            "effective",
            "expiry",
            "tags",
            "responsible_unit",
            "status",
            "superseded_by",
        )
    }
    form = DocumentEditForm(request.POST or None, initial=initial, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            actions.document_update(
                actor=current_user(request), document=document, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, "已保存。")
            return redirect("library:document_detail", pk=document.pk)
    return render(
        request,
        "library/document_form.html",
        {"form": form, "title": f"修改：{document.title}", "document": document},
    )


@login_required
def source_read(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervision source document read in the library (read-through, not a copy)."""
    source = selectors.supervision_document(user=request.user, pk=pk)
    return render(
        request,
        "library/source_read.html",
        {
            "source": source,
            "blocks": _reading(source.text),
            "related": selectors.related_documents(
                user=request.user, source=SearchSource.SUPERVISION, object_id=source.pk
            ),
        },
    )


def _anchors(document: Any) -> list[tuple[str, str]]:
    return [
        (b.anchor, f"{b.label} {b.title[:30]}")
        for b in selectors.blocks(document.text)
        if b.anchor and b.kind not in {"chapter", "section"}
    ]


def _item_form(request: HttpRequest, document: Any, item: SupportItem | None) -> HttpResponse:
    _require_editor(request)
    initial = SupportItemForm.initial_for(item) if item else {}
    form = SupportItemForm(request.POST or None, initial=initial, anchors=_anchors(document))
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.support_item_save(
                actor=current_user(request), document=document, item=item, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, _refusal(error))
        else:
            counts = selectors.outcome_counts(user=request.user, item=saved)
            messages.success(
                request,
                f"已保存并完成匹配：符合 {counts['eligible']} 家，接近 {counts['near']} 家，"
                f"待核实 {counts['unknown']} 家。",
            )
            return redirect("library:item_detail", pk=saved.pk)
    return render(
        request, "library/item_form.html", {"form": form, "document": document, "item": item}
    )


@login_required
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    return _item_form(request, document, None)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(user=request.user, pk=pk)
    return _item_form(request, item.document, item)


ITEM_PAGE = 50  # matches and ledger rows per page of a support item


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(user=request.user, pk=pk)
    clauses = selectors.clause_index(item.document)
    ledger = selectors.ledger_for_item(user=request.user, item=item)
    matches = selectors.matches_for_item(user=request.user, item=item)
    return render(
        request,
        "library/item_detail.html",
        {
            "item": item,
            "clause": clauses.get(item.anchor),
            "described": selectors.describe_conditions(item),
            # a city-wide item matches thousands of firms: a page of each, totals over all
            "matches": Paginator(matches, ITEM_PAGE).get_page(request.GET.get("matches_page")),
            "counts": selectors.outcome_counts(user=request.user, item=item),
            "ledger": Paginator(ledger, ITEM_PAGE).get_page(request.GET.get("ledger_page")),
            "totals": selectors.ledger_totals(ledger),
            "can_edit": is_editor(request.user),
            "can_pay": may_pay(request.user, item),
        },
    )


@login_required
@require_POST
def item_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    item = selectors.item_for_user(user=request.user, pk=pk)
    counts = actions.support_item_evaluate(item=item, actor=current_user(request))
    messages.success(request, f"已重新匹配：符合 {counts['eligible']} 家。")
    return redirect("library:item_detail", pk=item.pk)


@login_required
@require_POST
def ledger_advance(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_for_user(LedgerEntry.objects.select_related("item"), request.user, pk)
    if not may_pay(request.user, entry.item):
        raise PermissionDenied("只有责任单位或市商务局科室可以确认、兑现。")
    form = LedgerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效。")
    else:
        try:
            actions.ledger_advance(
                actor=current_user(request),
                entry=entry,
                to=form.cleaned_data["to"],
                amount=form.cleaned_data.get("amount"),
            )
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            label = LedgerStatus(form.cleaned_data["to"]).label
            messages.success(request, f"{entry.enterprise}：已标记为{label}。")
    return redirect(reverse("library:item_detail", args=[entry.item_id]) + "#ledger")


@login_required
def enterprise_matches(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_for_user(user=request.user, pk=pk)
    return render(
        request,
        "library/enterprise_matches.html",
        {
            "enterprise": enterprise,
            "matches": selectors.matches_for_enterprise(user=request.user, enterprise=enterprise),
        },
    )
