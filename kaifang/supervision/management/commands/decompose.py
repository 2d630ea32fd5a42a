"""`kaifang decompose FILE --date YYYY-MM-DD [--json]`: propose tasks from a document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from kaifang.supervision.decompose import UnitRef, decompose, read_docx
from kaifang.supervision.forms import decode_text


def _directory() -> list[UnitRef]:
    """The unit tree from the database when there is one; otherwise match nothing."""
    from kaifang.supervision.actions import unit_directory

    try:
        return unit_directory()
    except DatabaseError:
        return []


# Files offices send by mistake, told apart by their first bytes whatever their name.
_SIGNATURES = (
    (b"%PDF", "这是 PDF 文件"),
    (b"\xd0\xcf\x11\xe0", "这是旧版 Word（.doc）或 WPS 文件"),
    (b"{\\rtf", "这是 RTF 文件"),
)
_SAVE_AS = "，请在 Word/WPS 中另存为 .docx 或 .txt（UTF-8）后再分解。"


def read_source(path: Path) -> str:
    """The text of a .txt or .docx source file; a ``CommandError`` in Chinese for anything else
    (.doc, .pdf, UTF-16 text, a damaged .docx, an empty file) instead of a traceback."""
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            raise CommandError(f"不支持该文件：{what}{_SAVE_AS}")
    if suffix in (".doc", ".pdf", ".wps", ".rtf", ".ofd", ".xls", ".xlsx", ".ppt", ".pptx"):
        raise CommandError(f"不支持 {suffix} 文件{_SAVE_AS}")
    if suffix == ".docx":
        try:
            text = read_docx(raw).text
        except Exception as error:  # python-docx raises zip, XML and key errors alike
            raise CommandError(f"DOCX 文件已损坏或不是有效的 DOCX 文件{_SAVE_AS}") from error
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CommandError("文件是 UTF-16（记事本“Unicode”）编码，请另存为 UTF-8 后再分解。")
    else:
        try:
            text = decode_text(raw)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
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
            self.stdout.write(f"{number}. {c.text}  [{units}] [{when}]")
