"""`kaifang api-token USERNAME [--name N]`: issue a personal access token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifang.api.actions import token_create
from kaifang.core.models import User


class Command(BaseCommand):
    help = "为用户签发个人访问令牌（以该用户身份和数据范围调用接口），令牌只显示这一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="命令行签发", help="令牌名称（用途）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['username']}")
        try:
            token, raw = token_create(user=user, name=options["name"], actor=None)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stderr.write(f"用户“{user.display_name}”的令牌“{token.name}”（只显示这一次）：")
        self.stdout.write(raw)
