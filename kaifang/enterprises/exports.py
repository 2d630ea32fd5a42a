"""企业名录 exports: the register as filtered, as an Excel file with its audit entry; written in
the request, or by the worker when long (kaifang.core.exports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, export_stamp, exporter
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import User
from kaifang.enterprises.forms import filters_for
from kaifang.enterprises.models import Enterprise, EnterpriseStatus, Ownership, Size
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


# A firm's columns as the export reads them: tuples, not model instances (building each firm,
# its district, park, industry and liaison officer, and a tag manager per firm, took half of a
# district's 399-firm export, session 56).
_COLUMNS = (
    "pk",
    "name",
    "uscc",
    "customs_code",
    "district__name",
    "park__name",
    "industry__name",
    "ownership",
    "size",
    "liaison__full_name",
    "liaison__username",
    "status",
    "contact_name",
    "contact_phone",
)
Row = tuple[Any, ...]


def _reported(rows: list[Row], progress: Progress | None) -> Iterator[Row]:
    """The firms, reporting progress while they are named (a worker's export)."""
    for done, row in enumerate(rows, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(80 * done / max(len(rows), 1), f"已读取 {done:,} / {len(rows):,} 家企业")
        yield row
    if progress is not None:
        progress(80, "正在写入 Excel 文件")


def _tag_names(ids: list[int]) -> dict[int, list[str]]:
    """Each firm's tags in their order (`Tag.Meta.ordering`), as `firm.tags.all()` lists them."""
    found: dict[int, list[str]] = defaultdict(list)
    through = Enterprise.tags.through.objects.order_by("tag__order", "tag__id")
    for start in range(0, len(ids), 5000):
        chunk = through.filter(enterprise_id__in=ids[start : start + 5000])
        for firm, name in chunk.values_list("enterprise_id", "tag__name"):
            found[firm].append(name)
    return found


@exporter(REGISTER_WRITER)
def register_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    _, filters = filters_for(user, params)
    firms = list(enterprise_list(user=user, filters=filters).values_list(*_COLUMNS))
    tags = _tag_names([firm[0] for firm in firms])
    ownership, size = dict(Ownership.choices), dict(Size.choices)
    status = dict(EnterpriseStatus.choices)
    rows = [
        (
            name,
            uscc or "",
            customs_code or "",
            district or "",
            park or "",
            industry or "",
            ownership.get(owned, owned),
            size.get(sized, sized),
            "、".join(tags.get(pk, ())),
            liaison_name or liaison_username or "",
            status.get(state, state),
            contact_name,
            contact_phone,
        )
        for (
            pk,
            name,
            uscc,
            customs_code,
            district,
            park,
            industry,
            owned,
            sized,
            liaison_name,
            liaison_username,
            state,
            contact_name,
            contact_phone,
        ) in _reported(firms, progress)
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
