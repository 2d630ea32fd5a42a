"""The core app's job functions and periodic work. Imported at start-up by CoreConfig.ready()
(with every other app's `tasks` module), so the worker knows every job kind."""

from __future__ import annotations

import time

from django.conf import settings

from kaifang.core import audit_export as audit_export  # registers the writer the worker runs
from kaifang.core import notifications
from kaifang.core.exports import EXPORT_KIND, run_export
from kaifang.core.jobs import JobHandle, fail_stale, job
from kaifang.core.lib.xlsx import table_xlsx
from kaifang.core.schedules import periodic

SELFTEST_KIND = "core.selftest"


@job(SELFTEST_KIND, label="系统自检")
def selftest(handle: JobHandle, *, steps: int = 100, pause: float = 0.05) -> dict[str, object]:
    """Count to `steps` with short pauses and write a small workbook: lets a person (and the
    browser tests) watch a progress bar move and download a result from the real worker."""
    started = time.monotonic()
    for step in range(1, steps + 1):
        time.sleep(pause)
        handle.progress(100 * step / steps, f"正在自检：第 {step}/{steps} 步")
    content = table_xlsx(
        title="",
        sheet_title="自检结果",
        headers=["项目", "结果"],
        rows=[
            ["步骤数", steps],
            ["用时（秒）", round(time.monotonic() - started, 2)],
            ["发起人", handle.owner.display_name],
        ],
        header_fill=None,
    )
    handle.save_file("自检结果.xlsx", content)
    return {"steps": steps}


@job(EXPORT_KIND, label="导出文件")  # Excel or Word: the job's title names the list
def export(handle: JobHandle, *, writer: str, query: str) -> dict[str, object]:
    """A large export written in the background (kaifang.core.exports), as its owner."""
    handle.progress(0, "正在读取数据")
    written = run_export(writer=writer, query=query, user=handle.owner, progress=handle.progress)
    handle.progress(100, f"已导出 {written.rows:,} 条，可以下载")
    handle.save_file(written.name, written.content)
    return {"rows": written.rows, "filename": written.name}


@periodic("core.jobs.fail_stale", minutes=10)
def fail_stale_jobs() -> None:
    """Jobs still running well past the queue's timeout lost their worker: say so."""
    fail_stale(older_than_seconds=settings.JOB_TIMEOUT_SECONDS + 600)


@periodic("core.notifications.retry_failed", minutes=15)
def retry_failed_deliveries() -> None:
    """E-mails and robot posts that failed get up to three attempts in all."""
    notifications.retry_failed()
