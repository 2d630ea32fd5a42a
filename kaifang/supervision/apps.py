from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kaifang.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("督查督办", "supervision:task_list", 300))
        from kaifang.supervision import handovers, panels, tasks, workbench

        workbench.register()
        tasks.register()
        panels.register()
        handovers.register()
