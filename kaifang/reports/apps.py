from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kaifang.reports"
    label = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("工作月报", "reports:briefing_list", 29))
        from kaifang.reports import tasks  # noqa: F401 (registers the briefing job)
