"""`kaifang rebuild-rollups [--from YYYY-MM] [--to YYYY-MM]`: recompute every monthly rollup
from the customs facts (after an upgrade that adds a rollup table, or to repair one)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups


def _month(text: str) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise CommandError(f"月份格式应为 YYYY-MM：{text}") from None


class Command(BaseCommand):
    help = "按海关明细重建月度汇总。Rebuild the monthly rollups from the customs records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", default=None)
        parser.add_argument("--to", dest="end", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        periods = CustomsRecord.objects.values_list("period", flat=True).distinct()
        if options["start"]:
            periods = periods.filter(period__gte=_month(options["start"]))
        if options["end"]:
            periods = periods.filter(period__lte=_month(options["end"]))
        months = sorted(set(periods))
        started = time.monotonic()
        written = rebuild_rollups(months, settle=True)
        took = time.monotonic() - started
        self.stdout.write(f"已重建 {len(months)} 个月的汇总（{written} 行，{took:.1f} 秒）。")
