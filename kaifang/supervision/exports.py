"""The ledger (督办台账) and the progress summary: tasks turned into plain rows, then into
Word by the pure renderer in kaifang.reports, Excel by the one writer in core/lib/xlsx.py.
Every export is audited. The ledger of the filtered list is written in the request, or by the
worker when long (kaifang.core.exports), as the user who asked, through the same filters and
scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.exports import ExportFile, Progress, exporter
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.models import User
from kaifang.reports.renderers.docx import OfficialDocument, render_official
from kaifang.supervision import selectors
from kaifang.supervision.forms import TaskFilterForm
from kaifang.supervision.models import Light, ProgressReport, Task, TaskStatus
from kaifang.supervision.selectors import latest_reports

LEDGER_WRITER = "supervision.ledger"
LEDGER_COLUMNS = ("序号", "任务", "牵头单位", "责任单位", "完成时限", "进展情况", "状态")
# the Excel ledger's columns after the Word ledger's
LEDGER_EXTRA_COLUMNS = ("来源文件", "责任领导", "标签", "进度(%)", "原定时限", "按期办结")
FORMAT_PARAM = "fmt"  # the writer's parameter naming the file: "xlsx" or "docx"


def task_filters(*, user: User, params: QueryDict) -> tuple[TaskFilterForm, selectors.TaskFilter]:
    """The task list's filter form over `params` (its documents those `user` sees), and the
    filters it gives (none when invalid): the list, its exports and the worker's writer."""
    form = TaskFilterForm(params or None, documents=selectors.documents_visible(user=user))
    if form.is_valid():
        return form, selectors.TaskFilter(**form.cleaned_data)
    return form, selectors.TaskFilter()


@exporter(LEDGER_WRITER)
def ledger_file(*, user: User, params: QueryDict, progress: Progress | None = None) -> ExportFile:
    """The ledger of the tasks `user` sees under the list's filters `params`, as Word when
    `params["fmt"]` says "docx", else Excel."""
    _, filters = task_filters(user=user, params=params)
    tasks = selectors.task_list(user=user, filters=filters)
    fmt = "docx" if params.get(FORMAT_PARAM) == "docx" else "xlsx"
    if progress is not None:
        progress(30, "正在写入 Word 文件" if fmt == "docx" else "正在写入 Excel 文件")
    if fmt == "docx":
        data, count = ledger_docx(actor=user, tasks=tasks)
    else:
        data, count = ledger_xlsx(actor=user, tasks=tasks)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return ExportFile(name=f"督办台账-{stamp}.{fmt}", content=data, rows=count)


def _deadline_label(task: Task) -> str:
    text = f"{task.deadline:%Y-%m-%d}"
    if task.is_extended:
        text += f"（原定 {task.original_deadline:%Y-%m-%d}）"
    return text


def _status_label(task: Task) -> str:
    light = getattr(task, "light", "")
    label = TaskStatus(task.status).label
    if light in (Light.RED, Light.YELLOW):
        label += f"（{Light(light).label}）"
    return label


def ledger_rows(tasks: Sequence[Task]) -> list[list[str]]:
    latest = latest_reports([t.pk for t in tasks])
    rows = []
    for number, task in enumerate(tasks, start=1):
        report: ProgressReport | None = latest.get(task.pk)
        progress = f"{report.reported_on:%m-%d} {report.percent}%：{report.text}" if report else "—"
        rows.append(
            [
                str(number),
                task.title,
                task.lead_unit.name,
                "、".join(u.name for u in task.co_units.all()),
                _deadline_label(task),
                progress,
                _status_label(task),
            ]
        )
    return rows


