"""`kaifang library-search "QUERY" [--limit N] [--json]`: full-text search over the library
(city-wide: the command line is trusted), best first."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaifang.library.selectors import search_documents


class Command(BaseCommand):
    help = "在政策库中全文检索"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        page = search_documents(user=None, query=options["query"], limit=options["limit"])
        rows = [
            {"id": r.id, "title": r.title, "snippet": r.snippet_html, "score": r.score}
            for r in page.results
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        self.stdout.write(f"共 {page.total} 篇")
        for row in rows:
            self.stdout.write(f"[{row['id']}] {row['title']}  ({row['score']})")
