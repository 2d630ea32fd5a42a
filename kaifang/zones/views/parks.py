"""园区: list, page (enterprises and their trade, monthly KPIs and yearly output against target,
专人专班, projects). The monthly KPI grid, import and targets: views/park_kpis.py."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core.lib.requests import current_user
from kaifang.core.scope import can_write
from kaifang.zones import selectors
from kaifang.zones.actions import parks as actions_parks
from kaifang.zones.forms import OutputForm, ParkForm, TargetForm, TeamForm
from kaifang.zones.models import Park, ParkKpiDefinition, ParkTier
from kaifang.zones.permissions import is_registrar, require_editor, require_registrar
from kaifang.zones.views.common import (
    add_action_errors,
    attempt,
    form_errors,
    xlsx_download,
    year_param,
)


def _parks(request: HttpRequest) -> tuple[str, str, QuerySet[Park]]:
    q = (request.GET.get("q") or "").strip()
    tier = request.GET.get("tier") or ""
    qs = selectors.parks_visible(user=request.user).prefetch_related("outputs")
    if q:
        qs = qs.filter(name__icontains=q)
    if tier in ParkTier.values and tier:
        qs = qs.filter(tier=tier)
    return q, tier, qs


@login_required
def park_list(request: HttpRequest) -> HttpResponse:
    q, tier, qs = _parks(request)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "zones/park_list.html",
        {
            "page": page,
            "q": q,
            "tier": tier,
            "tiers": [c for c in ParkTier.choices if c[0]],
            "query": request.GET.urlencode(),
            "can_edit": is_registrar(request.user),  # no 新建 button that would answer 403
        },
    )


def _latest_output(park: Park) -> tuple[int | None, Decimal | None, Decimal | None]:
    outputs = sorted(park.outputs.all(), key=lambda o: o.year)
    if not outputs:
        return None, None, None
    last = outputs[-1]
    return last.year, last.output, last.target


@login_required
def park_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _q, _tier, qs = _parks(request)
    rows = []
    for park in qs:
        year, output, target = _latest_output(park)
        rows.append(
            [
                park.name,
                park.get_kind_display(),
                park.district.name if park.district else "",
                park.area_km2,
                park.get_tier_display() if park.tier else "",
                year,
                output,
                target,
            ]
        )
    return xlsx_download(
        actor=user,
        title="园区清单",
        headers=[
            "园区名称",
            "类型",
            "所在县区",
            "面积（平方公里）",
            "目标层级",
            "年度",
            "营业收入/产值（亿元）",
            "目标（亿元）",
        ],
        rows=rows,
        action="export.zones.parks",
        object_type="zones.park",
        widths=[30, 18, 16, 14, 10, 8, 18, 14],
    )


@login_required
def park_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_registrar(user)
    form = ParkForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            park = actions_parks.park_create(
                actor=user,
                name=data["name"],
                kind=data["kind"],
                unit=data["unit"],
                district=data["district"],
                area_km2=data["area_km2"],
                tier=data["tier"] or "",
                description=data["description"],
                lead_industries=list(data["lead_industries"]),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"已建立园区“{park.name}”。")
            return redirect("zones:park_detail", pk=park.pk)
    return render(request, "zones/park_form.html", {"form": form, "park": None})


@login_required
def park_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    park = selectors.park_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    initial = {name: getattr(park, name) for name in actions_parks.PARK_FIELDS}
    initial["lead_industries"] = list(park.lead_industries.all())
    form = ParkForm(request.POST or None, user=user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        industries = list(data.pop("lead_industries"))
        data["tier"] = data["tier"] or ""
        try:
            actions_parks.park_update(actor=user, park=park, lead_industries=industries, **data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("zones:park_detail", pk=park.pk)
    return render(request, "zones/park_form.html", {"form": form, "park": park})


ENTERPRISES_SHOWN = 200  # the park page's enterprise table; the register and the export hold all


@login_required
def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    park = selectors.park_for_user(user=request.user, pk=pk)
    trade = selectors.park_trade(user=request.user, park=park)
    enterprises = selectors.park_enterprises(user=request.user, park=park)
    by_id = {row.key: row for row in trade.rows}
    listed = [(e, by_id.get(str(e.pk))) for e in enterprises[:ENTERPRISES_SHOWN]]
    projects = selectors.projects_visible(user=request.user).filter(park_id=park.unit_id)
    year = year_param(request)
    progress = selectors.park_kpi_progress(park, year)
    charts = [(f"kpi-chart-{row.definition.pk}", selectors.kpi_chart(row)) for row in progress]
    return render(
        request,
        "zones/park_detail.html",
        {
            "park": park,
            "trade": trade,
            "q": trade.query,
            "enterprises": listed,
            "enterprise_count": enterprises.count(),
            "outputs": park.outputs.all(),
            "team": park.team.select_related("user"),
            "projects": projects[:30],
            "funnel": selectors.funnel(projects, by="year")[1],
            "platforms": selectors.platforms_visible(user=request.user).filter(
                park_id=park.unit_id
            ),
            "industries": park.lead_industries.all(),
            "events": park.events.select_related("actor")[:30],
            "editable": can_write(request.user, park),
            "output_form": OutputForm(),
            "progress": progress,
            "charts": charts,
            "year": year,
            "years": selectors.kpi_years(park),
            "definitions": ParkKpiDefinition.objects.all(),
            "target_form": TargetForm(initial={"year": year}, auto_id="kpi_%s"),
            "team_form": TeamForm(user=request.user),
        },
    )


@login_required
def park_enterprises_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    park = selectors.park_for_user(user=user, pk=pk)
    trade = selectors.park_trade(user=user, park=park)
    by_id = {row.key: row for row in trade.rows}
    rows = []
    for e in selectors.park_enterprises(user=user, park=park):
        row = by_id.get(str(e.pk))
        rows.append(
            [
                e.name,
                e.uscc or "",
                e.industry.name if e.industry else "",
                e.get_status_display(),
                row.sums.ytd if row else 0,
                row.sums.ytd_prev if row else 0,
            ]
        )
    rows.append(["合计", "", "", "", trade.total.sums.ytd, trade.total.sums.ytd_prev])
    return xlsx_download(
        actor=user,
        title=f"{park.name}企业名单",
        headers=[
            "企业名称",
            "统一社会信用代码",
            "行业",
            "状态",
            f"{trade.query.ytd_label}进出口（美元）",
            "上年同期（美元）",
        ],
        rows=rows,
        action="export.zones.park_enterprises",
        object_type="zones.park",
        widths=[36, 22, 24, 8, 20, 20],
        changes={"park": park.pk},
    )


def _park(request: HttpRequest, pk: int) -> Park:
    user = current_user(request)
    park = selectors.park_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    return park


def _back(park: Park, anchor: str = "") -> str:
    return reverse("zones:park_detail", args=[park.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def park_output(request: HttpRequest, pk: int) -> HttpResponse:
    park, user = _park(request, pk), current_user(request)
    form = OutputForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(park, "output"))
    return attempt(
        request,
        lambda: actions_parks.park_output_set(actor=user, park=park, **form.cleaned_data),
        success="已保存年度产值。",
        back=_back(park, "output"),
    )


@login_required
@require_POST
def park_team_add(request: HttpRequest, pk: int) -> HttpResponse:
    park, user = _park(request, pk), current_user(request)
    form = TeamForm(request.POST, user=user)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(park, "team"))
    return attempt(
        request,
        lambda: actions_parks.park_team_add(actor=user, park=park, **form.cleaned_data),
        success="已加入专班。",
        back=_back(park, "team"),
    )


@login_required
@require_POST
def park_team_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    park, user = _park(request, pk), current_user(request)
    member = park.team.filter(pk=member_pk).first()
    if member is None:
        raise Http404("专班成员不存在")
    return attempt(
        request,
        lambda: actions_parks.park_team_remove(actor=user, member=member),
        success="已移出专班。",
        back=_back(park, "team"),
    )
