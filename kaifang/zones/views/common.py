"""What every zones view shares: run an action and turn its refusal into a message; the
audited Excel export of a list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import export_stamp
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.xlsx import Cell, table_xlsx
from kaifang.core.models import User
from kaifang.core.scope import can_write
from kaifang.zones.forms import KpiImportForm
from kaifang.zones.permissions import require_editor


def attempt(
    request: HttpRequest, action: Callable[[], Any], *, success: str, back: str
) -> HttpResponse:
    """Run the action; on refusal show its Chinese message. Either way go back."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, success)
    return HttpResponseRedirect(back)


def form_errors(request: HttpRequest, form: Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def add_action_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def xlsx_download(
    *,
    actor: User,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    action: str,
    object_type: str,
    widths: Sequence[int] | None = None,
    changes: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list as an .xlsx attachment, with the audit entry every export writes."""
    materialised = [list(r) for r in rows]
    content = table_xlsx(
        title=title,
        subtitle=export_stamp(actor, len(materialised)),
        headers=headers,
        rows=materialised,
        widths=widths,
    )
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_repr=f"{title}（{len(materialised)} 条）",
        changes={"rows": len(materialised), **(changes or {})},
    )
    return file_download(content=content, filename=f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


def year_param(request: HttpRequest) -> int:
    """?year=, or this year when absent or impossible."""
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def month_param(raw: str) -> dt.date:
    """A "2026-03" month, or this month when it is not one."""
    try:
        year, month = (int(p) for p in raw.split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def grid_values(
    request: HttpRequest, definitions: Sequence[Any]
) -> tuple[dict[int, Decimal | None], list[str]]:
    """The month's KPI grid as posted: one figure (or None when blank) per definition, and a
    Chinese message for each that is not a number."""
    values: dict[int, Decimal | None] = {}
    errors: list[str] = []
    for d in definitions:
        raw = (request.POST.get(f"kpi_{d.pk}") or "").strip().replace(",", "")
        if not raw:
            values[d.pk] = None
            continue
        try:
            values[d.pk] = Decimal(raw)
        except InvalidOperation:
            errors.append(f"{d.name}：“{raw}”不是数字")
    return values, errors


def kpi_grid(
    request: HttpRequest,
    *,
    user: User,
    owner: Any,
    definitions: Sequence[Any],
    current: Callable[[dt.date], dict[int, Decimal]],
    save: Callable[[dt.date, dict[int, Decimal | None]], int],
    url_name: str,
    template: str,
    context_name: str,
) -> HttpResponse:
    """The month's KPI grid of a platform or a park: one figure per definition, saved all or
    none by `save(period, values)`; a refusal or a bad figure keeps what was typed."""
    period = month_param(request.GET.get("month") or request.POST.get("month") or "")
    errors: list[str] = []
    if request.method == "POST":
        if not can_write(user, owner):
            raise PermissionDenied("您没有修改此记录的权限")
        require_editor(user)
        values, errors = grid_values(request, definitions)
        if not errors:
            try:
                written = save(period, values)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, f"已保存 {period:%Y年%m月} 的 {written} 项指标。")
                return redirect(reverse(url_name, args=[owner.pk]) + f"?month={period:%Y-%m}")
    shown = current(period)
    rows = [
        {
            "definition": d,
            "name": f"kpi_{d.pk}",
            "value": request.POST.get(f"kpi_{d.pk}", "") if errors else shown.get(d.pk, ""),
        }
        for d in definitions
    ]
    return render(
        request,
        template,
        {
            context_name: owner,
            "period": period,
            "rows": rows,
            "errors": errors,
            "import_form": KpiImportForm(),
            "editable": can_write(user, owner),
        },
    )
