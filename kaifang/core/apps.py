from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(*, using: str = "default", **kwargs: Any) -> None:
    """The database cache (settings.CACHES) needs its table; `migrate` creates it, so a fresh
    database works without a separate `createcachetable` (idempotent)."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "kaifang.core"
    label = "core"
    verbose_name = "基础平台"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core.cache_table")
        from kaifang.core import schedules

        schedules.label("core.jobs.fail_stale", "后台任务：标记失联的任务为失败")
        schedules.label("core.notifications.retry_failed", "消息通知：重发失败的邮件和群机器人消息")

        from kaifang.core import last_login

        last_login.connect()
        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("我的工作台", "core:workbench", 0))
        register(MenuItem("组织机构", "core:unit_list", 900))
        register(MenuItem("审计日志", "core:audit_list", 950, admin_only=True))
        register(MenuItem("数据字典", "core:dictionaries", 940, admin_only=True))

        from kaifang.core import calendar_hooks, shell_hooks

        shell_hooks.register(calendar_hooks.calendar_warnings)
        register(MenuItem("消息通知", "core:notification_list", 860))
        register(MenuItem("后台任务", "core:job_list", 870))

        from kaifang.core import panels

        panels.register_all()
        # Every app's job functions and periodic work, so the worker knows every kind.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
