"""`kaifang load-reference`: load the dictionaries from package data (idempotent, fast)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaifang.core.reference_loader import reference_load


class Command(BaseCommand):
    help = "加载数据字典（行业、国别、HS 编码、贸易方式、行政区划）/ Load reference data"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-groups",
            action="store_true",
            help="把国别分组恢复为随附定义 / restore the shipped partner-group memberships",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        results = reference_load(reset_groups=options["reset_groups"])
        for result in results:
            self.stdout.write(result.line())
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"数据字典已加载 reference data loaded in {seconds:.1f} s")
        )
