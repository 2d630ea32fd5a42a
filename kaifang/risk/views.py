"""风险预警 pages: scenarios and their results, the tariff-list import, drill-down to the
customs rows, exports, the visits sent to liaison officers, the watch list and dependence.
Every object comes through the scope gate; every figure through kaifang.risk.selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core.exports import HEAVY_CELL_WEIGHT, export_response
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.numbers import amount_unit, scaled
from kaifang.core.lib.requests import current_user
from kaifang.core.models import Partner, User
from kaifang.core.scope import get_for_user, units_visible_to, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.risk import actions, exports, selectors
from kaifang.risk import dependence as dependence_of
from kaifang.risk.forms import (
    DependenceForm,
    FollowUpForm,
    ScenarioForm,
    TariffListForm,
    WatchEntryForm,
)
from kaifang.risk.importers.tariff_list import parse_tariff_list
from kaifang.risk.matching import LOSS_FORMULAS
from kaifang.risk.models import FollowUp, FollowUpStatus, Scenario, WatchEntry
from kaifang.risk.records import ScenarioRecords
from kaifang.trade.models import CustomsRecord

ENTERPRISE_ROWS = 100
RECORDS_PAGE_SIZE = 50


def _scenario(request: HttpRequest, pk: int, *, write: bool = False) -> Scenario:
    return get_for_user(Scenario.objects.all(), current_user(request), pk, write=write)


def _bars(rows: list[Any], *, name: str, currency: str, links: list[str]) -> dict[str, Any]:
    scale = "wan"
    return {
        "name": name,
        "unit": amount_unit(currency, small=True),
        "labels": [r.name for r in rows],
        "values": [float(scaled(r.exposed, scale).replace(",", "")) for r in rows],
        "links": links,
    }


# --- scenarios ---------------------------------------------------------------------------------


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scenarios = selectors.scenarios_for(user)
    return render(
        request,
        "risk/scenario_list.html",
        {
            "scenarios": scenarios,
            "watch": selectors.watch_list()[:8],
            "open_follow_ups": visible_to(
                FollowUp.objects.filter(enterprise__liaison=user, status=FollowUpStatus.OPEN),
                user,
            ).count(),
        },
    )


@login_required
def scenario_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = actions.scenario_create(actor=user, **form.action_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "情景已创建，下方为测算结果。")
            return redirect("risk:scenario_detail", pk=scenario.pk)
    return render(request, "risk/scenario_form.html", {"form": form, "scenario": None})


@login_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scenario = _scenario(request, pk, write=True)
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST" and form.is_valid():
        try:
            actions.scenario_update(actor=user, scenario=scenario, **form.action_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "情景已保存。")
            return redirect("risk:scenario_detail", pk=scenario.pk)
    return render(request, "risk/scenario_form.html", {"form": form, "scenario": scenario})


@login_required
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scenario = _scenario(request, pk, write=True)
    actions.scenario_delete(actor=user, scenario=scenario)
    messages.success(request, f"已删除情景“{scenario.name}”。")
    return redirect("risk:scenario_list")


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scenario = _scenario(request, pk)
    result = selectors.scenario_exposure(user, scenario)
    currency = scenario.currency
    top = result.enterprises[:10]
    records_url = reverse("risk:scenario_records", args=[scenario.pk])
    enterprise_chart = _bars(
        top,
        name="受影响金额",
        currency=currency,
        links=[f"{records_url}?enterprise={e.enterprise_id}" for e in top],
    )
    district_chart = _bars(
        result.by_district[:10],
        name="受影响金额",
        currency=currency,
        links=[
            f"{records_url}?district={g.key}" if g.key.isdigit() else ""
            for g in result.by_district[:10]
        ],
    )
    follow_ups = list(selectors.follow_ups_for(user, scenario))
    return render(
        request,
        "risk/scenario_detail.html",
        {
            "scenario": scenario,
            "result": result,
            "partners": selectors.partners_label(scenario),
            "lines": selectors.product_lines(scenario, result),
            "enterprises": result.enterprises[:ENTERPRISE_ROWS],
            "more": max(len(result.enterprises) - ENTERPRISE_ROWS, 0),
            "formula": LOSS_FORMULAS[scenario.shock],
            "enterprise_chart": enterprise_chart,
            "district_chart": district_chart,
            "follow_ups": follow_ups,
            "visited": sum(1 for f in follow_ups if f.status == FollowUpStatus.VISITED),
            "events": scenario.events.select_related("actor")[:30],
            "follow_up_form": FollowUpForm(),
            "import_form": TariffListForm(),
            "can_write": scenario.can_be_written_by(user),
            "records_url": records_url,
            # One reverse for the whole table, not two per row (200 rows: ~0.2 s).
            "profile_prefix": reverse("enterprises:detail", args=[0]).removesuffix("0/"),
            "currency": currency,
            "unit": amount_unit(currency, small=True),
        },
    )


@login_required
def scenario_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The customs rows a scenario's figure sums: all, or one enterprise's or district's. The
    count and the total come from the exposure rollup (the same rows, summed over trade mode;
    from the records while the rollup of a month in the window is being rewritten), so only
    the page shown reads the records, through the plan cheapest for its depth
    (`records.ScenarioRecords`): its first page is no longer every record sorted."""
    user = current_user(request)
    scenario = _scenario(request, pk)
    spec = selectors.spec_for(scenario)
    until = spec.until or selectors.default_until(user)
    owner = selectors.scenario_owner(scenario)
    months = [] if until is None else selectors.window(until, spec.months)
    label = "全部受影响企业"
    enterprise = request.GET.get("enterprise", "")
    district = request.GET.get("district", "")
    firm = place_id = None
    if enterprise.isdigit():
        firm = int(enterprise)
        # The name from the register (through the scope gate, which the records share), not
        # from the first of its records: that read sorted the enterprise's records by id.
        named = visible_to(Enterprise.objects.filter(pk=firm), user)
        label = named.values_list("name", flat=True).first() or "该企业"
    elif district.isdigit():
        place_id = int(district)
        # the district's place name (东城区), from the units the user may see
        place = units_visible_to(user).filter(pk=place_id).first()
        label = place.place_name if place is not None else "所选县区"
    terms: dict[str, Any] = {
        "viewer": user,
        "spec": spec,
        "months": months,
        "owner": owner,
        "enterprise": firm,
        "district": place_id,
    }
    sums = selectors.matching_sums(**terms) if months else selectors.RecordSums(None, 0)
    records = ScenarioRecords(**terms, count=sums.rows)
    # duck-typed: a count known beforehand, each page read through its own plan
    page = Paginator(cast("QuerySet[CustomsRecord]", records), RECORDS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    names = dict(
        Partner.objects.filter(code__in={r.partner_code for r in page}).values_list(
            "code", "name_zh"
        )
    )
    return render(
        request,
        "risk/scenario_records.html",
        {
            "scenario": scenario,
            "page": page,
            "rows": [(r, names.get(r.partner_code, "")) for r in page],
            "total": None if sums.total is None else selectors.exact(sums.total),
            "label": label,
            "months": months,
            "currency": spec.currency,
            "query": request.GET.copy(),
        },
    )


@login_required
def scenario_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the scenario's products with a published tariff list (csv/xlsx)."""
    user = current_user(request)
    scenario = _scenario(request, pk, write=True)
    form = TariffListForm(request.POST or None, request.FILES or None)
    parsed = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        parsed = parse_tariff_list(upload.read(), filename=upload.name)
        if parsed.ok:
            count = actions.scenario_import_products(
                actor=user, scenario=scenario, lines=parsed.lines, filename=upload.name
            )
            messages.success(
                request, f"已导入 {count} 个商品编码，请核对下方“商品清单匹配”中每行的匹配数。"
            )
            return redirect(reverse("risk:scenario_detail", args=[scenario.pk]) + "#lines")
    return render(
        request,
        "risk/scenario_import.html",
        {"scenario": scenario, "form": form, "parsed": parsed},
    )


@login_required
@require_POST
def scenario_follow_ups(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scenario = _scenario(request, pk, write=True)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写1至500之间的企业数量。")
        return redirect("risk:scenario_detail", pk=scenario.pk)
    result = selectors.scenario_exposure(user, scenario)
    outcome = actions.follow_ups_create(
        actor=user,
        scenario=scenario,
        exposed=result.enterprises,
        top=form.cleaned_data["top"],
        currency=scenario.currency,
    )
    text = f"已派发走访任务 {outcome.created} 项，通知包联干部 {outcome.notified} 人"
    if outcome.existing:
        text += f"；{outcome.existing} 家企业此前已派发，未重复派发"
    if outcome.without_liaison:
        text += f"；{len(outcome.without_liaison)} 家企业尚无包联干部：" + "、".join(
            outcome.without_liaison[:5]
        )
    messages.success(request, text + "。")
    return redirect(reverse("risk:scenario_detail", args=[scenario.pk]) + "#follow-ups")


def _done_text(scenario: Scenario, user: User) -> str:
    follow_ups = list(selectors.follow_ups_for(user, scenario))
    if not follow_ups:
        return ""
    visited = sum(1 for f in follow_ups if f.status == FollowUpStatus.VISITED)
    return f"已向包联干部派发走访任务 {len(follow_ups)} 项，已走访 {visited} 家"


@login_required
def scenario_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scenario = _scenario(request, pk)
    result = selectors.scenario_exposure(user, scenario)
    return export_response(
        request,
        writer=exports.SCENARIO_WRITER,
        user=user,
        rows=len(result.enterprises) + 1,
        columns=len(exports.ENTERPRISE_HEADERS),
        title=f"{scenario.name}受影响企业",
        noun="家受影响企业及合计",
        params=QueryDict(f"pk={scenario.pk}"),
        weight=HEAVY_CELL_WEIGHT,  # written, read back and written again with four sheets
        write=lambda: exports.scenario_file(user=user, scenario=scenario, result=result),
    )


@login_required
def scenario_brief(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scenario = _scenario(request, pk)
    result = selectors.scenario_exposure(user, scenario)
    content = exports.scenario_brief(
        scenario=scenario,
        result=result,
        partners=selectors.partners_label(scenario),
        done=_done_text(scenario, user),
        area=selectors.scenario_area(scenario, user),
    )
    actions.scenario_export_recorded(actor=user, scenario=scenario, kind="docx")
    return file_download(content=content, filename=f"{scenario.name}-风险敞口简报.docx")


# --- follow-ups of the signed-in liaison officer ---------------------------------------------


@login_required
def my_follow_ups(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # the follow-ups of the firms the user is liaison officer of now (a handover passes them on)
    rows = visible_to(FollowUp.objects.filter(enterprise__liaison=user), user).select_related(
        "enterprise", "scenario"
    )
    return render(request, "risk/my_follow_ups.html", {"rows": rows.order_by("status", "-id")})


# --- watch list --------------------------------------------------------------------------------


@login_required
def watch_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    can_edit = selectors.can_maintain_watch_list(user)
    form = WatchEntryForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("关注国别由市商务局工作人员维护")
        if form.is_valid():
            data = form.cleaned_data
            actions.watch_entry_save(
                actor=user,
                partner=data["partner"],
                level=data["level"],
                note=data["note"],
                since=data["since"],
            )
            messages.success(request, f"已更新关注国别：{data['partner'].name_zh}")
            return redirect("risk:watch_list")
    return render(
        request,
        "risk/watch_list.html",
        {"entries": selectors.watch_list(), "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def watch_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    if not selectors.can_maintain_watch_list(user):
        raise PermissionDenied("关注国别由市商务局工作人员维护")
    entry = WatchEntry.objects.filter(pk=pk).select_related("partner").first()
    if entry is None:
        raise Http404("记录不存在")
    actions.watch_entry_delete(actor=user, entry=entry)
    messages.success(request, f"已移出关注国别：{entry.partner.name_zh}")
    return redirect("risk:watch_list")


# --- dependence without a scenario ---------------------------------------------------------


@login_required
def dependence(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = DependenceForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    figures = dependence_of.dependence(
        viewer=user,
        top_share=Decimal(data.get("top_share") or dependence_of.DEFAULT_TOP_SHARE),
        watch_share=Decimal(data.get("watch_share") or dependence_of.DEFAULT_WATCH_SHARE),
        months=data.get("months") or dependence_of.DEFAULT_MONTHS,
    )
    return render(request, "risk/dependence.html", {"form": form, "d": figures})
