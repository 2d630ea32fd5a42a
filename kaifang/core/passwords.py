"""Password strength beyond Django's defaults: letters, digits and a symbol (等保 practice)."""

from __future__ import annotations

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if not all(classes):
            raise ValidationError("密码必须同时包含字母、数字和符号。", code="password_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母、数字和符号。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 changed this message and its zh_Hans catalogue has no translation yet, so
    users saw English; say it in Chinese here."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
