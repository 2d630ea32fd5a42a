from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kaifang.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from kaifang.core import schedules

        schedules.label("supervision.reminders", "督查督办：每日到期提醒与逾期升级")

        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("督查督办", "supervision:task_list", 300))
        from kaifang.core.handover import register_task_opener
        from kaifang.supervision import handovers, panels, tasks, tiles, workbench
        from kaifang.supervision.actions import task_open

        register_task_opener(task_open)  # appeals become supervised tasks (servicedesk)

        workbench.register()
        tasks.register()
        panels.register()
        tiles.register()
        handovers.register()

        from kaifang.supervision import search

        search.register()
