"""`kaifang decompose FILE --date YYYY-MM-DD [--json]`: propose tasks from a document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from kaifang.supervision.decompose import UnitRef, decompose
from kaifang.supervision.decompose.files import UnreadableSource, read_source_bytes


def _directory() -> list[UnitRef]:
    """The unit tree from the database when there is one; otherwise match nothing."""
    from kaifang.supervision.actions import unit_directory

    try:
        return unit_directory()
    except DatabaseError:
        return []


def read_source(path: Path) -> str:
    """The text of a .txt or .docx source file; a ``CommandError`` in Chinese for anything else
    (.doc, .pdf under any name, a damaged .docx, an empty file) instead of a traceback."""
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    try:
        text = read_source_bytes(path.read_bytes(), path.suffix)
    except UnreadableSource as error:
        raise CommandError(str(error)) from error
    if not text.strip():
        raise CommandError(f"文件为空：{path}")
    return text


class Command(BaseCommand):
    help = "把讲话、纪要等文件分解为候选督办事项（.txt 或 .docx）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--date", required=True, help="文件日期 YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            doc_date = dt.date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError("--date 应为 YYYY-MM-DD") from error
        text = read_source(path)
        candidates = decompose(text, doc_date=doc_date, units=_directory())
        rows = [
            {
                "text": c.text,
                "source_sentence": c.source_sentence,
                "lead_unit": c.lead_unit,
                "co_units": list(c.co_units),
                "deadline": c.deadline.isoformat() if c.deadline else None,
                "deadline_text": c.deadline_text,
                "recurring": c.recurring,
                "units_in_tree": list(c.units_in_tree),
                "warnings": list(c.warnings),
                "milestones": [
                    {
                        "text": m.text,
                        "deadline": m.deadline.isoformat() if m.deadline else None,
                        "deadline_text": m.deadline_text,
                    }
                    for m in c.milestones
                ],
            }
            for c in candidates
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for number, c in enumerate(candidates, start=1):
            units = "、".join(filter(None, [c.lead_unit, *c.co_units])) or "—"
            when = c.deadline.isoformat() if c.deadline else "—"
            note = f" [{'；'.join(c.warnings)}]" if c.warnings else ""
            self.stdout.write(f"{number}. {c.text}  [{units}] [{when}]{note}")