def ledger_docx(
    *, actor: User, tasks: QuerySet[Task], title: str = "督办事项台账"
) -> tuple[bytes, int]:
    """The Word ledger and the number of tasks it holds."""
    items = list(tasks.prefetch_related("co_units"))
    today = timezone.localdate()
    data = render_official(
        OfficialDocument(
            title=title,
            subtitle=f"（截至 {today:%Y年%m月%d日}）",
            columns=LEDGER_COLUMNS,
            rows=ledger_rows(items),
            widths_cm=(1.2, 8.0, 3.0, 3.0, 2.6, 6.0, 2.2),
        )
    )
    audit.record(
        actor=actor,
        action="export.supervision.ledger_docx",
        object_type="supervision.task",
        object_repr=f"{title}（{len(items)} 项）",
        changes={"count": len(items)},
    )
    return data, len(items)


def ledger_xlsx(
    *, actor: User, tasks: QuerySet[Task], title: str = "督办事项台账"
) -> tuple[bytes, int]:
    """The Excel ledger (the Word one's columns and six more) and the number of tasks."""
    items = list(tasks.prefetch_related("co_units"))
    rows = ledger_rows(items)
    extra = [
        [
            t.document.title if t.document else "",
            t.leader.display_name if t.leader else "",
            t.tags,
            t.percent,
            t.original_deadline,
            "是" if t.on_time else ("否" if t.on_time is False else ""),
        ]
        for t in items
    ]
    data = table_xlsx(
        title=title,
        headers=[*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS],
        rows=[[*r, *e] for r, e in zip(rows, extra, strict=True)],
        sheet_title="督办台账",
        widths=(6, 50, 16, 20, 14, 40, 12, 24, 10, 16, 8, 12, 8),
        header_fill=None,
        merge_title=True,
        wrap=True,
    )
    audit.record(
        actor=actor,
        action="export.supervision.ledger_xlsx",
        object_type="supervision.task",
        object_repr=f"{title}（{len(items)} 项）",
        changes={"count": len(items)},
    )
    return data, len(items)


def summary_docx(*, tasks: Sequence[Task], period: str, since: dt.date, until: dt.date) -> bytes:
    """督查督办工作进展情况 for the week or month ending `until` (a job's result)."""
    reports = list(
        ProgressReport.objects.filter(
            task__in=[t.pk for t in tasks], reported_on__gte=since, reported_on__lte=until
        ).select_related("task", "task__lead_unit")
    )
    total = len(tasks)
    by_light = {light: 0 for light in Light.values}
    for task in tasks:
        by_light[str(getattr(task, "light", Light.BLUE))] += 1
    done_in_period = [
        t for t in tasks if t.done_at and since <= timezone.localdate(t.done_at) <= until
    ]
    paragraphs = [
        f"截至 {until:%Y年%m月%d日}，共有督办事项 {total} 项，"
        f"其中已办结 {by_light[Light.GREEN]} 项，"
        f"正常推进 {by_light[Light.BLUE]} 项，临期预警 {by_light[Light.YELLOW]} 项，"
        f"逾期 {by_light[Light.RED]} 项。",
        f"本{period}（{since:%m月%d日}至{until:%m月%d日}）各单位报送进展 {len(reports)} 条，"
        f"办结销号 {len(done_in_period)} 项。",
    ]
    red = [t for t in tasks if getattr(t, "light", "") == Light.RED]
    if red:
        paragraphs.append(
            "逾期事项："
            + "；".join(f"{t.title}（{t.lead_unit.name}，时限 {t.deadline:%m月%d日}）" for t in red)
            + "。请相关单位抓紧办理。"
        )
    rows = [
        [
            str(i),
            r.task.title,
            r.task.lead_unit.name,
            f"{r.reported_on:%Y-%m-%d}",
            f"{r.percent}%",
            r.text,
        ]
        for i, r in enumerate(sorted(reports, key=lambda r: (r.task_id, r.reported_on)), 1)
    ]
    return render_official(
        OfficialDocument(
            title=f"督查督办工作进展情况（{period}报）",
            subtitle=f"（{since:%Y年%m月%d日}—{until:%Y年%m月%d日}）",
            paragraphs=paragraphs,
            columns=("序号", "任务", "牵头单位", "报送日期", "进度", "进展情况"),
            rows=rows,
            widths_cm=(1.2, 8.0, 3.2, 2.6, 1.6, 9.0),
        )
    )
