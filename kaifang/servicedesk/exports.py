"""企业诉求台账 and 企业走访记录 exports: the appeals or the visits as filtered on their list,
as an Excel file with its audit entry; written in the request, or by the worker when long
(kaifang.core.exports), as the user who asked, through the same filters and scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, export_stamp, exporter
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import User
from kaifang.servicedesk import selectors
from kaifang.servicedesk.forms import AppealFilterForm, VisitFilterForm
from kaifang.servicedesk.models import Visit
from kaifang.servicedesk.selectors import AppealFilters

APPEALS_WRITER = "servicedesk.appeals"
APPEAL_HEADERS = (
    "查询码",
    "企业",
    "类别",
    "标题",
    "渠道",
    "承办单位",
    "状态",
    "登记时间",
    "签收期限",
    "办结期限",
    "办结时间",
    "按期办结",
    "满意度",
    "退回次数",
    "重办次数",
)


def appeal_filters(params: QueryDict) -> tuple[AppealFilterForm, AppealFilters]:
    """The list's filter form over `params`, and the filters it gives (none when invalid)."""
    form = AppealFilterForm(params or None)
    if not form.is_valid():
        return form, AppealFilters()
    data = form.cleaned_data
    return form, AppealFilters(
        q=data["q"] or "",
        status=data["status"] or "",
        category=data["category"] or "",
        unit=data["unit"].pk if data["unit"] else None,
        view=data["view"] or "",
        sort=data["sort"] or "",
    )


@exporter(APPEALS_WRITER)
def appeals_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    """The appeals `user` sees under the list's filters `params`, in the list's order."""
    _, filters = appeal_filters(params)
    rows = [
        (
            a.tracking_code,
            a.enterprise_name,
            a.get_category_display(),
            a.title,
            a.get_source_display(),
            a.unit.name if a.unit else "",
            a.get_status_display(),
            timezone.localtime(a.registered_at).replace(tzinfo=None),
            a.accept_due,
            a.resolve_due,
            timezone.localtime(a.resolved_at).replace(tzinfo=None) if a.resolved_at else None,
            ("是" if a.resolved_on_time else "否") if a.resolved_at else "",
            a.rating,
            a.return_count,
            a.reopen_count,
        )
        for a in selectors.appeal_list(user=user, filters=filters)
    ]
    if progress is not None:
        progress(60, f"正在写入 Excel 文件（{len(rows):,} 件）")
    content = table_xlsx(
        title="企业诉求台账",
        subtitle=export_stamp(user, len(rows), "件"),
        headers=APPEAL_HEADERS,
        rows=rows,
    )
    audit.record(
        actor=user,
        action="export.appeals",
        object_type="servicedesk.appeal",
        object_repr=f"企业诉求台账（{len(rows)} 件）",
        changes={"filters": filters.__dict__, "rows": len(rows)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")  # as the register's export
    return ExportFile(name=f"企业诉求台账-{stamp}.xlsx", content=content, rows=len(rows))


VISITS_WRITER = "servicedesk.visits"
VISIT_HEADERS = (
    "走访日期",
    "企业",
    "统一社会信用代码",
    "走访人员",
    "接待人员",
    "企业反映情况",
    "发现问题",
    "发展计划",
    "后续跟进",
    "填报人",
)


def visit_filters(*, user: User, params: QueryDict) -> tuple[VisitFilterForm, QuerySet[Visit]]:
    """The visit list's filter form over `params`, and the visits it selects among those
    `user` may see (an invalid filter selects them all; the list shows its error)."""
    form = VisitFilterForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.visits_filtered(
        user,
        q=(data.get("q") or "").strip(),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@exporter(VISITS_WRITER)
def visits_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    """The visits `user` sees under the list's filters `params`, in the list's order."""
    form, qs = visit_filters(user=user, params=params)
    rows = [
        (
            v.visited_on,
            v.enterprise.name,
            v.enterprise.uscc,
            "、".join(o.display_name for o in v.officers.all()),
            v.people_met,
            v.enterprise_said,
            v.problems,
            v.plans,
            v.follow_ups,
            v.created_by.display_name if v.created_by else "",
        )
        for v in qs.prefetch_related("officers")
    ]
    if progress is not None:
        progress(60, f"正在写入 Excel 文件（{len(rows):,} 次）")
    content = table_xlsx(
        title="企业走访记录",
        subtitle=export_stamp(user, len(rows), "次"),
        headers=VISIT_HEADERS,
        rows=rows,
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {name: str(value) for name, value in chosen.items() if value}
    audit.record(
        actor=user,
        action="export.visits",
        object_type="servicedesk.visit",
        object_repr=f"企业走访记录（{len(rows)} 次）",
        changes={"filters": filters, "rows": len(rows)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(name=f"企业走访记录-{stamp}.xlsx", content=content, rows=len(rows))
