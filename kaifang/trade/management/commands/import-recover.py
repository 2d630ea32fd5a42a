"""`kaifang import-recover`: batches left 解析中/导入中 by a failed job or a killed worker
return to a state the user can act on (待确认 after a commit, 失败 after a validation), with
the reason on the batch page. The worker runs the same sweep every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaifang.trade.actions.batches import batches_recover_stale


class Command(BaseCommand):
    help = "恢复因后台任务失败或进程中断而停在“解析中/导入中”的导入批次"

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = batches_recover_stale()
        for batch in recovered:
            self.stdout.write(f"批次 {batch.pk}（{batch.filename}）→ {batch.get_status_display()}")
        self.stdout.write(f"共恢复 {len(recovered)} 个批次。")
