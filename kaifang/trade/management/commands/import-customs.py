"""`kaifang import-customs FILE [--flow export|import] [--replace-period] [--dry-run] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.trade.actions import import_customs_table
from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.headers import MappingError, detect_mapping
from kaifang.trade.importers.tabular import TableError, read_table
from kaifang.trade.selectors.imports import import_lookups


class Command(BaseCommand):
    help = "导入海关进出口数据文件（xlsx/xls/csv）。Import a customs trade file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--flow", choices=["export", "import"], default=None)
        parser.add_argument("--source", default="customs", help="数据来源标识（按期间替换的范围）")
        parser.add_argument("--replace-period", action="store_true")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        data = path.read_bytes()
        try:
            table = read_table(data, path.name, kind="customs")
            mapping = detect_mapping(table.header, kind="customs")
            mapping.require(has_file_flow=options["flow"] is not None)
        except (TableError, MappingError) as error:
            raise CommandError(str(error)) from error
        lookups = import_lookups()
        summary: dict[str, Any]
        if options["dry_run"]:
            result = parse_customs(table, mapping, lookups=lookups, file_flow=options["flow"])
            summary = dict(result.summary())
        else:
            try:
                result, written = import_customs_table(
                    table=table,
                    reread=lambda: read_table(data, path.name, kind="customs"),
                    mapping=mapping,
                    lookups=lookups,
                    file_flow=options["flow"],
                    actor=None,
                    batch=None,
                    source=options["source"],
                    replace_period=options["replace_period"],
                )
            except ValidationError as error:
                raise CommandError("；".join(error.messages)) from error
            summary = dict(result.summary())
            summary["enterprises_created"] = written.enterprises_created
        summary["dry_run"] = bool(options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"读取 {summary['rows_read']} 行，导入 {summary['rows_imported']} 行，"
            f"拒绝 {summary['rows_rejected']} 行。"
        )
        for flow, label in (("export", "出口"), ("import", "进口")):
            totals = summary["totals"][flow]
            self.stdout.write(f"{label}：美元 {totals['usd']}，人民币 {totals['cny']}")
        for item in summary["errors"][:50]:
            self.stdout.write(
                f"第 {item['row']} 行 [{item['column']}] {item['value']}：{item['reason']}"
            )
        if options["dry_run"]:
            self.stdout.write("（试运行，数据库未做修改）")
