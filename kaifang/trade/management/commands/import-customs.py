"""`kaifang import-customs FILE [--flow export|import] [--sheet NAME …] [--replace-period]
[--dry-run] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.trade.actions import import_customs_table
from kaifang.trade.importers.book import read_book
from kaifang.trade.importers.common import where
from kaifang.trade.importers.context import check_tables
from kaifang.trade.importers.customs import parse_customs
from kaifang.trade.importers.headers import MappingError, detect_mapping
from kaifang.trade.importers.tabular import TableError
from kaifang.trade.selectors.imports import import_lookups


class Command(BaseCommand):
    help = "导入海关进出口数据文件（xlsx/xls/csv）。Import a customs trade file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--flow", choices=["export", "import"], default=None)
        parser.add_argument(
            "--sheet",
            action="append",
            default=[],
            metavar="NAME",
            help="只读取这个工作表（可重复；默认读取所有含表头的工作表）",
        )
        parser.add_argument("--source", default="customs", help="数据来源标识（按期间替换的范围）")
        parser.add_argument("--replace-period", action="store_true")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        data = path.read_bytes()
        sheets = options["sheet"]
        try:
            book = read_book(data, path.name, sheets=sheets, kind="customs")
            mapping = detect_mapping(book.first.header, kind="customs")
            check_tables(book.tables, mapping, file_flow=options["flow"])
        except (TableError, MappingError) as error:
            raise CommandError(str(error)) from error
        lookups = import_lookups()
        summary: dict[str, Any]
        if options["dry_run"]:
            result = parse_customs(book.tables, mapping, lookups=lookups, file_flow=options["flow"])
            summary = dict(result.summary())
        else:
            try:
                result, written = import_customs_table(
                    table=book.tables,
                    reread=lambda: read_book(data, path.name, sheets=sheets, kind="customs").tables,
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
        if book.sheet_names:
            summary["sheets"] = book.sheet_names
            summary["sheets_skipped"] = book.skipped
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        if book.sheet_names:
            skipped = f"；未读取：{'、'.join(book.skipped)}" if book.skipped else ""
            self.stdout.write(f"读取工作表：{'、'.join(book.sheet_names)}{skipped}")
        self.stdout.write(
            f"读取 {summary['rows_read']} 行，导入 {summary['rows_imported']} 行，"
            f"拒绝 {summary['rows_rejected']} 行。"
        )
        for flow, label in (("export", "出口"), ("import", "进口")):
            totals = summary["totals"][flow]
            self.stdout.write(f"{label}：美元 {totals['usd']}，人民币 {totals['cny']}")
        for item in summary["errors"][:50]:
            self.stdout.write(
                f"{where(item['row'], item.get('sheet', ''))} [{item['column']}] {item['value']}："
                f"{item['reason']}"
            )
        if options["dry_run"]:
            self.stdout.write("（试运行，数据库未做修改）")
