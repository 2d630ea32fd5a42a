from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "kaifang.library"
    label = "library"
    verbose_name = "政策库"

    def ready(self) -> None:
        from kaifang.core import schedules

        schedules.label("library.expiry_reminders", "政策库：文件到期提醒")
        schedules.label("library.index_supervision", "政策库：同步督查来源文件的检索索引")

        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("政策库", "library:document_list", 350))
        from kaifang.library import hooks, panels, signals, tasks

        hooks.register()
        tasks.register()
        panels.register()
        signals.connect()
