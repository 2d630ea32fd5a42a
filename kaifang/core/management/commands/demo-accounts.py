"""`kaifang demo-accounts`: print the demo accounts (synthetic, fixed passwords)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from kaifang.core import demo
from kaifang.core.models import RoleCode, User


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "列出示范市演示账号（用户名、密码、姓名、单位、角色）。"

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(User.objects.filter(is_synthetic=True).values_list("username", flat=True))
        header = ("用户名", "密码", "姓名", "单位", "角色")
        rows = [
            (a.username, a.password, a.full_name, a.unit, str(RoleCode(a.role).label))
            for a in demo.DEMO_ACCOUNTS
        ]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        self.stdout.write(
            "以下均为演示账号，数据为虚构的示范市（synthetic demo accounts, fictional city）："
        )
        for row in [header, *rows]:
            line = "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
        missing = [r[0] for r in rows if r[0] not in present]
        if missing:
            self.stdout.write(
                self.style.WARNING(f"尚未载入：{'、'.join(missing)}（先运行 kaifang demo-data）")
            )
        extra = User.objects.filter(is_synthetic=True, username__startswith="liaison").count()
        if extra > 1:
            self.stdout.write(f"另有包联干部 liaison2…liaison{extra}，密码与 liaison1 相同。")
