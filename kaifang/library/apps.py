from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "kaifang.library"
    label = "library"
    verbose_name = "政策库"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("政策库", "library:document_list", 350))
        from kaifang.library import hooks, panels, signals, tasks

        hooks.register()
        tasks.register()
        panels.register()
        signals.connect()
