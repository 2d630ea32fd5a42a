"""企业名录 exports: the register as filtered, as an Excel file with its audit entry; written in
the request, or by the worker when long (kaifang.core.exports)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, export_stamp, exporter
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import User
from kaifang.enterprises.forms import filters_for
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.selectors import enterprise_list

REGISTER_WRITER = "enterprises.register"
REGISTER_HEADERS = (
    "企业名称",
    "统一社会信用代码",
    "海关编码",
    "县区",
    "园区",
    "行业",
    "企业性质",
    "规模",
    "标签",
    "包联干部",
    "状态",
    "联系人",
    "联系电话",
)
PROGRESS_EVERY = 500


def _reported(qs: QuerySet[Enterprise], progress: Progress | None) -> Iterator[Enterprise]:
    """The firms, reporting progress while they are read (a worker's export)."""
    total = len(qs) if progress is not None else 0
    for done, firm in enumerate(qs, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(80 * done / max(total, 1), f"已读取 {done:,} / {total:,} 家企业")
        yield firm
    if progress is not None:
        progress(80, "正在写入 Excel 文件")


@exporter(REGISTER_WRITER)
def register_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    _, filters = filters_for(user, params)
    qs = enterprise_list(user=user, filters=filters).prefetch_related("tags")
    rows = [
        (
            e.name,
            e.uscc or "",
            e.customs_code or "",
            e.district.name if e.district else "",
            e.park.name if e.park else "",
            e.industry.name if e.industry else "",
            e.get_ownership_display(),
            e.get_size_display(),
            "、".join(t.name for t in e.tags.all()),
            e.liaison.display_name if e.liaison else "",
            e.get_status_display(),
            e.contact_name,
            e.contact_phone,
        )
        for e in _reported(qs, progress)
    ]
    content = table_xlsx(
        title="外向型企业名录",
        subtitle=export_stamp(user, len(rows), "家"),
        headers=REGISTER_HEADERS,
        rows=rows,
        widths=[36, 22, 14, 14, 18, 24, 10, 8, 20, 10, 8, 10, 16],
    )
    audit.record(
        actor=user,
        action="export.enterprises",
        object_type="enterprises.enterprise",
        object_repr=f"企业名录导出（{len(rows)} 家）",
        changes={"filters": filters.__dict__, "rows": len(rows)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(name=f"外向型企业名录-{stamp}.xlsx", content=content, rows=len(rows))
