"""The briefing job: takes year, month and the owner; calls one action."""

from __future__ import annotations

from typing import Any

from kaifang.core.jobs import JobHandle, job


@job("reports.briefing", label="生成工作月报")
def generate_briefing(handle: JobHandle, *, year: int, month: int) -> dict[str, Any]:
    from kaifang.reports.actions import briefing_generate

    handle.progress(10, "汇总数据")
    briefing = briefing_generate(year=year, month=month, actor=handle.owner)
    handle.progress(100, "月报已生成")
    return {"briefing": briefing.pk, "version": briefing.version}
