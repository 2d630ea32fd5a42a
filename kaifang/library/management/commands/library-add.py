"""`kaifang library-add FILE [--title T] [--level L] [--issued YYYY-MM-DD]`: put a document
(.docx, .pdf with a text layer, .txt) into the library and print its id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.library.actions import document_create
from kaifang.library.extract import ExtractError, extract
from kaifang.library.models import DocumentKind, Level


class Command(BaseCommand):
    help = "把文件（.docx、.pdf、.txt）录入政策库，打印新文件的编号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", default="", help="标题（默认取正文第一行）")
        parser.add_argument("--level", default=Level.CITY, choices=Level.values)
        parser.add_argument("--kind", default=DocumentKind.POLICY, choices=DocumentKind.values)
        parser.add_argument("--issued", default="", help="发布日期 YYYY-MM-DD")
        parser.add_argument("--number", default="", help="文号")
        parser.add_argument("--issuer", default="", help="发文机关")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            issued = dt.date.fromisoformat(options["issued"]) if options["issued"] else None
        except ValueError as error:
            raise CommandError("--issued 应为 YYYY-MM-DD") from error
        raw = path.read_bytes()
        try:
            text = extract(path.name, raw)
        except ExtractError as error:
            raise CommandError(str(error)) from error
        title = options["title"] or next(
            (line.strip() for line in text.splitlines() if line.strip()), path.stem
        )
        try:
            document = document_create(
                actor=None,
                title=title[:200],
                text=text,
                kind=options["kind"],
                level=options["level"],
                issued=issued,
                doc_number=options["number"],
                issuer=options["issuer"],
                original=raw,
                original_name=path.name,
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(str(document.pk))
