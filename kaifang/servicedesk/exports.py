"""企业诉求台账 export: the appeals as filtered on their list, as an Excel file with its audit
entry; written in the request, or by the worker when long (kaifang.core.exports), as the
user who asked, through the same filters and scope."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, exporter
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import User
from kaifang.servicedesk import selectors
from kaifang.servicedesk.forms import AppealFilterForm
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
        subtitle=f"导出时间 {timezone.localtime():%Y-%m-%d %H:%M}，共 {len(rows)} 件，"
        f"导出人 {user.display_name}",
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
