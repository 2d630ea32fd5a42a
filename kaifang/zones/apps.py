from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "kaifang.zones"
    label = "zones"
    verbose_name = "平台园区与招商"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("开放平台", "zones:platform_list", 400))
        register(MenuItem("园区", "zones:park_list", 410))
        register(MenuItem("产业链图谱", "zones:chain_list", 420))
        register(MenuItem("招商项目", "zones:project_list", 430))
        from kaifang.zones import demo, hooks, panels

        panels.register_all()
        hooks.connect()
        from kaifang.zones.selectors import chains

        chains.connect()
        demo.register_loader()
        from kaifang.zones import tiles

        tiles.register()

        from kaifang.zones import search

        search.register()
