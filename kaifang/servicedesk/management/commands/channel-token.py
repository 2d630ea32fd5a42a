"""`kaifang channel-token NAME`: issue a new API token for a channel and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaifang.servicedesk.channels import channel_issue


class Command(BaseCommand):
    help = "为外部渠道签发新的接口令牌（旧令牌随即失效），令牌只显示这一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="渠道名称，如“12345平台”")

    def handle(self, *args: Any, **options: Any) -> None:
        channel, token = channel_issue(name=options["name"], actor=None)
        self.stderr.write(f"渠道“{channel.name}”的新令牌（请妥善保存，只显示一次）：")
        self.stdout.write(token)
