"""`kaifang setup-schedules`: write the periodic work registered with @periodic into the
scheduler's table. Idempotent; run it after every migrate (make demo and deployments do)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaifang.core.schedules import ensure_schedules, label_for


class Command(BaseCommand):
    help = "创建或更新定时任务（django-q2 Schedule），可重复执行"

    def handle(self, *args: Any, **options: Any) -> None:
        report = ensure_schedules()
        for label, names in (
            ("新建", report.created),
            ("更新", report.updated),
            ("未变", report.unchanged),
            ("删除", report.removed),
        ):
            for name in names:
                words = label_for(name)
                self.stdout.write(f"{label}：{name}" + (f"（{words}）" if words else ""))
        self.stdout.write(
            self.style.SUCCESS(
                f"定时任务已就绪：新建 {len(report.created)}，更新 {len(report.updated)}，"
                f"未变 {len(report.unchanged)}，删除 {len(report.removed)}。"
            )
        )
