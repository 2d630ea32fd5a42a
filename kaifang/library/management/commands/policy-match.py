"""`kaifang policy-match POLICY_ID [--json]`: recompute the matches of every support item of a
policy and print the enterprises with the reason for each condition (city-wide: trusted)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.library.actions import support_item_evaluate
from kaifang.library.models import Document, Match, Outcome


class Command(BaseCommand):
    help = "计算一份政策的支持条款匹配的企业，并打印逐条理由"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("policy_id", type=int)
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        document = Document.objects.filter(pk=options["policy_id"]).first()
        if document is None:
            raise CommandError(f"政策文件不存在：{options['policy_id']}")
        rows = []
        for item in document.support_items.all():
            support_item_evaluate(item=item)
            matches = Match.objects.filter(item=item).select_related("enterprise")
            for match in matches.order_by("outcome", "enterprise__name"):
                eligible = {Outcome.ELIGIBLE: True, Outcome.UNKNOWN: None}.get(
                    Outcome(match.outcome), False
                )
                rows.append(
                    {
                        "item": item.pk,
                        "item_title": item.title,
                        "uscc": match.enterprise.uscc or "",
                        "name": match.enterprise.name,
                        "eligible": eligible,
                        "outcome": match.outcome,
                        "reasons": match.reasons,
                    }
                )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            shown = {True: "符合", None: "待核实", False: "接近"}[row["eligible"]]
            self.stdout.write(f"{row['item_title']}\t{row['name']}\t{shown}")
