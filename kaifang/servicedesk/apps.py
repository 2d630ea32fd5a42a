from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "kaifang.servicedesk"
    label = "servicedesk"
    verbose_name = "企业服务"

    def ready(self) -> None:
        from kaifang.core import schedules

        schedules.label("servicedesk.sla_scan", "诉求时限扫描：临期提醒与逾期升级")

        from kaifang.core.navigation import MenuItem, register
        from kaifang.core.notifications import register_category

        register(MenuItem("企业服务", "servicedesk:appeal_list", 20))
        register_category("appeal", "企业诉求")

        from kaifang.servicedesk import demo, handovers, panels, tiles

        panels.register_all()
        tiles.register()
        demo.register_loader()
        handovers.register()

        from kaifang.servicedesk import search

        search.register()
