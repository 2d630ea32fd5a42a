"""Register pages: list with filters and export, profile (一企一档), create, edit, merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaifang.core import permissions
from kaifang.core.exports import export_response
from kaifang.core.lib.fragments import RowCache
from kaifang.core.lib.requests import current_user
from kaifang.core.permissions import Cap
from kaifang.core.scope import can_write, visible_to
from kaifang.enterprises import actions
from kaifang.enterprises.exports import REGISTER_HEADERS, REGISTER_WRITER, register_file
from kaifang.enterprises.forms import EnterpriseFilterForm, EnterpriseForm, MergeForm, filters_for
from kaifang.enterprises.models import Enterprise, Tag
from kaifang.enterprises.panels import actions_for, render_panels
from kaifang.enterprises.selectors import EnterpriseFilters, enterprise_get, enterprise_list

PAGE_SIZE = 30
# What a row of the list shows (templates/enterprises/list.html): an enterprise row and its four
# joined rows in full cost more to compile and load than the page's template.
LIST_COLUMNS = (
    "id",
    "name",
    "former_names",
    "uscc",
    "customs_code",
    "status",
    "district",
    "district__name",
    "park",
    "park__name",
    "industry",
    "industry__name",
    "liaison",
    "liaison__username",
    "liaison__full_name",
)


ROWS = RowCache("enterprises/list_row.html")


def row_key(e: Enterprise) -> tuple[object, ...]:
    """Every value templates/enterprises/list_row.html reads."""
    return (
        e.pk,
        e.name,
        tuple(e.former_names or ()),
        e.uscc,
        e.customs_code,
        e.district.name if e.district else None,
        e.park.name if e.park else None,
        e.industry.name if e.industry else None,
        tuple(t.name for t in e.tags.all()),
        e.liaison.display_name if e.liaison else None,
        e.status,
    )


def _filters(request: HttpRequest) -> tuple[EnterpriseFilterForm, EnterpriseFilters]:
    return filters_for(current_user(request), request.GET)


@login_required
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    qs = enterprise_list(user=request.user, filters=filters).only(*LIST_COLUMNS)
    qs = qs.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # a read-only user (a leader) is offered no edit link that would answer 403
    can = permissions.has(request.user, Cap.WRITE)
    rows = [ROWS.render((*row_key(e), can), {"e": e, "can_write": can}) for e in page]
    return render(
        request,
        "enterprises/list.html",
        {"form": form, "page": page, "rows": rows, "can_write": can},
    )


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The register as filtered, to Excel: written here, or by the worker when it is long."""
    user = current_user(request)
    _, filters = _filters(request)
    count = enterprise_list(user=user, filters=filters).count()
    return export_response(
        request,
        writer=REGISTER_WRITER,
        user=user,
        rows=count,
        columns=len(REGISTER_HEADERS),
        title="企业名录",
        noun="家企业",
        write=lambda: register_file(user=user, params=request.GET),
    )


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get(user=request.user, pk=pk)
    events = enterprise.events.select_related("actor")[:30]
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "events": events,
            "tags": enterprise.tags.all(),
            "panels": render_panels(request, enterprise),
            "profile_actions": actions_for(request, enterprise),
            "can_write": can_write(request.user, enterprise),
            "can_merge": permissions.has(request.user, Cap.REGISTER),
        },
    )


@login_required
def enterprise_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    enterprise = enterprise_get(user=user, pk=pk, write=True) if pk else None
    if enterprise is None:
        permissions.require(user, Cap.WRITE, "您没有新增企业档案的权限（只读账号）。")
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tags = list(data.pop("tags"))
        try:
            if enterprise is None:
                enterprise = actions.enterprise_create(actor=user, tags=tags, **data)
            else:
                enterprise = actions.enterprise_update(
                    actor=user, enterprise=enterprise, tags=tags, **data
                )
        except ValidationError as error:
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, f"已保存“{enterprise.name}”的档案。")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    # Merging cannot be undone: the register's keepers (a unit's or the bureau's staff) do it,
    # not a liaison officer, whose scope is the firms he serves.
    permissions.require(user, Cap.REGISTER, "合并企业档案不可撤销，请由所在单位的工作人员办理。")
    keep = enterprise_get(user=user, pk=pk, write=True)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        term = form.cleaned_data["other"].strip().upper()
        candidates = visible_to(Enterprise.objects.exclude(pk=keep.pk), user)
        other = (
            candidates.filter(uscc=term).first()
            or candidates.filter(customs_code=term).first()
            or (
                candidates.filter(pk=int(term)).first()
                if term.isdigit() and len(term) < 10
                else None
            )
        )
        if other is None:
            form.add_error("other", "在您的数据范围内没有找到该企业。")
        else:
            try:
                actions.enterprise_merge(actor=user, keep=keep, drop=other)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"已将“{other.name}”合并到本档案，相关记录全部保留。")
                return redirect("enterprises:detail", pk=keep.pk)
    return render(request, "enterprises/merge.html", {"form": form, "enterprise": keep})
