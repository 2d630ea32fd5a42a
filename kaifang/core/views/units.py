"""Unit pages: the tree everyone may browse within scope; changes for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaifang.core import actions
from kaifang.core.forms import UnitForm
from kaifang.core.lib.requests import current_user
from kaifang.core.models import Unit
from kaifang.core.scope import get_for_user, visible_to
from kaifang.core.selectors import unit_tree


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/unit_list.html", {"rows": unit_tree(user=request.user)})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user(Unit.objects.select_related("parent"), request.user, pk)
    children = visible_to(unit.children.all(), request.user)
    users = unit.users.filter(is_active=True).prefetch_related("roles")
    return render(
        request, "core/unit_detail.html", {"unit": unit, "children": children, "users": users}
    )


def _apply_errors(form: UnitForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


@staff_member_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    unit = get_for_user(Unit.objects.all(), user, pk, write=True) if pk else None
    if request.method == "POST":
        form = UnitForm(request.POST)
        if form.is_valid():
            try:
                if unit is None:
                    unit = actions.unit_create(actor=user, **form.cleaned_data)
                else:
                    unit = actions.unit_update(actor=user, unit=unit, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"已保存单位“{unit.name}”。")
                return redirect("core:unit_detail", pk=unit.pk)
    else:
        initial = {}
        if unit is not None:
            initial = {
                "name": unit.name,
                "short_name": unit.short_name,
                "aliases": unit.aliases,
                "kind": unit.kind,
                "parent": unit.parent,
                "order": unit.order,
            }
        form = UnitForm(initial=initial)
    return render(request, "core/unit_form.html", {"form": form, "unit": unit})


@staff_member_required
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    unit = get_for_user(Unit.objects.all(), user, pk, write=True)
    if request.method == "POST":
        try:
            actions.unit_delete(actor=user, unit=unit)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("core:unit_detail", pk=unit.pk)
        messages.success(request, f"已删除单位“{unit.name}”。")
        return redirect("core:unit_list")
    return render(request, "core/confirm_delete.html", {"object": unit, "kind": "单位"})
