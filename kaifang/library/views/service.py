"""Pages of the library beyond reading and matching: Excel exports of matches and of the 免申即享
ledger, the ledger across items with totals per policy, fairs with their exhibitor lists
(Excel import), and the reply templates per appeal category."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaifang.core.exports import HEAVY_CELL_WEIGHT, export_response
from kaifang.core.lib.requests import current_user
from kaifang.library import exports
from kaifang.library.actions import fairs as actions_fairs
from kaifang.library.forms import FairForm, FairImportForm, ReplyTemplateForm
from kaifang.library.permissions import is_editor
from kaifang.library.selectors import service as selectors_service
from kaifang.library.views import _refusal, _require_editor

# --- exports -----------------------------------------------------------------------------


def _export(request: HttpRequest, table: str, pk: int | None = None) -> HttpResponse:
    """One of the library's exports (`exports.table_for`): written here, or by the worker
    when long (the city's ledger: 1,800 entries, 460 ms in the request; session 54)."""
    user = current_user(request)
    params = request.GET.copy()
    params["table"] = table
    if pk is not None:
        params["pk"] = str(pk)
    found = exports.table_for(user, params)
    return export_response(
        request,
        writer=exports.LIBRARY_WRITER,
        user=user,
        rows=found.count,
        columns=len(found.headers),
        title=found.title,
        noun="条",
        params=params,
        weight=HEAVY_CELL_WEIGHT,  # the library's sheets wrap their text
        write=lambda: exports.table_file(actor=user, table=found),
    )


@login_required
def item_matches_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, "item_matches", pk)


@login_required
def item_ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, "item_ledger", pk)


@login_required
def enterprise_matches_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, "enterprise_matches", pk)


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    entries = selectors_service.ledger_entries(user=request.user)
    status = request.GET.get("status", "")
    if status:
        entries = entries.filter(status=status)
    return render(
        request,
        "library/ledger_list.html",
        {
            "totals": selectors_service.ledger_by_policy(entries),
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
            "status": status,
            "tab": "ledger",
            "can_edit": is_editor(request.user),
        },
    )


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "ledger")


# --- fairs -------------------------------------------------------------------------------


@login_required
def fair_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "library/fair_list.html",
        {
            "fairs": selectors_service.fairs(user=request.user),
            "tab": "fairs",
            "can_edit": is_editor(request.user),
        },
    )


@login_required
def fair_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = FairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fair = actions_fairs.fair_save(actor=current_user(request), **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, "展会已登记，请导入参展企业名单。")
            return redirect("library:fair_detail", pk=fair.pk)
    return render(request, "library/fair_form.html", {"form": form, "tab": "fairs"})


@login_required
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fair = selectors_service.fair_for_user(user=request.user, pk=pk)
    form = FairImportForm()
    errors: list[str] = []
    if request.method == "POST":
        _require_editor(request)
        form = FairImportForm(request.POST, request.FILES)
        if form.is_valid():
            raw, name = form.cleaned_data["upload"]
            try:
                counts = actions_fairs.fair_import_exhibitors(
                    actor=current_user(request), fair=fair, data=raw, filename=name
                )
            except ValidationError as error:
                errors = error.messages
            else:
                skipped = f"，跳过合计或说明行 {counts['skipped']} 行" if counts["skipped"] else ""
                messages.success(
                    request,
                    f"已导入 {counts['rows']} 家参展企业（新增 {counts['added']}，"
                    f"移出 {counts['removed']}{skipped}），相关支持条款已重新匹配。",
                )
                return redirect("library:fair_detail", pk=fair.pk)
    return render(
        request,
        "library/fair_detail.html",
        {
            "fair": fair,
            "page": Paginator(
                selectors_service.exhibitors(user=request.user, fair=fair), 50
            ).get_page(request.GET.get("page")),
            "items": actions_fairs.items_naming_fair(fair.pk),
            "form": form,
            "import_errors": errors,
            "tab": "fairs",
            "can_edit": is_editor(request.user),
        },
        status=400 if errors or (request.method == "POST" and form.errors) else 200,
    )


# --- reply templates ---------------------------------------------------------------------


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    rows = list(selectors_service.templates(user=request.user, category=category))
    labels = dict(selectors_service.appeal_categories())
    for row in rows:
        row.category_label = labels.get(row.category, row.category)  # type: ignore[attr-defined]
    return render(
        request,
        "library/template_list.html",
        {
            "templates": rows,
            "categories": selectors_service.appeal_categories(),
            "category": category,
            "tab": "templates",
            "can_edit": is_editor(request.user),
        },
    )


def _template_form(request: HttpRequest, template: object | None) -> HttpResponse:
    _require_editor(request)
    initial = {}
    if template is not None:
        initial = {
            name: getattr(template, name) for name in ("category", "title", "text", "anchor")
        }
        initial["document"] = getattr(template, "document_id", None)
    elif request.GET.get("category"):
        initial["category"] = request.GET["category"]
    form = ReplyTemplateForm(
        request.POST or None, initial=initial, categories=selectors_service.appeal_categories()
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions_fairs.reply_template_save(
                actor=current_user(request),
                template=template,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, "答复模板已保存。")
            return redirect("library:template_list")
    return render(
        request,
        "library/template_form.html",
        {"form": form, "template": template, "tab": "templates"},
    )


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors_service.template_for_user(user=request.user, pk=pk)
    return _template_form(request, template)


@login_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    template = selectors_service.template_for_user(user=request.user, pk=pk)
    actions_fairs.reply_template_delete(actor=current_user(request), template=template)
    messages.success(request, f"已删除答复模板“{template.title}”。")
    return redirect("library:template_list")
