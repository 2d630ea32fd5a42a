"""Application configs for third-party apps that need a Chinese name in the administration
pages. Kept out of kaifang/core/apps.py: a module with more than one AppConfig subclass stops
Django from picking CoreConfig as kaifang.core's config (and its ready() would never run)."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # axes ships no type hints
    """django-axes (login lock-out) as the administration pages name it; its models and fields
    read in Chinese through locale/zh_Hans (the app ships no zh-hans catalogue)."""

    verbose_name = "登录安全"

    def ready(self) -> None:
        super().ready()
        # Two list columns are methods without a column title, which Django prints as the
        # method's English name ("Status", "Expiration"): name them here, not in a fork.
        from axes.admin import AccessAttemptAdmin

        AccessAttemptAdmin.status.short_description = "状态"
        AccessAttemptAdmin.expiration.short_description = "过期时间"
