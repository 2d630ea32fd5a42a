"""`kaifang briefing --year Y --month M --out FILE.docx [--annex FILE.xlsx]`: the monthly
briefing for the whole city, written to a file (not archived)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.reports.actions import briefing_render


class Command(BaseCommand):
    help = "生成对外开放工作月报（Word）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--annex", default="", help="同时输出 Excel 附表")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["month"] <= 12:
            raise CommandError("月份应为1至12")
        document, annex, lead = briefing_render(year=options["year"], month=options["month"])
        Path(options["out"]).write_bytes(document)
        if options["annex"]:
            Path(options["annex"]).write_bytes(annex)
        self.stdout.write(lead)
        self.stdout.write(f"已写入 {options['out']}")
