"""`kaifang import-official FILE [--flow export|import] [--json]`: a customs statistics
platform export as the city's official series (replaces the file's months for its flow)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.indicators.actions import official_import
from kaifang.indicators.importers.official import OfficialError, parse_official
from kaifang.indicators.officials import official_rows


class Command(BaseCommand):
    help = "导入海关统计数据平台导出的全市汇总数据（官方统计）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--flow", choices=["export", "import"], default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        data = path.read_bytes()
        try:
            result = parse_official(data, path.name, flow=options["flow"])
        except OfficialError as error:
            raise CommandError(error.reason) from error
        summary = {
            "flow": result.flow,
            "currency": result.currency,
            "rows_read": result.rows_read,
            "rows_rejected": len(result.errors),
            "periods": [p.isoformat() for p in result.periods],
            "total": str(result.total),
            "errors": [e.as_dict() for e in result.errors[:200]],
        }
        if result.errors:
            if options["json"]:
                self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            raise CommandError(f"文件有 {len(result.errors)} 行错误，未导入任何数据")
        official_import(
            actor=None,
            filename=path.name,
            data=data,
            flow=result.flow,
            rows=official_rows(result),
            rows_read=result.rows_read,
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"已导入 {result.rows_read} 行，{len(result.periods)} 个月，合计 {result.total}"
        )
