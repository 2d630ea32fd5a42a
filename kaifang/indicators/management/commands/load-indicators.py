"""`kaifang load-indicators`: the bureau's usual indicators, the comparison rows (本市, 全省,
全国, 武汉, 徐州, 郑州) and one row per district unit. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaifang.indicators.actions import indicators_seed


class Command(BaseCommand):
    help = "载入常用指标和对标地区（可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        created = indicators_seed()
        self.stdout.write(f"新建指标 {created['indicators']} 个，地区 {created['regions']} 个")
