"""`kaifang trade-stats --year Y --month M --by DIM [--flow] [--currency] [--user U] --json`:
the numbers the analysis pages show, as JSON with amounts as full-precision decimal strings."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.core.models import User
from kaifang.trade.selectors import Query, Viewer, breakdown
from kaifang.trade.selectors.stats import BYS, stats_json


class Command(BaseCommand):
    help = "外贸统计（当月、累计、同比、占比、拉动）。Trade statistics by one dimension."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--by", choices=sorted(BYS), required=True)
        parser.add_argument("--flow", choices=["export", "import", "total"], default="total")
        parser.add_argument("--currency", choices=["usd", "cny"], default="usd")
        parser.add_argument(
            "--industry-level", type=int, choices=[1, 2, 3, 4], default=1, help="行业层级 1–4"
        )
        parser.add_argument("--user", default="", help="按该用户的数据权限统计（默认全市）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            q = Query(
                year=options["year"],
                month=options["month"],
                flow=options["flow"],
                currency=options["currency"],
            )
        except ValueError as error:
            raise CommandError("年份或月份不正确") from error
        viewer: Viewer = None
        if options["user"]:
            viewer = User.objects.filter(username=options["user"], is_active=True).first()
            if viewer is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
        if options["json"]:
            result = stats_json(
                viewer=viewer, by=options["by"], q=q, level=options["industry_level"]
            )
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        table = breakdown(
            viewer=viewer, by=BYS[options["by"]], q=q, level=options["industry_level"]
        )
        self.stdout.write(f"{q.label} {q.flow_label} 分{table.label}（{q.currency.upper()}）")
        for r in [*table.rows, table.total]:
            yoy = "—" if r.yoy_pct is None else f"{r.yoy_pct:.1f}%"
            self.stdout.write(f"{r.name}\t当月 {r.month}\t累计 {r.ytd}\t同比 {yoy}")
