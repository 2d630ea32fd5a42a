"""`kaifang demo-data`: load the demo city and every app's demo loader (idempotent)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from kaifang.core import demo


class Command(BaseCommand):
    help = "载入示范市演示数据（全部标记为演示数据；可重复运行，不会重复创建）。"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--size", choices=demo.SIZES, default="small")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        names = demo.run(size=options["size"], seed=options["seed"], log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{'、'.join(names)}"))
