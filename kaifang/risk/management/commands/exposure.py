"""`kaifang exposure --partners 502 --hs 85,84 --flow export --months 12 [--until YYYY-MM]
[--currency usd|cny] [--user U] --json`: which enterprises are exposed to a shock on these
partners and products, over the trailing months ending at --until (default: the latest month
with data). Amounts are full-precision decimal strings, as `kaifang trade-stats` prints them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.core.models import User
from kaifang.risk.matching import amount_text as _amount
from kaifang.risk.matching import clean_code
from kaifang.risk.matching import ratio_text as _ratio
from kaifang.risk.selectors import Spec, exposure, resolve_partners
from kaifang.trade.selectors import Viewer


def _month(text: str) -> dt.date:
    try:
        year, month = (int(p) for p in text.replace("/", "-").split("-")[:2])
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise CommandError(f"--until 应为 YYYY-MM：{text}") from None


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]


class Command(BaseCommand):
    help = "风险敞口：受某国别(地区)×商品冲击影响的企业。Exposure of enterprises to a shock."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--partners", default="", help="海关国别代码或分组名称，逗号分隔（留空为全部）"
        )
        parser.add_argument("--hs", default="", help="商品编码（任意位数），逗号分隔（留空为全部）")
        parser.add_argument("--flow", choices=["export", "import"], default="export")
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--until", default="", help="截止月份 YYYY-MM（默认最近有数据的月份）")
        parser.add_argument("--currency", choices=["usd", "cny"], default="usd")
        parser.add_argument("--user", default="", help="按该用户的数据权限统计（默认全市）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["months"] <= 120:
            raise CommandError("--months 应在 1 至 120 之间")
        partner_codes = None
        if options["partners"]:
            choice = resolve_partners(_split(options["partners"]))
            if choice.unknown:
                raise CommandError(f"未知的国别(地区)或分组：{'、'.join(choice.unknown)}")
            partner_codes = choice.codes
        lines: list[str] = []
        for raw in _split(options["hs"]):
            code = clean_code(raw)
            if not code or len(code) > 10:
                raise CommandError(f"商品编码不正确：{raw}")
            lines.append(code)
        viewer: Viewer = None
        if options["user"]:
            viewer = User.objects.filter(username=options["user"], is_active=True).first()
            if viewer is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
        spec = Spec(
            flow=options["flow"],
            partner_codes=partner_codes,
            lines=tuple(lines),
            months=options["months"],
            until=_month(options["until"]) if options["until"] else None,
            currency=options["currency"],
        )
        result = exposure(viewer=viewer, spec=spec)
        rows = [
            {
                "uscc": e.uscc,
                "name": e.name,
                "exposed": _amount(e.exposed),
                "share_of_own_trade": _ratio(e.share_of_own_trade),
            }
            for e in result.enterprises
        ]
        data: dict[str, Any] = {
            "total_exposed": _amount(result.total_exposed),
            "total_trade": _amount(result.total_trade),
            "share": _ratio(result.share),
            "enterprises": rows,
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        unit = "美元" if spec.currency == "usd" else "人民币元"
        self.stdout.write(
            f"{result.window_label} 受影响金额 {data['total_exposed']} {unit}，"
            f"占{'出口' if spec.flow == 'export' else '进口'} {data['share'] or '—'}"
        )
        for row in rows:
            self.stdout.write(
                f"{row['uscc']}\t{row['name']}\t{row['exposed']}\t{row['share_of_own_trade']}"
            )
